// UI state: which view is open (mirrored in location.hash so reload and back/forward work without a
// router), the colour theme, and toasts.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { loadPref, savePref } from './persist';

export const VIEWS = [
  { name: 'projects', label: 'Projects' },
  { name: 'datasets', label: 'Datasets' },
  { name: 'substrate', label: 'Substrate' },
  { name: 'growth', label: 'Growth' },
  { name: 'catalog', label: 'Catalog' },
  { name: 'merge', label: 'Merge' },
  { name: 'evaluate', label: 'Evaluate' },
  { name: 'studies', label: 'Studies' },
  { name: 'playground', label: 'Playground' },
  { name: 'system', label: 'System' },
] as const;
export type ViewName = (typeof VIEWS)[number]['name'];

export type ThemePref = 'system' | 'light' | 'dark';
export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  text: string;
  /** Where it happened ("Growth · start"), so an error far from its view still says where. */
  where: string;
}

function viewFromHash(): ViewName | null {
  if (typeof location === 'undefined') return null;
  const name = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return VIEWS.some((v) => v.name === name) ? (name as ViewName) : null;
}

export const useUiStore = defineStore('ui', () => {
  const view = ref<ViewName>(viewFromHash() ?? 'projects');
  const theme = ref<ThemePref>((loadPref('theme') as ThemePref | null) ?? 'system');
  const systemDark = ref(false);
  const toasts = ref<Toast[]>([]);
  let toastId = 0;

  function navigate(to: ViewName): void {
    view.value = to;
    if (typeof location !== 'undefined' && viewFromHash() !== to) location.hash = `#/${to}`;
  }

  function syncFromHash(): void {
    const v = viewFromHash();
    if (v) view.value = v;
  }

  const effectiveTheme = computed<'light' | 'dark'>(() => (theme.value === 'system' ? (systemDark.value ? 'dark' : 'light') : theme.value));

  function cycleTheme(): void {
    theme.value = theme.value === 'system' ? 'light' : theme.value === 'light' ? 'dark' : 'system';
  }

  watch(theme, (t) => savePref('theme', t));

  /** Hooks the document: hash navigation, the OS colour scheme, and the data-theme attribute. */
  function attach(): () => void {
    const onHash = () => syncFromHash();
    window.addEventListener('hashchange', onHash);
    const mq = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    const onScheme = () => (systemDark.value = Boolean(mq?.matches));
    onScheme();
    mq?.addEventListener?.('change', onScheme);
    const stop = watch(effectiveTheme, (t) => (document.documentElement.dataset.theme = t), { immediate: true });
    return () => {
      window.removeEventListener('hashchange', onHash);
      mq?.removeEventListener?.('change', onScheme);
      stop();
    };
  }

  function toast(kind: Toast['kind'], text: string, where = ''): void {
    const id = ++toastId;
    toasts.value = [...toasts.value.slice(-2), { id, kind, text, where }];
    // Toasts only announce; the error itself also stays where it happened (the run's panel), so both fade.
    setTimeout(() => dismiss(id), kind === 'error' ? 12_000 : 4000);
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  return { view, theme, effectiveTheme, toasts, navigate, cycleTheme, attach, toast, dismiss };
});
