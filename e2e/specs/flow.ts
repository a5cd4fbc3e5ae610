// Issue 10 §1: the whole paper the way a person does it, each step asserting what the page shows — demo
// project → datasets with token counts → glyph substrate and the glyph viewer → a 2-stage tiny growth watched
// live → catalog → a second expert → merge preview and save → loglik multiple-choice evaluation → playground
// → reload, and everything is still there. Shared by the browser and the Electron runs.
import type { Locator } from 'playwright-core';
import { assert, Suite, until } from '../lib/harness';
import { attr, parseCount, tid, type Ui } from '../lib/ui';
import type { Watcher } from '../lib/browser';
import { describeTimeline, startTimeline, stopTimeline } from '../lib/timeline';

/** The tiniest settings that still show everything; overridable for a slower or faster machine. */
export const SIZES = {
  dim: Number(process.env['E2E_DIM'] ?? 32),
  ngrams: Number(process.env['E2E_NGRAMS'] ?? 300),
  stepsPerStage: Number(process.env['E2E_STEPS_PER_STAGE'] ?? 40),
  trainSteps: Number(process.env['E2E_TRAIN_STEPS'] ?? 40),
  evalLimit: Number(process.env['E2E_EVAL_LIMIT'] ?? 16),
};

/** Minutes, generous: CI machines are shared, and a timeout here means "something hangs", not "slow". */
const MIN = 60_000;

export const NAMES = {
  project: 'E2E demo world',
  grown: 'ru-grown',
  expertB: 'zh-expert',
  merge: 'ru+zh merge',
  corpusA: 'en-ru train',
  corpusB: 'en-zh train',
  heldOut: ['en-ru held-out', 'en-zh held-out'],
  mc: 'multiple choice',
};

export interface FlowEnv {
  ui: Ui;
  watcher: Watcher;
  /** The Unifont file to give the substrate form, or null when the serve host finds a system copy. */
  fontPath: string | null;
  /** Browser mode reloads the page; Electron reloads the window. */
  reload: () => Promise<void>;
}

/** What the flow learns as it goes (names the app chose), for later steps and the bad-input suite. */
export interface FlowState {
  stageNames: string[];
  growRunId: string | null;
}

const SAMPLE = 'Anna lives in Moscow. Анна живёт в Москве.';

async function numbersIn(loc: Locator): Promise<number[]> {
  return (await loc.allTextContents()).map((t) => Number(t.trim())).filter((x) => Number.isFinite(x));
}

export function flowSuite(env: FlowEnv, state: FlowState): Suite {
  const s = new Suite('Browser flow: demo world → substrate → growth → merge → evaluation → reload');
  s.after(() => env.watcher.check());
  projectSteps(s, env);
  substrateSteps(s, env);
  growthSteps(s, env, state);
  mergeSteps(s, env, state);
  evaluationSteps(s, env);
  playgroundAndReloadSteps(s, env, state);
  return s;
}

/** The project from the demo world and its datasets. */
function projectSteps(s: Suite, env: FlowEnv): void {
  const { ui } = env;
  const page = ui.page;

  s.step('the app loads and connects to the main side', async () => {
    await ui.connected(30_000);
    await ui.t('view-projects').waitFor();
    const h1 = await ui.text(page.locator('h1').first());
    assert(h1 === 'Projects', `the first view should be Projects, it is "${h1}"`);
  });

  s.step('a new project from the demo world builds its datasets', async () => {
    await ui.go('projects');
    await ui.t('demo-name').fill(NAMES.project);
    await ui.t('project-create-demo').click();
    const row = ui.t('project-row', attr('data-project-name', NAMES.project));
    await row.waitFor();
    await ui.runDone(ui.t('demo-form'), 'the demo world build', 4 * MIN);
    const current = await ui.selected(ui.t('current-project'));
    assert(
      current === NAMES.project,
      `the header's project should be "${NAMES.project}", it is ${JSON.stringify(current)}`,
    );
    await row.getByText('open', { exact: true }).waitFor();
    await ui.shot('projects');
  });

  s.step('the dataset list shows the demo corpora', async () => {
    await ui.go('datasets');
    for (const name of [NAMES.corpusA, NAMES.corpusB, ...NAMES.heldOut, NAMES.mc]) {
      await ui.t('dataset-row', attr('data-dataset-name', name)).waitFor({ timeout: 10_000 });
    }
    const chars = parseCount(
      await ui.text(ui.t('dataset-row', attr('data-dataset-name', NAMES.corpusA)).locator('td').nth(4)),
    );
    assert(chars > 1000, `the ${NAMES.corpusA} corpus should have thousands of characters, the row says ${chars}`);
  });
}

