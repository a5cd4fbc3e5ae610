// `espalier serve --workspace DIR --port P`: the app in a browser — builds the renderer when missing, starts the
// job supervisor and a token-protected host on 127.0.0.1, prints the URL (stdout) and stops cleanly on Ctrl+C.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { UserError } from '../../common/errors';
import { defineCommand, optNum, optStr, str } from '../command';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');

/** Runs `electron-vite build` once when the renderer was never built; its output goes to stderr (stdout is the URL). */
export async function ensureRenderer(log: (line: string) => void): Promise<void> {
  if (existsSync(join(RENDERER_DIR, 'index.html'))) return;
  const cli = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  if (!existsSync(cli))
    throw new UserError(
      `the renderer is not built (${RENDERER_DIR}) and electron-vite is not installed; run npm ci, then npm run build`,
    );
  log('building the renderer (first run only)…');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.pipe(process.stderr, { end: false });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0 || !existsSync(join(RENDERER_DIR, 'index.html')))
    throw new UserError(`building the renderer failed (exit code ${code}); run npm run build to see why`);
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once. */
function stopSignal(log: (line: string) => void): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.once(sig, () => {
        resolve(sig);
        process.once(sig, () => {
          log('stopping now without waiting for the job');
          process.exit(130);
        });
      });
    };
    on('SIGINT');
    on('SIGTERM');
  });
}

export default defineCommand({
  path: ['serve'],
  summary: 'serve the app to a browser on 127.0.0.1 behind a token (prints the URL), running jobs in a worker process',
  options: [
    {
      name: 'workspace',
      kind: 'string',
      metavar: 'DIR',
      required: true,
      description: 'the workspace folder (created when missing)',
    },
    { name: 'port', kind: 'number', metavar: 'P', default: 0, description: 'port on 127.0.0.1 (0: any free port)' },
    {
      name: 'renderer',
      kind: 'string',
      metavar: 'DIR',
      description: 'serve this built renderer folder instead of out/renderer (built on first run)',
    },
  ],
  async run(opts, _positionals, ctx) {
    const port = optNum(opts, 'port') ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UserError(`option --port must be an integer from 0 to 65535, got ${port}`);
    const log = (line: string) => ctx.log(`espalier: ${line}`);
    const staticDir = optStr(opts, 'renderer') ?? RENDERER_DIR;
    if (staticDir === RENDERER_DIR) await ensureRenderer(log);
    else if (!existsSync(join(staticDir, 'index.html')))
      throw new UserError(`--renderer ${staticDir}: has no index.html`);
    // Loaded here, not at the top: every other CLI command would otherwise pay for the whole app at startup.
    const { createApp } = await import('../../services/app');
    const { startHost } = await import('../../host/server');
    const { guardProcess } = await import('../../host/process-guard');
    const app = createApp(str(opts, 'workspace'), { mode: 'browser', log });
    const unguard = guardProcess(log);
    let host;
    try {
      host = await startHost({ staticDir, dispatcher: app.dispatcher, port, log });
    } catch (err) {
      unguard();
      await app.close();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new UserError(
          `port ${port} is in use on 127.0.0.1; choose another with --port, or --port 0 for any free one`,
        );
      throw err;
    }
    const h = host;
    app.events.on((channel, payload) => h.broadcast(channel, app.forClient(payload)));
    const stopped = stopSignal(log);
    process.stdout.write(`${h.url}\n`);
    log(
      `serving workspace ${app.workspace.root} on ${h.url.split('?')[0]} (open the URL above, token included; Ctrl+C stops)`,
    );
    const sig = await stopped;
    log(`${sig}: stopping (a running job is paused at its next checkpoint)…`);
    await h.close();
    await app.close();
    unguard();
    log('stopped');
    // Nothing should keep the process alive now; if a library does, do not hang the terminal.
    setTimeout(() => process.exit(0), 3000).unref();
    return undefined;
  },
  human: () => '',
});
