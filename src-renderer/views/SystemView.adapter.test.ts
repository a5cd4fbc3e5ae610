// @vitest-environment happy-dom
// System: the WebGPU adapter's name, whether it is in use and its limits; without one, why not.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { InvokeResponse } from '../../src-shared/contract';
import { FakeTransport, makeSystemInfo } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import SystemView from './SystemView.vue';

const SWIFTSHADER = {
  name: 'google swiftshader (SwiftShader driver 5.0.0), software',
  vendor: 'google',
  architecture: 'swiftshader',
  description: 'SwiftShader driver 5.0.0',
  software: true,
  limits: { maxBufferSize: 1073741824, maxComputeInvocationsPerWorkgroup: 256 },
};

function info(over: Partial<InvokeResponse<'system.info'>>): InvokeResponse<'system.info'> {
  return makeSystemInfo(over);
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

describe('SystemView', () => {
  it('shows the adapter in use with its limits', async () => {
    transport.on('system.info', () =>
      info({
        backend: 'webgpu',
        tried: [{ name: 'webgpu', ok: true, reason: `WebGPU on ${SWIFTSHADER.name}` }],
        adapter: SWIFTSHADER,
      }),
    );
    const w = mount(SystemView, { global: { plugins: [pinia] } });
    await flushPromises();
    const a = w.get('[data-testid="system-adapter"]').text();
    expect(a).toContain('google swiftshader (SwiftShader driver 5.0.0), software');
    expect(a).toContain('in use');
    expect(a).toContain('maxBufferSize');
    expect(a).toContain('1,073,741,824');
  });

  it('says why there is no adapter', async () => {
    const reason = 'no Vulkan driver is installed (no ICD file in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d)';
    transport.on('system.info', () =>
      info({
        tried: [
          { name: 'webgpu', ok: false, reason },
          { name: 'wasm', ok: true, reason: 'WebAssembly SIMD, 1 thread' },
        ],
        adapterNote: reason,
      }),
    );
    const w = mount(SystemView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid="system-adapter"]').text()).toBe(`None: ${reason}`);
  });
});