/** The glyph substrate, its viewer, and the token counts it brings. */
function substrateSteps(s: Suite, env: FlowEnv): void {
  const { ui } = env;

  s.step('a glyph substrate is built from GNU Unifont', async () => {
    await ui.go('substrate');
    await ui.t('substrate-kind-glyph').check();
    await ui.t('substrate-dim').fill(String(SIZES.dim));
    await ui.t('substrate-ngrams').fill(String(SIZES.ngrams));
    if (env.fontPath) await ui.t('substrate-font').fill(env.fontPath);
    await ui.t('substrate-build').click();
    const err = ui.t('substrate-build-error');
    await until(
      'the substrate build to start (or an error)',
      async () => (await err.isVisible()) || (await ui.t('substrate-form').locator(tid('run-progress')).count()) > 0,
    );
    if (await err.isVisible()) throw new Error(`the substrate form refused: ${await ui.note(err)}`);
    await ui.runDone(ui.t('substrate-form'), 'the glyph substrate build', 4 * MIN);
    const row = ui.t('substrate-row', attr('data-kind', 'glyph'));
    await row.waitFor();
    await row.locator(tid('substrate-in-use')).waitFor();
    const dim = await ui.text(row.locator('td').nth(1));
    assert(dim === String(SIZES.dim), `the substrate row should say ${SIZES.dim}-d, it says ${dim}`);
  });

  s.step('the glyph viewer shows a token’s bitmap and its nearest tokens', async () => {
    await ui.t('glyph-input').fill('д');
    await ui.t('glyph-bitmap').waitFor();
    const lit = await ui.t('glyph-bitmap').locator('rect.on').count();
    assert(lit > 5, `the glyph of "д" should light some pixels, it lights ${lit}`);
    const ids = await ui.text(ui.t('glyph-token-ids'));
    assert(/^\d+$/.test(ids), `one token id expected for "д", got "${ids}"`);
    const nearest = await ui.t('glyph-nearest').locator('li').count();
    assert(nearest >= 3, `nearest tokens should be listed, got ${nearest}`);
    await ui.shot('substrate');
  });

  s.step('the dataset list shows token counts for the training corpora', async () => {
    await ui.go('datasets');
    for (const name of [NAMES.corpusA, NAMES.corpusB]) {
      const cell = ui.t('dataset-row', attr('data-dataset-name', name)).locator(tid('dataset-tokens'));
      const n = await until(`a token count for ${name}`, async () => {
        const v = parseCount(await ui.text(cell));
        return v > 0 ? v : null;
      });
      assert(n > 100, `${name} should have more than 100 tokens, it shows ${n}`);
    }
    await ui.shot('datasets');
  });
}

