// The end-to-end runner (issue 10). Browser mode: starts `espalier serve` on a temporary workspace and a free
// port, drives Debian's Chromium through the flow and the bad-input suite, screenshots every view into
// e2e/artifacts/, fails on console errors and failed or off-host requests, tears everything down, and ends
// with "N passed, N failed". `--electron`: the same suites in the built Electron app, or a printed skip.
// `--only day-two` runs one standalone suite (it makes its own project and data) in browser mode;
// `--keep` keeps the temporary workspace; E2E_TIMEOUT_MS bounds the run (default 25 min); E2E_CHROMIUM names
// another Chromium; E2E_ONLY runs only the suites whose name contains it; E2E_DIM / E2E_NGRAMS / E2E_STEPS_PER_STAGE / E2E_TRAIN_STEPS / E2E_EVAL_LIMIT resize the flow.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveFontPath } from '../src-main/engine/substrate/discover';
import { launchChromium, Watcher } from './lib/browser';
import { APP_SOURCES, buildIfStale, RENDERER_SOURCES } from './lib/build';
import { abortAll, fmtMs, sleep, type StepResult, type Suite } from './lib/harness';
import { startServer, type Server } from './lib/server';
import { Ui } from './lib/ui';
import { a11ySuites } from './specs/a11y';
import { badInputSuite } from './specs/bad-input';
import { benchmarksSuite } from './specs/benchmarks';
import { studiesSuite } from './specs/studies';
import { studiesDatasetsSuite } from './specs/studies-datasets';
import { electronRuntime, launchElectron } from './specs/electron';
import { evaluatePolishSuite } from './specs/evaluate-polish';
import { flowSuite, SIZES, type FlowState } from './specs/flow';
import { uxSuite } from './specs/ux';
import { useSwiftShader, webgpuSuite } from './specs/webgpu';
import { storageSuite } from './specs/storage';
import { growthPolishSuite } from './specs/growth-polish';
import { dayTwoSuite } from './specs/day-two';

/** Suites that need nothing from the flow: runnable alone with `--only NAME`. */
const STANDALONE: Record<string, (ui: Ui, watcher: Watcher) => Suite[]> = {
  'day-two': (ui, watcher) => [dayTwoSuite(ui, watcher)],
};

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The whole run, teardown excluded: a hang fails the run instead of eating the CI budget. */
const RUN_TIMEOUT_MS = Number(process.env['E2E_TIMEOUT_MS'] ?? 25 * 60_000);

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Teardown of what this run started, newest first; also run when the runner is interrupted (Ctrl+C). */
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()!().catch((err: unknown) => log(`teardown: ${String(err)}`));
}
function onSignal(sig: NodeJS.Signals): void {
  log(`\n${sig}: stopping what the e2e run started…`);
  abortAll(sig);
  void cleanUp().finally(() => process.exit(130));
}

/**
 * The glyph substrate step needs a Unifont the server finds by itself (the form leaves the font empty): the
 * a system install (Debian: the `unifont` package) or the copy `espalier font install` fetched. Missing, the run fails at once.
 */
function requireSystemFont(): null {
  try {
    log(`font: the host finds a system Unifont (${resolveFontPath()})`);
    return null;
  } catch {
    throw new Error(
      'no GNU Unifont for the glyph substrate step: run `npm run -s espalier -- font install` (or install the unifont package of the system)',
    );
  }
}

/**
 * One run at a time per artifacts folder: a second run would wipe the first one's screenshots. Waits for a
 * live holder (other people's runs on a shared machine), takes over a lock whose process is gone.
 */
