// Binds the contract to Electron IPC: one invoke handler in front of the dispatcher (only our own renderer
// frame may call it) and every contract event sent to the app's windows. No Electron import at run time:
// the caller passes ipcMain and the windows, so this is testable in plain Node.
import { pathToFileURL } from 'node:url';
import { IPC_EVENT, IPC_INVOKE } from '../../src-shared/contract';
import type { DispatchResult, Dispatcher } from '../services/dispatch';
import type { EventBus } from '../services/events';

/** The parts of Electron's IpcMain / IpcMainInvokeEvent / WebContents used here. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame?: { url: string } | null }, ...args: unknown[]) => Promise<unknown> | unknown,
  ): void;
  removeHandler(channel: string): void;
}
export interface EventTarget {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface BindOptions {
  ipcMain: IpcMainLike;
  dispatcher: Dispatcher;
  events: EventBus;
  /** Where events go: the webContents of every open window. */
  targets: () => EventTarget[];
  /** Whether a sender frame's URL is the bundled renderer (see trustedRenderer). */
  isTrusted: (url: string) => boolean;
}

/** Accepts the dev server's origin (electron-vite dev) or the bundled index.html, nothing else. */
export function trustedRenderer(devUrl: string | undefined, indexHtml: string): (url: string) => boolean {
  if (devUrl) {
    const origin = new URL(devUrl).origin;
    return (url) => {
      try {
        return new URL(url).origin === origin;
      } catch {
        return false;
      }
    };
  }
  const file = pathToFileURL(indexHtml).href;
  return (url) => url.split(/[?#]/)[0] === file;
}

export function bindIpc(o: BindOptions): () => void {
  o.ipcMain.handle(IPC_INVOKE, async (event, msg): Promise<DispatchResult> => {
    const url = event.senderFrame?.url ?? '';
    if (!o.isTrusted(url)) {
      // A frame that navigated elsewhere (or an injected one) gets nothing from the main side.
      return {
        ok: false,
        error: {
          code: 'invalid-request',
          message: 'refused: the request did not come from the Espalier window',
          field: null,
        },
      };
    }
    const m = typeof msg === 'object' && msg !== null ? (msg as { channel?: unknown; payload?: unknown }) : {};
    return o.dispatcher.dispatch(m.channel, m.payload);
  });
  const off = o.events.on((channel, payload) => {
    for (const t of o.targets()) if (!t.isDestroyed()) t.send(IPC_EVENT, { channel, payload });
  });
  return () => {
    o.ipcMain.removeHandler(IPC_INVOKE);
    off();
  };
}
