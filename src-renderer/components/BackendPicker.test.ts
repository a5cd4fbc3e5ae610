// @vitest-environment happy-dom
// The backend choice in the System view: the current choice and its source, a software adapter labelled as such,
// Apply sends the choice through the contract, and main's refusal (a job running) stays next to the control.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { InvokeResponse } from '../../src-shared/contract';
import { useSystemStore } from '../stores/system';
import { FakeContractError, FakeTransport } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import BackendPicker from './BackendPicker.vue';

const SWIFTSHADER = {
  name: 'google swiftshader (SwiftShader driver 5.0.0), software',
  vendor: 'google',
  architecture: 'swiftshader',
  description: 'SwiftShader driver 5.0.0',
  software: true,
  limits: { maxBufferSize: 1073741824 },
};

function info(over: Partial<InvokeResponse<'system.info'>> = {}): InvokeResponse<'system.info'> {
  return {
    backend: 'wasm',
    tried: [{ name: 'wasm', ok: true, reason: 'WebAssembly SIMD, 1 thread' }],
    gpus: [],
    wasm: { simd: true, threads: false },
    adapter: SWIFTSHADER,
    adapterNote: `not in use (wasm runs): webgpu would use ${SWIFTSHADER.name}`,
    choice: { backend: 'wasm', source: 'environment' },
    probedIn: 'worker',
    memory: { rssBytes: 1, totalBytes: 2, freeBytes: 1 },
    versions: {},
    workspace: '/tmp/ws',
    ...over,
  };
}

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(async () => {
  ({ pinia, transport } = freshApp());
  transport.on('system.info', () => info());
  await useSystemStore().load();
});

describe('BackendPicker', () => {
  it('shows the choice in force and labels a software adapter', () => {
    const w = mount(BackendPicker, { global: { plugins: [pinia] } });
    expect(w.get('[data-testid="backend-choice"]').text()).toContain('Jobs start with wasm (ESPALIER_BACKEND)');
    expect(w.get('[data-testid="backend-webgpu-adapter"]').text()).toContain(
      'google swiftshader (SwiftShader driver 5.0.0)',
    );
    expect(w.get('[data-testid="backend-webgpu-adapter"]').text()).toContain('software: a CPU, not a GPU');
    expect((w.get('[data-testid="backend-option-wasm"] input').element as HTMLInputElement).checked).toBe(true);
    expect(w.get('[data-testid="backend-apply"]').attributes('disabled')).toBeDefined();
  });

  it('applies a new choice through system.setBackend and shows the report main answers with', async () => {
    transport.on('system.setBackend', (p) =>
      info({ backend: 'webgpu', choice: { backend: (p as { backend: 'webgpu' }).backend, source: 'workspace' } }),
    );
    const w = mount(BackendPicker, { global: { plugins: [pinia] } });
    await w.get('[data-testid="backend-option-webgpu"] input').setValue(true);
    await w.get('[data-testid="backend-apply"]').trigger('click');
    await flushPromises();
    expect(transport.calls.filter((c) => c.channel === 'system.setBackend').map((c) => c.payload)).toEqual([
      { backend: 'webgpu' },
    ]);
    expect(useSystemStore().info?.backend).toBe('webgpu');
    expect(w.get('[data-testid="backend-choice"]').text()).toContain(
      'Jobs start with webgpu (this workspace’s setting)',
    );
  });

  it('keeps main’s refusal next to the control', async () => {
    const message =
      'the compute backend cannot change while the grow run "tiny" is running or queued; wait for it to finish, or pause or cancel it, then choose again';
    transport.on('system.setBackend', () => {
      throw new FakeContractError({ code: 'conflict', message, field: null });
    });
    const w = mount(BackendPicker, { global: { plugins: [pinia] } });
    await w.get('[data-testid="backend-option-cpu"] input').setValue(true);
    await w.get('[data-testid="backend-apply"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="backend-error"]').text()).toContain(message);
    expect(useSystemStore().info?.choice.backend).toBe('wasm');
  });
});
