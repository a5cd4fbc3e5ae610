// The Growth view as a researcher leaves and comes back to it: returning selects the running run (not one queued
// behind it); a run paused and resumed keeps its whole loss curve through a reload (first step 1, as many points as
// the workspace database holds); status texts never show "?", "undefined" or fractional steps; the run's log
// and each stage's loss before/after stacking its block (here a zero-output block: unchanged) survive the reload.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Watcher } from '../lib/browser';
import { assert, Suite, until } from '../lib/harness';
import { tid, type Ui } from '../lib/ui';
import { NAMES, SIZES } from './flow';

const MIN = 60_000;
const GROWN = 'polish-grown';
const QUEUED = 'polish-queued';
/** Long enough that the run is still running while the first checks happen. */
const STEPS_PER_STAGE = SIZES.stepsPerStage * 3;

export interface GrowthPolishEnv {
  ui: Ui;
  watcher: Watcher;
  reload: () => Promise<void>;
  /** The workspace folder the server uses: the suite reads its database to compare point counts. */
  workspace: string;
}

/** Points of a run's training loss in the workspace database, and its first step. */
function storedLoss(workspace: string, runId: string): { n: number; first: number | null } {
  const db = new Database(join(workspace, 'espalier.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(`SELECT COUNT(*) AS n, MIN(step) AS first FROM metrics WHERE run_id = ? AND name = 'train/loss'`)
      .get(runId) as { n: number; first: number | null };
  } finally {
    db.close();
  }
}

export function growthPolishSuite(env: GrowthPolishEnv): Suite {
  const { ui, watcher } = env;
  const s = new Suite('Growth view: navigation, pause → resume → reload, status texts, logs, insertion losses');
  s.after(() => watcher.check());
  let grownId = '';
  let queuedId = '';

  const panel = () => ui.t('growth-run');
  const status = async () => (await panel().locator(tid('run-progress')).getAttribute('data-status')) ?? '';
  const chartPoints = async () =>
    Number(
      await ui
        .t('loss-chart')
        .getAttribute('data-points', { timeout: 1000 })
        .catch(() => '0'),
    );

  /** Every status text of the Growth view's run panel: whole numbers, no "?", no "undefined", no NaN. */
  async function checkStatusTexts(when: string): Promise<void> {
    const texts = [
      await ui.text(panel().locator(tid('run-message'))),
      await ui.text(ui.t('eta')),
      await ui.text(ui.t('stat-stage')),
      await ui.text(ui.t('stat-step')),
    ];
    for (const dd of await panel().locator('dl.stats dd').all()) texts.push(await ui.text(dd));
    for (const t of texts) assert(!/\?|undefined|NaN/.test(t), `${when}: a status text reads "${t}"`);
    const step = await ui.text(ui.t('stat-step'));
    assert(/^\d+ \/ \d+$/.test(step), `${when}: the step should be whole numbers "N / M", it reads "${step}"`);
  }

  async function startRun(name: string, init: string | null): Promise<string> {
    if (!(await ui.t('grow-form').isVisible())) await ui.t('grow-new').click();
    await ui.t('grow-preset-tiny').click();
    await ui.t('grow-mode').selectOption('grow');
    await ui.t('grow-name').fill(name);
    await ui.t(`grow-dataset-${NAMES.corpusA}`).check();
    await ui.t('grow-stages').fill('2');
    await ui.t('grow-steps-per-stage').fill(String(STEPS_PER_STAGE));
    if (init) {
      await ui.page.locator('details:has([data-testid="grow-init"]) > summary').click();
      await ui.t('grow-init').selectOption(init);
    }
    const before = await panel()
      .getAttribute('data-run-id', { timeout: 1000 })
      .catch(() => null);
    await ui.t('grow-start').click();
    return until(`the ${name} run panel`, async () => {
      if (await ui.t('grow-start-error').isVisible())
        throw new Error(`starting ${name} was refused: ${await ui.note(ui.t('grow-start-error'))}`);
      const id = await panel()
        .getAttribute('data-run-id', { timeout: 1000 })
        .catch(() => null);
      return id && id !== before ? id : null;
    });
  }

  s.step('returning to Growth selects the running run, not the one queued behind it', async () => {
    await ui.go('growth');
    grownId = await startRun(GROWN, 'zero-output');
    await until(
      'the run to be running with points on the chart',
      async () => (await status()) === 'running' && (await chartPoints()) >= 3,
      { timeoutMs: 4 * MIN },
    );
    await checkStatusTexts('running');
    queuedId = await startRun(QUEUED, null);
    assert((await panel().getAttribute('data-run-id')) === queuedId, 'starting a run shows it');
    await ui.go('catalog');
    await ui.go('growth');
    const shown = await until('a run panel', () => panel().getAttribute('data-run-id'));
    assert(
      shown === grownId,
      `back in Growth the running run ${GROWN} should be shown, not ${shown === queuedId ? QUEUED + ' (queued)' : shown}`,
    );
    // The queued one is not needed: cancel it so the worker is free after the first.
    await ui.t('run-select').selectOption(queuedId);
    await panel().locator(tid('run-cancel')).click();
    await until('the queued run cancelled', async () => ((await status()) === 'cancelled' ? true : null));
    await ui.t('run-select').selectOption(grownId);
    await until('the grown run shown', async () => (await panel().getAttribute('data-run-id')) === grownId);
  });

  s.step('pausing shows the step it resumes from and no countdown; resuming continues the same curve', async () => {
    // dispatchEvent: live updates re-render the controls many times a second, so waiting for a stable element can outlast the run.
    await panel().locator(tid('run-pause')).dispatchEvent('click');
    await until('the run paused', async () => ((await status()) === 'paused' ? true : null), { timeoutMs: 2 * MIN });
    const msg = await ui.text(panel().locator(tid('run-message')));
    assert(/^paused at step \d+$/.test(msg), `the paused run should say "paused at step N", it says "${msg}"`);
    assert(
      (await ui.text(ui.t('eta'))) === 'paused',
      `a paused run's ETA should read "paused", it reads "${await ui.text(ui.t('eta'))}"`,
    );
    await checkStatusTexts('paused');
    const pausedAt = Number(/\d+/.exec(msg)![0]);
    await ui.shot('growth-paused');
    await panel().locator(tid('run-resume')).click();
    await until('the run running again', async () => ((await status()) === 'running' ? true : null), {
      timeoutMs: 2 * MIN,
    });
    await until('points past the pause', async () => (await chartPoints()) > pausedAt + 2, { timeoutMs: 4 * MIN });
    await checkStatusTexts('after the resume');
    await ui.runDone(panel(), 'the paused and resumed growth run', 10 * MIN);
    await checkStatusTexts('done');
  });

  s.step(
    'after a reload: the whole curve from step 1, as many points as the database holds; the log and the insertion losses',
    async () => {
      await watcher.duringReload(env.reload);
      await ui.connected();
      await ui.go('growth');
      await until('the run picker', () => ui.t('run-select').isVisible());
      await ui.t('run-select').selectOption(grownId);
      const stored = storedLoss(env.workspace, grownId);
      assert(
        stored.n === 2 * STEPS_PER_STAGE && stored.first === 1,
        `the database should hold steps 1…${2 * STEPS_PER_STAGE} of the run, it holds ${stored.n} from step ${stored.first}`,
      );
      const pts = await until(
        'the reloaded curve',
        async () => ((await chartPoints()) === stored.n ? stored.n : null),
        { timeoutMs: MIN },
      ).catch(async () => {
        throw new Error(
          `the reloaded chart should hold the database's ${stored.n} points, it holds ${await chartPoints()}`,
        );
      });
      const first = await ui.t('loss-chart').getAttribute('data-first-step');
      assert(first === '1', `the reloaded chart should start at the run's first step 1, it starts at ${first}`);
      assert(pts === stored.n, 'the point count matches the database');
      const log = await until('the stored log', async () => {
        const t = await ui
          .t('run-log')
          .textContent({ timeout: 1000 })
          .catch(() => null);
        return t && /paused at step \d+/.test(t) ? t : null;
      });
      assert(
        /resumed: continues from step \d+/.test(log),
        `the log after reload should record the resume, it reads: ${log}`,
      );
      const insertion = await ui.text(ui.t('growth-stage-2').locator(tid('stage-insertion')));
      assert(
        /^(\d+\.\d{4}) → \1 \(±0\)$/.test(insertion),
        `a zero-output block leaves the loss unchanged when stacked; stage 2 reads "${insertion}"`,
      );
      await checkStatusTexts('after the reload');
      await ui.shot('growth-resumed-after-reload');
    },
  );

  return s;
}
