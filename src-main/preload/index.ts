// Preload: exposes the IPC contract to the sandboxed renderer as window.espalier (invoke + event subscription).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../../src-shared/contract';

type Listener = (channel: string, payload: unknown) => void;
const listeners = new Set<Listener>();
ipcRenderer.on(IPC_EVENT, (_e: IpcRendererEvent, msg: { channel: string; payload: unknown }) => {
  for (const l of listeners) l(msg.channel, msg.payload);
});

contextBridge.exposeInMainWorld('espalier', {
  invoke: (channel: string, payload: unknown) => ipcRenderer.invoke(IPC_INVOKE, { channel, payload }),
  onEvent: (listener: Listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
});