/** A 2-stage growth watched live, its stages in the catalog, and a second expert. */
function growthSteps(s: Suite, env: FlowEnv, state: FlowState): void {
  const { ui } = env;
  const page = ui.page;

  s.step('a 2-stage tiny growth starts', async () => {
    await ui.go('growth');
    // With no run yet the form is open; otherwise "New run" opens it.
    if (!(await ui.t('grow-form').isVisible())) await ui.t('grow-new').click();
    await ui.t('grow-preset-tiny').click();
    await ui.t('grow-mode').selectOption('grow');
    await ui.t('grow-name').fill(NAMES.grown);
    await ui.t(`grow-dataset-${NAMES.corpusA}`).check();
    await ui.t('grow-stages').fill('2');
    await ui.t('grow-steps-per-stage').fill(String(SIZES.stepsPerStage));
    await startTimeline(page);
    await ui.t('grow-start').click();
    const startErr = ui.t('grow-start-error');
    const panel = ui.t('growth-run');
    await until(
      'the growth run panel (or a start error)',
      async () => (await startErr.isVisible()) || (await panel.isVisible()),
    );
    if (await startErr.isVisible()) throw new Error(`starting the growth was refused: ${await ui.note(startErr)}`);
    state.growRunId = await panel.getAttribute('data-run-id');
    const label = await ui.selected(ui.t('run-select'));
    assert(
      String(label).includes(NAMES.grown),
      `the run picker should show ${NAMES.grown}, it shows "${String(label)}"`,
    );
    const tiers = await ui.t('layer-stack').getAttribute('data-tiers');
    assert(tiers === '2', `the layer stack should plan 2 tiers, it has ${tiers}`);
  });

  s.step(
    'the timeline shows tier 1 training, then tier 1 frozen and tier 2 training, while the loss chart gains points',
    async () => {
      let shotMidRun = false;
      await ui.runDone(ui.t('growth-run'), 'the growth run', 8 * MIN, async () => {
        if (shotMidRun) return;
        const t2 = await ui
          .t('layer-tier-2')
          .getAttribute('data-state', { timeout: 1000 })
          .catch(() => null);
        const pts = Number(
          await ui
            .t('loss-chart')
            .getAttribute('data-points', { timeout: 1000 })
            .catch(() => '0'),
        );
        if (t2 === 'training' && pts >= SIZES.stepsPerStage * 1.25) {
          shotMidRun = true;
          await ui.shot('growth-running');
        }
      });
      const mine = (await stopTimeline(page)).filter((x) => x.run === state.growRunId);
      const summary = describeTimeline(mine);
      const first = mine.findIndex((x) => x.status === 'running' && x.t1 === 'training' && x.t2 === 'pending');
      assert(first >= 0, `tier 1 was never seen training with tier 2 pending; the timeline went: ${summary}`);
      const second = mine.findIndex(
        (x, i) => i > first && x.status === 'running' && x.t1 === 'frozen' && x.t2 === 'training',
      );
      assert(
        second > first,
        `tier 1 frozen with tier 2 training was never seen after stage 1; the timeline went: ${summary}`,
      );
      const running = mine.filter((x) => x.status === 'running' && x.points > 0).map((x) => x.points);
      const grew = running.some((p, i) => i > 0 && p > running[i - 1]!);
      assert(
        grew,
        `the loss chart should gain points while the run is running; point counts seen while running: ${running.join(', ') || 'none'}`,
      );
      const final = Number(await ui.t('loss-chart').getAttribute('data-points'));
      assert(
        final >= SIZES.stepsPerStage,
        `after ${2 * SIZES.stepsPerStage} steps the chart should hold at least ${SIZES.stepsPerStage} points, it has ${final}`,
      );
      for (const n of [1, 2]) {
        const st = await ui.t(`layer-tier-${n}`).getAttribute('data-state');
        assert(st === 'frozen', `after the run, tier ${n} should be frozen, it is ${st}`);
      }
      await ui.t('growth-stage-models').waitFor();
      const msg = await ui.text(ui.t('growth-run').locator(tid('run-message')));
      assert(/^done: 2 stages/.test(msg), `the finished run should say it is done with 2 stages, it says "${msg}"`);
      assert((await ui.t('stat-stage').textContent())?.includes('2 / 2'), 'the stage counter should read 2 / 2');
      await ui.shot('growth');
    },
  );

  s.step('the catalog lists both stages', async () => {
    await ui.go('catalog');
    const rows = ui.t('model-row', attr('data-kind', 'stage'));
    await until('two stage rows', async () => (await rows.count()) === 2);
    const found: { name: string; depth: number }[] = [];
    for (const r of await rows.all()) {
      found.push({
        name: (await r.getAttribute('data-model-name')) ?? '',
        depth: Number(await ui.text(r.locator('td').nth(2))),
      });
    }
    found.sort((a, b) => a.depth - b.depth);
    assert(
      found.map((f) => f.depth).join(',') === '1,2',
      `the stages should have depths 1 and 2, they have ${found.map((f) => `${f.name}=${f.depth}`).join(', ')}`,
    );
    assert(
      found.every((f) => f.name.includes(NAMES.grown)),
      `stage names should carry the run's name "${NAMES.grown}": ${found.map((f) => f.name).join(', ')}`,
    );
    state.stageNames = found.map((f) => f.name);
  });

  s.step('a second expert is trained on the other corpus', async () => {
    await ui.go('growth');
    const before = await ui
      .t('growth-run')
      .getAttribute('data-run-id', { timeout: 1000 })
      .catch(() => null);
    await ui.t('grow-new').click();
    await ui.t('grow-preset-tiny').click();
    await ui.t('grow-mode').selectOption('train');
    await ui.t('grow-name').fill(NAMES.expertB);
    await ui.t(`grow-dataset-${NAMES.corpusB}`).check();
    await ui.t('train-layers').fill('1');
    await ui.t('train-steps').fill(String(SIZES.trainSteps));
    await ui.t('grow-start').click();
    await until('the new training run to be shown', async () => {
      if (await ui.t('grow-start-error').isVisible())
        throw new Error(`refused: ${await ui.note(ui.t('grow-start-error'))}`);
      const id = await ui
        .t('growth-run')
        .getAttribute('data-run-id', { timeout: 1000 })
        .catch(() => null);
      return id !== null && id !== before;
    });
    await ui.runDone(ui.t('growth-run'), 'the second expert’s training', 6 * MIN);
    await ui.go('catalog');
    await ui.t('model-row', attr('data-model-name', NAMES.expertB) + attr('data-kind', 'trained')).waitFor();
  });
}

