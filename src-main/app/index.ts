// Electron main process: one hardened window on the bundled renderer.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, session } from 'electron';
import { hardenedWebPreferences, installCsp, lockNavigation } from './security';

const here = fileURLToPath(new URL('.', import.meta.url));

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Espalier',
    webPreferences: hardenedWebPreferences(join(here, '../preload/index.cjs')),
  });
  win.once('ready-to-show', () => win.show());
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  if (devUrl) {
    lockNavigation(win.webContents, devUrl);
    void win.loadURL(devUrl);
  } else {
    lockNavigation(win.webContents, 'file://');
    void win.loadFile(join(here, '../renderer/index.html'));
  }
  return win;
}

app.enableSandbox();
void app.whenReady().then(() => {
  installCsp(session.defaultSession);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
