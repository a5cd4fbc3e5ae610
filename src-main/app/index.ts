// Electron main process: one hardened window on the bundled renderer, the contract bound to IPC, and jobs in an
// Electron utilityProcess worker (out/main/worker.js). Quitting pauses the running job at a checkpoint first.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session, utilityProcess } from 'electron';
import { bindIpc, trustedRenderer } from '../ipc/bind';
import { createApp, type App } from '../services/app';
import type { FilePurpose } from '../services/files';
import type { WorkerHandle, WorkerSpawnOptions } from '../services/jobs/worker-process';
import type { FromWorker } from '../worker/protocol';
import { appEntryUrl, guardContents, hardenedWebPreferences, installCsp, type GuardableContents } from './security';
// electron-vite copies the asset into the build and gives its path (resources/ holds the app's own icon).
import icon from '../../resources/icon.png?asset';

const here = fileURLToPath(new URL('.', import.meta.url));
const devUrl = process.env['ELECTRON_RENDERER_URL'];
const indexHtml = join(here, '../renderer/index.html');

/** The job worker as an Electron utility process (a Node child process in the CLI and `serve`). */
function spawnUtilityWorker(opts: WorkerSpawnOptions = {}): WorkerHandle {
  // The worker is the only process that loads Dawn (webgpu): main and the renderer never do.
  const child = utilityProcess.fork(join(here, 'worker.js'), [], {
    stdio: 'pipe',
    serviceName: 'Espalier worker',
    env: { ...process.env, ...opts.env },
  });
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
    process.stderr.write(d);
  });
  child.stdout?.on('data', (d: Buffer) => process.stdout.write(d));
  let alive = true;
  return {
    get pid() {
      return child.pid;
    },
    send: (msg) => {
      if (alive) child.postMessage(msg);
    },
    onMessage: (cb) => child.on('message', (m: unknown) => cb(m as FromWorker)),
    onExit: (cb) =>
      child.once('exit', (code: number) => {
        alive = false;
        cb(code, null, tail);
      }),
    // A utility process has no signals to choose from: kill() ends it.
    kill: () => {
      child.kill();
    },
  };
}

/** The native open dialog, shown by main: what it returns is the only host path the services accept. */
async function chooseFile(purpose: FilePurpose): Promise<string | null> {
  const filters: Record<FilePurpose, Electron.FileFilter[]> = {
    font: [{ name: 'GNU Unifont', extensions: ['hex', 'gz'] }],
    matrix: [{ name: 'Embedding matrix', extensions: ['npy', 'safetensors'] }],
    dataset: [{ name: 'Text data', extensions: ['txt', 'jsonl', 'json', 'csv', 'parquet'] }],
    'export-folder': [],
  };
  const win = BrowserWindow.getFocusedWindow();
  const options: Electron.OpenDialogOptions = {
    properties: purpose === 'export-folder' ? ['openDirectory', 'createDirectory'] : ['openFile'],
    filters: filters[purpose],
  };
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

function workspaceDir(): string {
  const i = process.argv.indexOf('--workspace');
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : join(app.getPath('userData'), 'workspace');
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Espalier',
    icon,
    webPreferences: hardenedWebPreferences(join(here, '../preload/index.cjs')),
  });
  win.once('ready-to-show', () => win.show());
  // Its WebContents is guarded by the web-contents-created handler below, like every other one.
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(indexHtml);
  return win;
}

let core: App | null = null;
let closed = false;

app.enableSandbox();
// Every WebContents, whoever creates it (windows, devtools, a future feature), may only show the app entry.
const entry = appEntryUrl(devUrl, indexHtml);
app.on('web-contents-created', (_event, contents) => guardContents(contents as unknown as GuardableContents, entry));
void app.whenReady().then(() => {
  installCsp(session.defaultSession);
  core = createApp(workspaceDir(), { spawn: spawnUtilityWorker, mode: 'electron', chooseFile });
  bindIpc({
    ipcMain,
    dispatcher: core.dispatcher,
    events: core.events,
    targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    isTrusted: trustedRenderer(devUrl, indexHtml),
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// The first quit waits for the job to checkpoint and the database to close, then quits for real.
app.on('before-quit', (event) => {
  if (closed || !core) return;
  event.preventDefault();
  void core.close().finally(() => {
    closed = true;
    app.quit();
  });
});