/** The merge preview and saving the merge. */
function mergeSteps(s: Suite, env: FlowEnv, state: FlowState): void {
  const { ui } = env;
  const page = ui.page;

  s.step('the merge preview shows the loss table', async () => {
    await ui.go('merge');
    const top = state.stageNames[state.stageNames.length - 1]!;
    await ui.t(`merge-expert-${top}`).check();
    await ui.t(`merge-expert-${NAMES.expertB}`).check();
    for (const d of NAMES.heldOut)
      assert(await ui.t(`merge-dataset-${d}`).isChecked(), `the preview should default to the held-out set ${d}`);
    await ui.t('merge-sample').fill(SAMPLE);
    assert(!(await ui.t('merge-incompatible').isVisible()), 'two experts on one substrate should be compatible');
    await ui.t('merge-preview').click();
    await until('the preview run to start', async () => {
      if (await ui.t('merge-preview-error').isVisible())
        throw new Error(`refused: ${await ui.note(ui.t('merge-preview-error'))}`);
      return (await ui.t('view-merge').locator(tid('run-progress')).count()) > 0;
    });
    await ui.runDone(ui.t('view-merge'), 'the merge preview', 4 * MIN);
    const table = ui.t('merge-loss-table');
    await table.waitFor();
    const heads = (await table.locator('thead th').allTextContents()).map((x) => x.trim());
    for (const col of [top, NAMES.expertB, 'merge'])
      assert(heads.includes(col), `the loss table should have a column "${col}"; it has ${heads.join(' | ')}`);
    for (const d of NAMES.heldOut) {
      const row = table.locator('tbody tr', { hasText: d });
      const losses = await numbersIn(row.locator('td.num'));
      assert(
        losses.length === 3 && losses.every((x) => x > 0 && x < 20),
        `row ${d} should hold three losses in nats, it holds ${losses.join(', ')}`,
      );
    }
    await ui.page.locator(tid('view-merge')).getByText('Which expert predicted each token better').waitFor();
    const shown = await ui.text(ui.t('merge-tokens'));
    assert(shown === SAMPLE, `the token view should show the whole sample "${SAMPLE}", it shows "${shown}"`);
    const followed = await ui.t('merge-tokens').locator('[data-credited]').count();
    assert(followed > 5, `every predicted token should be credited to an expert; ${followed} are`);
    await ui.shot('merge');
  });

  s.step('the merge is saved to the catalog', async () => {
    await ui.t('merge-name').fill(NAMES.merge);
    await ui.t('merge-save').click();
    await until('the saved-merge toast (or an error)', async () => {
      if (await ui.t('merge-save-error').isVisible())
        throw new Error(`refused: ${await ui.note(ui.t('merge-save-error'))}`);
      return page.locator(tid('toast'), { hasText: NAMES.merge }).isVisible();
    });
    await ui.go('catalog');
    const row = ui.t('model-row', attr('data-model-name', NAMES.merge) + attr('data-kind', 'merge'));
    await row.waitFor();
    const of = await ui.text(row.locator('td').nth(1));
    assert(
      of.includes(NAMES.expertB) && of.includes(state.stageNames[1]!),
      `the merge row should name its experts, it says "${of}"`,
    );
  });
}

