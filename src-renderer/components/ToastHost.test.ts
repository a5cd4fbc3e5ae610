// @vitest-environment happy-dom
// Issue 28 item 13: toasts never pile up — the same message again counts on the toast already showing, at most
// three show, and each leaves on its own (4 s, errors 12 s), also after repeats and after being pushed out.
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { useUiStore } from '../stores/ui';
import ToastHost from './ToastHost.vue';

beforeEach(() => {
  vi.useFakeTimers();
  setActivePinia(createPinia());
});
afterEach(() => vi.useRealTimers());

describe('toasts', () => {
  it('joins repeats, keeps three, and all of them leave', async () => {
    const ui = useUiStore();
    const w = mount(ToastHost);
    for (let i = 0; i < 5; i++) ui.toast('error', 'Loading datasets: the connection closed', 'Datasets');
    await nextTick();
    expect(w.findAll('[data-testid="toast"]')).toHaveLength(1);
    expect(w.get('[data-testid="toast-count"]').text()).toBe('× 5');
    for (const n of ['Import finished.', 'Growth finished.', 'Evaluation finished.', 'Merge saved.'])
      ui.toast('success', n, 'Runs');
    await nextTick();
    expect(w.findAll('[data-testid="toast"]').map((t) => t.text())).toEqual([
      expect.stringContaining('Growth finished.'),
      expect.stringContaining('Evaluation finished.'),
      expect.stringContaining('Merge saved.'),
    ]);
    vi.advanceTimersByTime(4001);
    await nextTick();
    expect(w.findAll('[data-testid="toast"]')).toHaveLength(0);
    ui.toast('error', 'The run failed.', 'Growth');
    vi.advanceTimersByTime(11_000);
    ui.toast('error', 'The run failed.', 'Growth');
    vi.advanceTimersByTime(11_000);
    await nextTick();
    expect(w.findAll('[data-testid="toast"]')).toHaveLength(1);
    vi.advanceTimersByTime(1001);
    await nextTick();
    expect(ui.toasts).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
