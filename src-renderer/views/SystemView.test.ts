// @vitest-environment happy-dom
// System: what can be installed here. Without a Unifont it offers the download; the button sends 'system.install',
// shows progress from 'system.installProgress' while it runs, then the one-line result; backends show their reason.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Installables } from '../../src-shared/contract';
import { api } from '../api';
import { useInstallsStore } from '../stores/installs';
import { FakeTransport } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import SystemView from './SystemView.vue';

let pinia: Pinia;
let transport: FakeTransport;
let finish: (v: { ok: boolean; line: string }) => void = () => undefined;
const list = (found: string | null): Installables => ({
  font: { found, version: '15.0.01', folder: '/home/u/.config/espalier/fonts' },
  backends: [
    {
      target: 'node-gpu',
      packages: ['@tensorflow/tfjs-node-gpu'],
      installed: false,
      installable: false,
      reason: 'no NVIDIA GPU is visible here',
    },
    {
      target: 'node',
      packages: ['@tensorflow/tfjs-node'],
      installed: false,
      installable: true,
      reason: 'installable: npm install @tensorflow/tfjs-node',
    },
    { target: 'webgpu', packages: ['webgpu'], installed: true, installable: false, reason: 'installed (webgpu)' },
  ],
  running: null,
});
let found: string | null = null;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  found = null;
  transport.on('system.info', () => new Promise(() => undefined));
  transport.on('system.installables', () => list(found));
  transport.on('system.install', () => new Promise((resolve) => (finish = resolve)));
  api().on('system.installProgress', (e) => useInstallsStore().onProgress(e));
});

describe('SystemView installs', () => {
  it('offers the Unifont download and shows its progress and result', async () => {
    const w = mount(SystemView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid="system-font"]').text()).toContain('Not found');
    await w.get('[data-testid="install-unifont-button"]').trigger('click');
    await flushPromises();
    expect(transport.calls.filter((c) => c.channel === 'system.install').map((c) => c.payload)).toEqual([
      { target: 'unifont' },
    ]);
    transport.emit('system.installProgress', {
      target: 'unifont',
      line: 'downloading https://ftpmirror.gnu.org/…: 600000 bytes',
      fraction: 0.5,
    });
    await flushPromises();
    expect(w.get('[data-testid="install-unifont-progress"]').attributes('value')).toBe('0.5');
    expect(w.get('[data-testid="install-unifont"]').text()).toContain('600000 bytes');
    // Another install waits for this one.
    expect(w.get('[data-testid="install-node-button"]').attributes('disabled')).toBeDefined();
    found = '/home/u/.config/espalier/fonts/unifont-15.0.01.hex';
    finish({ ok: true, line: 'GNU Unifont 15.0.01 downloaded, SHA-256 verified' });
    await flushPromises();
    expect(w.get('[data-testid="system-font"]').text()).toBe(found);
    expect(w.find('[data-testid="install-unifont-button"]').exists()).toBe(false);
  });

  it('offers only the installable backends, each with its reason', async () => {
    const w = mount(SystemView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid="system-backend-node-gpu"]').text()).toBe('no NVIDIA GPU is visible here');
    expect(w.find('[data-testid="install-node-gpu-button"]').exists()).toBe(false);
    expect(w.find('[data-testid="install-webgpu-button"]').exists()).toBe(false);
    expect(w.get('[data-testid="install-node-button"]').text()).toBe('Install @tensorflow/tfjs-node');
  });
});
