// Electron IPC binding with stand-ins for ipcMain and windows: only the app's own renderer frame is served,
// requests reach the validating dispatcher, and contract events go to every live window.
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { IPC_EVENT, IPC_INVOKE } from '../../src-shared/contract';
import { createDispatcher } from '../services/dispatch';
import { EventBus } from '../services/events';
import { bindIpc, trustedRenderer } from './bind';

function fakeIpc() {
  const handlers = new Map<string, (event: { senderFrame?: { url: string } | null }, ...args: unknown[]) => unknown>();
  return {
    handlers,
    handle: (c: string, l: (event: { senderFrame?: { url: string } | null }, ...args: unknown[]) => unknown) =>
      void handlers.set(c, l),
    removeHandler: (c: string) => void handlers.delete(c),
  };
}

describe('bindIpc', () => {
  const index = '/opt/espalier/out/renderer/index.html';
  const appUrl = `${pathToFileURL(index).href}#/projects`;
  const dispatcher = createDispatcher({ 'app.info': () => ({ name: 'Espalier', version: '1', mode: 'electron' }) });

  it('serves invokes from the bundled renderer only', async () => {
    const ipc = fakeIpc();
    const off = bindIpc({
      ipcMain: ipc,
      dispatcher,
      events: new EventBus(),
      targets: () => [],
      isTrusted: trustedRenderer(undefined, index),
    });
    const invoke = ipc.handlers.get(IPC_INVOKE)!;
    expect(await invoke({ senderFrame: { url: appUrl } }, { channel: 'app.info', payload: {} })).toEqual({
      ok: true,
      value: { name: 'Espalier', version: '1', mode: 'electron' },
    });
    expect(
      await invoke({ senderFrame: { url: 'https://evil.example/' } }, { channel: 'app.info', payload: {} }),
    ).toMatchObject({ ok: false, error: { message: expect.stringMatching(/refused/) } });
    expect(await invoke({ senderFrame: null }, { channel: 'app.info', payload: {} })).toMatchObject({ ok: false });
    expect(await invoke({ senderFrame: { url: appUrl } }, { channel: 'nope', payload: {} })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(await invoke({ senderFrame: { url: appUrl } }, 'garbage')).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    off();
    expect(ipc.handlers.size).toBe(0);
  });

  it('accepts the dev server origin in development', () => {
    const ok = trustedRenderer('http://localhost:5173/', index);
    expect(ok('http://localhost:5173/#/x')).toBe(true);
    expect(ok('http://localhost:5174/')).toBe(false);
    expect(ok('not a url')).toBe(false);
  });

  it('sends contract events to every live window and stops after unbinding', () => {
    const bus = new EventBus();
    const live = { send: vi.fn(), isDestroyed: () => false };
    const dead = { send: vi.fn(), isDestroyed: () => true };
    const off = bindIpc({
      ipcMain: fakeIpc(),
      dispatcher,
      events: bus,
      targets: () => [live, dead],
      isTrusted: () => true,
    });
    bus.emit('models.changed', { projectId: 'p1' });
    expect(live.send).toHaveBeenCalledWith(IPC_EVENT, { channel: 'models.changed', payload: { projectId: 'p1' } });
    expect(dead.send).not.toHaveBeenCalled();
    off();
    bus.emit('models.changed', { projectId: 'p1' });
    expect(live.send).toHaveBeenCalledTimes(1);
  });
});
