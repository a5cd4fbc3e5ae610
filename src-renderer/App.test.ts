// @vitest-environment happy-dom
// Smoke test of the whole shell: boots against a fake main side, visits every view through the navigation,
// and checks each renders its heading with real data and no Vue warnings or console errors.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setTransport } from './api';
import App from './App.vue';
import { VIEWS } from './stores/ui';
import { FakeTransport, makeDataset, makeModel, makeProject, makeRun, makeSubstrate } from './testing/fakes';

vi.mock('./charts/echarts', () => ({
  createChart: () => ({ setOption: () => undefined, resize: () => undefined, dispose: () => undefined }),
}));

function fakeMain(): FakeTransport {
  const t = new FakeTransport();
  t.on('app.info', () => ({ name: 'Espalier', version: '0.1.0', mode: 'browser' }));
  t.on('system.info', () => ({
    backend: 'wasm',
    tried: [
      { name: 'tfjs-node-gpu', ok: false, reason: 'libtensorflow not found' },
      { name: 'wasm', ok: true, reason: 'loaded' },
    ],
    gpus: [],
    wasm: { simd: true, threads: false },
    adapter: null,
    adapterNote: 'no Vulkan driver is installed',
    choice: { backend: 'auto', source: 'default' },
    probedIn: 'worker',
    memory: { rssBytes: 2 ** 28, totalBytes: 2 ** 34, freeBytes: 2 ** 33 },
    versions: { node: '20.19.0', espalier: '0.1.0' },
    workspace: '/tmp/ws',
  }));
  t.on('projects.list', () => [makeProject()]);
  t.on('datasets.list', () => [makeDataset(), makeDataset({ id: 'd2', name: 'en-ru.val', split: 'val' })]);
  t.on('substrates.list', () => [makeSubstrate()]);
  t.on('runs.list', () => [makeRun({ progress: { fraction: 0.4, message: 'stage 2 of 3' } })]);
  t.on('runs.metrics', () => [{ name: 'train/loss', steps: [1, 2, 3], values: [5, 4.5, 4.2], t: [0.1, 0.2, 0.3] }]);
  t.on('models.list', () => [makeModel(), makeModel({ id: 'm2', name: 'en-zh', kind: 'trained', runId: null })]);
  t.on('evals.list', () => [
    {
      id: 'e1',
      modelId: 'm1',
      runId: null,
      task: 'mc',
      protocol: 'loglik',
      datasetName: 'mc.jsonl',
      datasetSha256: 'x',
      n: 40,
      metrics: { acc: 0.3, acc_norm: 0.31 },
      ci95: null,
      runs: 1,
      seed: 1,
      createdAt: '2026-11-27T12:00:00Z',
    },
  ]);
  t.on('merge.check', () => ({ compatible: true, reason: null, incompatible: {} }));
  t.on('studies.list', () => []);
  return t;
}

let warn: ReturnType<typeof vi.spyOn>;
let error: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  setActivePinia(createPinia());
  warn = vi.spyOn(console, 'warn');
  error = vi.spyOn(console, 'error');
  location.hash = '';
});
afterEach(() => {
  warn.mockRestore();
  error.mockRestore();
});

describe('App shell', () => {
  it('boots, loads the open project and renders every view', async () => {
    const t = fakeMain();
    setTransport(t);
    const w = mount(App, { attachTo: document.body });
    await flushPromises();
    expect(w.get('[data-testid="current-project"]').text()).toContain('Demo');
    expect(w.get('[data-testid="connection-status"]').attributes('data-state')).toBe('open');
    for (const v of VIEWS) {
      await w.get(`[data-testid="nav-${v.name}"]`).trigger('click');
      await flushPromises();
      expect(w.get('main h1').text()).toBe(v.label);
      expect(w.get(`[data-testid="nav-${v.name}"]`).attributes('aria-current')).toBe('page');
    }
    await w.get('[data-testid="nav-growth"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="layer-stack"]').attributes('data-tiers')).toBe('3');
    expect(w.get('[data-testid="loss-chart"]').attributes('data-points')).toBe('3');
    await w.get('[data-testid="nav-evaluate"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="eval-protocol-label"]').text()).toBe('loglik (harness)');
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    w.unmount();
  });

  it('shows a disconnected banner while the socket is down and reloads after it returns', async () => {
    const t = fakeMain();
    setTransport(t);
    const w = mount(App, { attachTo: document.body });
    await flushPromises();
    const before = t.calls.filter((c) => c.channel === 'projects.list').length;
    t.setState({ status: 'closed', retryAt: Date.now() + 2000, detail: 'connection lost', attempt: 1 });
    await flushPromises();
    expect(w.get('[data-testid="connection-banner"]').text()).toContain('connection lost');
    t.setState({ status: 'open', retryAt: null, detail: '', attempt: 0, opens: 2 });
    await flushPromises();
    expect(w.find('[data-testid="connection-banner"]').exists()).toBe(false);
    expect(t.calls.filter((c) => c.channel === 'projects.list').length).toBe(before + 1);
    w.unmount();
  });

  it('explains what to do when there is no project yet', async () => {
    const t = fakeMain();
    t.on('projects.list', () => []);
    setTransport(t);
    const w = mount(App, { attachTo: document.body });
    await flushPromises();
    await w.get('[data-testid="nav-growth"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="needs-project"]').text()).toContain('Open a project first');
    w.unmount();
  });
});