async function lockArtifacts(dir: string): Promise<() => void> {
  const lock = `${dir}.lock`;
  mkdirSync(join(dir, '..'), { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  for (let said = false; ; said = true) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch {
      const holder = Number(readFileSync(lock, 'utf8').trim());
      let alive = false;
      try {
        process.kill(holder, 0);
        alive = holder > 0 && holder !== process.pid;
      } catch {
        alive = false;
      }
      if (!alive) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another e2e run (pid ${holder}) has held ${lock} for 20 minutes`);
      if (!said) log(`waiting: another e2e run (pid ${holder}) is writing ${dir}…`);
      await sleep(2000);
    }
  }
}

/** Every step's result, appended as it finishes: a run cut short by the timeout still counts what passed. */
const results: StepResult[] = [];

/** E2E_ONLY=<words>: only the suites whose name contains them (a self-contained suite, run on its own). */
function selectedByEnv(suites: Suite[]): Suite[] {
  const want = process.env['E2E_ONLY']?.toLowerCase();
  return want ? suites.filter((s) => s.name.toLowerCase().includes(want)) : suites;
}

async function runSuites(suites: Suite[]): Promise<void> {
  for (const s of suites) await s.run(log, results);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} exceeded ${fmtMs(ms)} (E2E_TIMEOUT_MS)`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function browserMode(tmp: string, artifacts: string, only: string | null = null): Promise<boolean> {
  if (only !== null && !STANDALONE[only])
    throw new Error(`--only ${only}: no such standalone suite; there are: ${Object.keys(STANDALONE).join(', ')}`);
  const fontPath = requireSystemFont();
  useSwiftShader();
  try {
    buildIfStale(ROOT, 'out/renderer/index.html', RENDERER_SOURCES, join(artifacts, 'build.log'), log);
    log('server: starting espalier serve…');
    const t0 = Date.now();
    const server: Server = await startServer({
      root: ROOT,
      workspace: join(tmp, 'workspace'),
      logFile: join(artifacts, 'server.log'),
    });
    cleanups.push(async () => log(`server: pid ${server.pid} ${await server.stop()}`));
    log(
      `server: pid ${server.pid} serving ${server.url.replace(/token=.*/, 'token=…')} after ${fmtMs(Date.now() - t0)}`,
    );

    const watcher = new Watcher();
    const browser = await launchChromium(watcher);
    cleanups.push(() => browser.close());
    const ui = new Ui(browser.page, artifacts);
    await browser.page.goto(server.url);

    const state: FlowState = { stageNames: [], growRunId: null };
    const reload = async () => {
      await browser.page.reload();
    };
    if (only !== null) await runSuites(STANDALONE[only]!(ui, watcher));
    // WebGPU last: it changes the backend choice and adds a model, which the earlier suites need not know about.
    else
      await runSuites(
        selectedByEnv([
          flowSuite({ ui, watcher, fontPath, reload }, state),
          badInputSuite(ui, watcher, state),
          evaluatePolishSuite(ui, watcher, state),
          storageSuite(ui, watcher),
          studiesSuite(ui, watcher),
          growthPolishSuite({ ui, watcher, reload, workspace: join(tmp, 'workspace') }),
          benchmarksSuite({ ui, watcher, reload }),
          uxSuite(ui, watcher, state),
          ...a11ySuites(ui, watcher),
          webgpuSuite(ui, watcher),
          studiesDatasetsSuite(ui, watcher),
          dayTwoSuite(ui, watcher),
        ]),
      );
    for (const w of watcher.warnings) log(`note: ${w}`);
    log(`screenshots: ${ui.shots.length} in ${artifacts}`);
  } finally {
    await cleanUp();
  }
  return true;
}

/** False when Electron is not installed here (skipped, with the reason printed). */
async function electronMode(tmp: string, artifacts: string): Promise<boolean> {
  const rt = electronRuntime(ROOT);
  if ('missing' in rt) {
    log(
      `electron: skipped — the Electron runtime is not installed here (${rt.missing}); run \`node node_modules/electron/install.js\` where the internet is reachable, then npm run test:e2e:electron`,
    );
    return false;
  }
  buildIfStale(ROOT, 'out/main/index.js', APP_SOURCES, join(artifacts, 'build.log'), log);
  const fontPath = requireSystemFont();
  useSwiftShader();
  const watcher = new Watcher();
  const app = await launchElectron(ROOT, rt.path, join(tmp, 'workspace'), watcher);
  cleanups.push(() => app.close());
  try {
    const page = await app.firstWindow();
    await page.setViewportSize({ width: 1280, height: 800 }).catch(() => undefined);
    const ui = new Ui(page, artifacts);
    const state: FlowState = { stageNames: [], growRunId: null };
    const reload = async () => {
      await page.reload();
    };
    await runSuites([
      flowSuite({ ui, watcher, fontPath, reload }, state),
      badInputSuite(ui, watcher, state),
      storageSuite(ui, watcher),
      studiesSuite(ui, watcher),
      growthPolishSuite({ ui, watcher, reload, workspace: join(tmp, 'workspace') }),
      benchmarksSuite({ ui, watcher, reload }),
      uxSuite(ui, watcher, state),
      ...a11ySuites(ui, watcher),
      webgpuSuite(ui, watcher),
    ]);
    log(`screenshots: ${ui.shots.length} in ${artifacts}`);
    return true;
  } finally {
    await cleanUp();
  }
}

export async function main(args: string[]): Promise<number> {
  const electron = args.includes('--electron');
  const keep = args.includes('--keep');
  const onlyAt = args.findIndex((a) => a === '--only' || a.startsWith('--only='));
  const only =
    onlyAt < 0 ? null : args[onlyAt]!.includes('=') ? args[onlyAt]!.slice('--only='.length) : (args[onlyAt + 1] ?? '');
  const started = Date.now();
  const artifacts = join(ROOT, 'e2e', 'artifacts', electron ? 'electron' : 'browser');
  const unlock = await lockArtifacts(artifacts);
  cleanups.unshift(async () => unlock());
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'espalier-e2e-'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  log(`e2e (${electron ? 'Electron' : 'browser'} mode): workspace ${tmp}, sizes ${JSON.stringify(SIZES)}`);

  let fatal: string | null = null;
  let skipped = false;
  try {
    const ran = await withTimeout(
      electron ? electronMode(tmp, artifacts) : browserMode(tmp, artifacts, only),
      RUN_TIMEOUT_MS,
      'the end-to-end run',
    );
    skipped = !ran;
  } catch (err) {
    abortAll('the run timed out');
    fatal = (err as Error)?.stack ?? String(err);
    log(`\nfatal: ${fatal}`);
  } finally {
    // Normally done already; after a timeout the suites may still hang, so stop what they started here.
    await cleanUp();
    if (keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }

  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length + (fatal ? 1 : 0);
  const notRun = results.filter((r) => r.status === 'skipped').length;
  log(
    `\ne2e finished in ${fmtMs(Date.now() - started)}${notRun ? `; ${notRun} step(s) not run after a failure` : ''}${skipped ? '; skipped' : ''}`,
  );
  log(`${passed} passed, ${failed} failed`);
  return failed > 0 || notRun > 0 ? 1 : 0;
}
