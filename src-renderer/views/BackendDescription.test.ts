// @vitest-environment happy-dom
// Issue 28 items 13 and 16: the System view says what computes in the words the run log and doctor use, shows
// what Dawn said during the one quiet probe, and the run panel shows the run's recorded description.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { InvokeResponse } from '../../src-shared/contract';
import RunProgress from '../components/RunProgress.vue';
import { FakeTransport, makeRun, makeSystemInfo } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import SystemView from './SystemView.vue';

const DESCRIPTION = 'wasm (native AVX2+FMA, 2 threads)';

function info(over: Partial<InvokeResponse<'system.info'>>): InvokeResponse<'system.info'> {
  return makeSystemInfo({
    tried: [
      { name: 'wasm', ok: true, reason: 'WebAssembly SIMD; matrix products run natively (AVX2+FMA) on 2 threads' },
    ],
    wasm: { simd: true, threads: true },
    adapterNote: 'Dawn found no WebGPU adapter (Vulkan reports no usable GPU driver)',
    ...over,
  });
}

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  transport.on('system.installables', () => ({
    font: { found: null, version: '15.0.01', folder: '/tmp/fonts' },
    backends: [],
    running: null,
  }));
});

describe('one description of the compute', () => {
  it('the System view shows it, and what Dawn said during the probe', async () => {
    const warnings = [
      'Warning: XDG_RUNTIME_DIR is invalid or not set in the environment.',
      'Warning: vkCreateInstance: Found no drivers!',
    ];
    transport.on('system.info', () => info({ description: DESCRIPTION, webgpuWarnings: warnings }));
    const w = mount(SystemView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid="system-backend-description"]').text()).toBe(`Computes on ${DESCRIPTION}`);
    expect(w.get('[data-testid="system-webgpu-warnings"] summary').text()).toMatch(
      /2 lines, probed once, kept out of the terminal/,
    );
    expect(w.get('[data-testid="system-webgpu-warnings"] pre').text()).toBe(warnings.join('\n'));
  });

  it('the run panel shows the run’s recorded description', () => {
    const run = makeRun({
      status: 'done',
      result: {
        modelIds: ['m1'],
        modelId: 'm1',
        trainLoss: 3.2,
        valLoss: 3.4,
        backend: { name: 'wasm', adapter: null, software: false, description: DESCRIPTION },
      },
    });
    const w = mount(RunProgress, { props: { run }, global: { plugins: [pinia] } });
    expect(w.get('[data-testid="run-backend"]').text()).toBe(`Computed on ${DESCRIPTION}`);
  });
});