/** A loglik multiple-choice evaluation and its labelled results (in Evaluate and the Catalog). */
function evaluationSteps(s: Suite, env: FlowEnv): void {
  const { ui } = env;

  s.step('the merge and one expert are evaluated on multiple choice with the loglik protocol', async () => {
    await ui.go('evaluate');
    await ui.t(`eval-model-${NAMES.merge}`).check();
    await ui.t(`eval-model-${NAMES.expertB}`).check();
    await ui.selectByLabel(ui.t('eval-dataset'), `${NAMES.mc} (test)`);
    await ui.t('eval-task').selectOption('mc');
    await ui.t('eval-protocol').selectOption('loglik');
    await ui.t('eval-limit').fill(String(SIZES.evalLimit));
    await ui.t('eval-start').click();
    await until('the evaluation to start', async () => {
      if (await ui.t('eval-start-error').isVisible())
        throw new Error(`refused: ${await ui.note(ui.t('eval-start-error'))}`);
      return (await ui.t('eval-form').locator(tid('run-progress')).count()) > 0;
    });
    await ui.runDone(ui.t('eval-form'), 'the evaluation', 4 * MIN);
  });

  s.step('the results table shows both, each with its protocol label', async () => {
    for (const name of [NAMES.merge, NAMES.expertB]) {
      const row = ui.t('eval-result-row', attr('data-model-name', name) + attr('data-protocol', 'loglik'));
      await row.waitFor();
      const label = await ui.text(row.locator(tid('eval-protocol-label')));
      assert(label === 'loglik (harness)', `${name}'s score should be labelled "loglik (harness)", it says "${label}"`);
      const task = await ui.text(row.locator('td').nth(2));
      assert(task === 'mc', `${name}'s row should be the mc task, it is "${task}"`);
      const n = Number(await ui.text(row.locator('td').nth(5)));
      assert(n === SIZES.evalLimit, `${name} should be scored on ${SIZES.evalLimit} items, the row says ${n}`);
      const score = await ui.text(row.locator('td.score'));
      assert(/\d/.test(score), `${name}'s score cell should hold a number, it says "${score}"`);
    }
    await ui.t('eval-result-row', attr('data-model-name', NAMES.merge)).locator(tid('eval-items-open')).click();
    await ui.t('eval-items').waitFor();
    const items = await ui.t('eval-items').locator(tid('eval-item')).count();
    assert(items > 0, 'the item browser should list the scored items');
    await ui.shot('evaluate');

    // The catalog carries the scores too, labelled, beside each model's training data.
    await ui.go('catalog');
    for (const [name, data] of [
      [NAMES.merge, NAMES.corpusB],
      [NAMES.expertB, NAMES.corpusB],
    ] as const) {
      const row = ui.t('model-row', attr('data-model-name', name));
      const score = await ui.text(row.locator(tid('model-score')).first());
      assert(
        /^mc acc .*loglik/.test(score),
        `the catalog should show ${name}'s mc score with its protocol, it says "${score}"`,
      );
      const cell = await ui.text(row.locator('td').nth(4));
      assert(cell.includes(data), `the catalog's Data column for ${name} should name ${data}, it says "${cell}"`);
    }
    await ui.shot('catalog');
  });
}

