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
  /** How many times the same message came while it showed ("× 3"): repeats join it instead of piling up. */
  count?: number;
}

/** How long a toast stays: errors longer (the error itself also stays where it happened). */
export const TOAST_MS = { error: 12_000, other: 4000 } as const;
/** At most this many show; an older one leaves when a new one comes. */
export const MAX_TOASTS = 3;

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

  const effectiveTheme = computed<'light' | 'dark'>(() =>
    theme.value === 'system' ? (systemDark.value ? 'dark' : 'light') : theme.value,
  );

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

  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  function expire(id: number, kind: Toast['kind']): void {
    clearTimeout(timers.get(id));
    timers.set(
      id,
      setTimeout(() => dismiss(id), kind === 'error' ? TOAST_MS.error : TOAST_MS.other),
    );
  }

  function toast(kind: Toast['kind'], text: string, where = ''): void {
    // The same message again (a reconnect reloading, a run retried) counts on the toast already showing.
    const same = toasts.value.find((t) => t.kind === kind && t.text === text && t.where === where);
    if (same) {
      toasts.value = toasts.value.map((t) => (t === same ? { ...t, count: (t.count ?? 1) + 1 } : t));
      expire(same.id, kind);
      return;
    }
    const id = ++toastId;
    const kept = toasts.value.slice(-(MAX_TOASTS - 1));
    for (const t of toasts.value) {
      if (kept.includes(t)) continue;
      clearTimeout(timers.get(t.id));
      timers.delete(t.id);
    }
    toasts.value = [...kept, { id, kind, text, where }];
    // Toasts only announce; the error itself also stays where it happened (the run's panel), so both fade.
    expire(id, kind);
  }

  function dismiss(id: number): void {
    clearTimeout(timers.get(id));
    timers.delete(id);
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  return { view, theme, effectiveTheme, toasts, navigate, cycleTheme, attach, toast, dismiss };
});
