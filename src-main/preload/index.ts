// Preload: exposes the IPC contract to the sandboxed renderer as window.espalier.
import { contextBridge, ipcRenderer } from 'electron';
import { APP_INFO_CHANNEL } from '../../src-shared/contract';

contextBridge.exposeInMainWorld('espalier', {
  appInfo: () => ipcRenderer.invoke(APP_INFO_CHANNEL),
});