/** The playground, the System view, and everything still there after a reload. */
function playgroundAndReloadSteps(s: Suite, env: FlowEnv, state: FlowState): void {
  const { ui, watcher } = env;

  s.step('the playground generates from both experts and their merge side by side', async () => {
    await ui.go('playground');
    const picks = [state.stageNames[1]!, NAMES.expertB, NAMES.merge];
    for (const [i, name] of picks.entries())
      await ui.selectByLabel(ui.t(`pg-model-${i}`), new RegExp(`^${escapeRe(name)} \\(`));
    await ui.t('pg-prompt').fill('Anna lives in ');
    await ui.t('pg-maxTokens').fill('16');
    await ui.t('pg-generate').click();
    for (const i of [0, 1, 2]) {
      await until(
        `output ${i}`,
        async () => {
          if (await ui.t('pg-error').isVisible())
            throw new Error(`generation failed: ${await ui.note(ui.t('pg-error'))}`);
          return (await ui.text(ui.t(`pg-output-${i}`)).catch(() => '')).length > 'Anna lives in'.length;
        },
        { timeoutMs: 2 * MIN },
      );
    }
    await ui.shot('playground');
  });

  s.step('the system view names the compute backend', async () => {
    await ui.go('system');
    const backend = await until('the backend name', async () => ui.text(ui.t('system-backend')).catch(() => ''));
    assert(
      /wasm|cpu|tensorflow|webgpu|webgl/i.test(backend),
      `the backend should be a tfjs backend, it says "${backend}"`,
    );
    await ui.shot('system');
  });

  s.step('after a reload everything is still there', async () => {
    await watcher.duringReload(env.reload);
    await ui.connected(30_000);
    const current = await until('the open project after reload', () => ui.selected(ui.t('current-project')));
    assert(
      current === NAMES.project,
      `the open project after reload should be "${NAMES.project}", it is "${String(current)}"`,
    );

    await ui.go('datasets');
    const tokens = parseCount(
      await ui.text(ui.t('dataset-row', attr('data-dataset-name', NAMES.corpusA)).locator(tid('dataset-tokens'))),
    );
    assert(tokens > 0, `token counts should survive a reload; ${NAMES.corpusA} shows ${tokens}`);

    await ui.go('substrate');
    await ui.t('substrate-row', attr('data-kind', 'glyph')).waitFor();

    await ui.go('growth');
    await ui.selectByLabel(ui.t('run-select'), new RegExp(`^${escapeRe(NAMES.grown)} · grow · done`));
    const pts = await until(
      'the loss curve after reload',
      async () => Number(await ui.t('loss-chart').getAttribute('data-points')) || null,
    );
    assert(
      pts >= SIZES.stepsPerStage,
      `the reloaded growth curve should have its ${2 * SIZES.stepsPerStage} points, it has ${pts}`,
    );
    for (const n of [1, 2])
      assert(
        (await ui.t(`layer-tier-${n}`).getAttribute('data-state')) === 'frozen',
        `tier ${n} should still be frozen`,
      );
    await ui.shot('growth-after-reload');

    await ui.go('catalog');
    for (const name of [...state.stageNames, NAMES.expertB, NAMES.merge])
      await ui.t('model-row', attr('data-model-name', name)).waitFor();

    await ui.go('merge');
    await ui.t('merge-loss-table').waitFor();

    await ui.go('evaluate');
    for (const name of [NAMES.merge, NAMES.expertB])
      await ui.t('eval-result-row', attr('data-model-name', name) + attr('data-protocol', 'loglik')).waitFor();
    await ui.shot('evaluate-after-reload');
  });
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
