// Evaluate as a researcher meets it after the flow: QA on the paper protocol reports the questions it left
// out with their reasons; the model × task table shows every evaluated model with the protocol in the column
// headers and mean ± CI cells that open their items in view; the depth chart names its dataset and draws the
// chance level; the form and filters survive navigation; nothing overflows at 1024 × 700.
import { assert, Suite, until } from '../lib/harness';
import type { Locator } from 'playwright-core';
import type { Watcher } from '../lib/browser';
import { attr, tid, type Ui } from '../lib/ui';
import { escapeRe, NAMES, SIZES, type FlowState } from './flow';

const MIN = 60_000;
const QA_DATA = /^qa ru\b/;
const QA_LIMIT = 4;
/** A cell's text: "0.2500 ± 0.2191" (whole numbers print without decimals: "0 ± 0"). */
const MEAN_CI = /^\d+(\.\d+)? ± \d+(\.\d+)?/;

/** What a table cell shows on screen: its visually hidden context for screen readers left out. */
async function shown(cell: Locator): Promise<string> {
  const text = await cell.evaluate((el) =>
    [...el.children]
      .filter((c) => !c.classList.contains('visually-hidden'))
      .map((c) => c.textContent ?? '')
      .join(''),
  );
  return text.replace(/\s+/g, ' ').trim();
}

export function evaluatePolishSuite(ui: Ui, watcher: Watcher, state: FlowState): Suite {
  const s = new Suite('Evaluate: honest QA counts, the model × task table, kept state, 1024 px');
  s.after(() => watcher.check());
  const page = ui.page;

  /** Fills the form (models by name) and waits for the run it starts to finish. */
  async function evaluate(
    modelNames: string[],
    data: RegExp | string,
    task: string,
    protocol: string,
    limit: number,
    runs?: number,
  ): Promise<void> {
    await ui.go('evaluate');
    const form = ui.t('eval-form');
    for (const box of await form.locator('input[type="checkbox"]').all()) await box.setChecked(false);
    for (const n of modelNames) await ui.t(`eval-model-${n}`).check();
    // The picker offers the task's own datasets: the task comes first.
    await ui.t('eval-task').selectOption(task);
    await ui.selectByLabel(ui.t('eval-dataset'), data);
    await ui.t('eval-protocol').selectOption(protocol);
    if (runs !== undefined) await ui.t('eval-runs').fill(String(runs));
    await ui.t('eval-limit').fill(String(limit));
    const before = await form
      .locator(tid('run-progress'))
      .getAttribute('data-run-id', { timeout: 500 })
      .catch(() => null);
    await ui.t('eval-start').click();
    await until('the evaluation to start', async () => {
      if (await ui.t('eval-start-error').isVisible())
        throw new Error(`refused: ${await ui.note(ui.t('eval-start-error'))}`);
      const id = await form
        .locator(tid('run-progress'))
        .getAttribute('data-run-id', { timeout: 500 })
        .catch(() => null);
      return id !== null && id !== before;
    });
    await ui.runDone(form, `the ${task} evaluation`, 4 * MIN);
  }

  const cell = (model: string, task: string, protocol: string) =>
    ui
      .t('matrix-row', attr('data-model-name', model))
      .locator(tid('matrix-cell', attr('data-task', task) + attr('data-protocol', protocol)))
      .first();

  s.step('QA on the paper protocol says how many questions it left out, and why', async () => {
    const models = [...state.stageNames, NAMES.expertB];
    await ui.go('evaluate');
    await ui.t('eval-task').selectOption('qa');
    await ui.t('eval-protocol').selectOption('paper');
    const hint = await ui.text(ui.t('eval-hint'));
    assert(
      /answerable questions/.test(hint) && !/choice/.test(hint),
      `the hint should describe paper-protocol QA, it says "${hint}"`,
    );
    await evaluate(models, QA_DATA, 'qa', 'paper', QA_LIMIT, 2);
    await cell(NAMES.expertB, 'qa', 'paper').click();
    const panel = ui.t('eval-items');
    await panel.locator(tid('eval-report')).waitFor();
    const counts = await ui.text(panel.locator(tid('eval-report-counts')));
    const m = /^(\d+) of (\d+) items scored\./.exec(counts);
    assert(m !== null, `the report should say how many items were scored, it says "${counts}"`);
    const [scored, inFile] = [Number(m![1]), Number(m![2])];
    assert(scored === QA_LIMIT, `${QA_LIMIT} items should be scored (the limit), the report says ${scored}`);
    const steps = await panel.locator(tid('eval-report-step', attr('data-step', 'unanswerable'))).count();
    assert(steps === 1, 'the unanswerable questions should be counted with their reason');
    let dropped = 0;
    for (const st of await panel.locator(tid('eval-report-step')).all()) {
      const text = await ui.text(st);
      assert(/^\d+ \D/.test(text), `each step should give a count and a reason, one says "${text}"`);
      if ((await st.getAttribute('data-step')) !== 'prompt-cut') dropped += Number(await st.getAttribute('data-count'));
    }
    assert(
      dropped === inFile - scored,
      `the reasons should account for every item left out: ${dropped} named, ${inFile - scored} left out`,
    );
    await panel.locator(tid('eval-items-left-out')).click();
    await until(
      'the left-out items',
      async () =>
        (await panel.getAttribute('data-view')) === 'left-out' &&
        (await panel.locator(tid('eval-item-reason')).count()) > 0,
    );
    const reason = await ui.text(panel.locator(tid('eval-item-reason')).first());
    assert(
      /unanswerable|longer than 8|empty|limit/.test(reason),
      `a left-out item should carry its reason, it says "${reason}"`,
    );
    await ui.shot('evaluate-qa-left-out');
  });

  s.step(
    'the model × task table shows every evaluated model, the protocol in each column header, mean ± CI cells',
    async () => {
      // The stages on multiple choice too, for the depth chart's chance line below.
      await evaluate(state.stageNames, `${NAMES.mc} (test)`, 'mc', 'loglik', SIZES.evalLimit);
      for (const name of [NAMES.merge, NAMES.expertB, ...state.stageNames])
        await ui.t('matrix-row', attr('data-model-name', name)).waitFor();
      const headers = await ui.t('matrix-column').all();
      assert(
        headers.length >= 2,
        `the table should have a column per task + dataset + protocol, it has ${headers.length}`,
      );
      for (const h of headers) {
        const proto = await ui.text(h.locator(tid('matrix-protocol')));
        assert(/loglik|paper|SQuAD/.test(proto), `each column header should name its protocol, one says "${proto}"`);
      }
      const mcHeader = ui.t(
        'matrix-column',
        attr('data-task', 'mc') + attr('data-protocol', 'loglik') + attr('data-dataset', NAMES.mc),
      );
      assert(
        (await ui.text(mcHeader.locator(tid('matrix-protocol')))) === 'loglik (harness)',
        'the mc column should say loglik (harness)',
      );
      for (const name of [NAMES.merge, NAMES.expertB]) {
        const text = await shown(cell(name, 'mc', 'loglik'));
        assert(MEAN_CI.test(text), `${name}'s mc cell should read mean ± CI, it reads "${text}"`);
      }
      const qa = await shown(cell(NAMES.expertB, 'qa', 'paper'));
      assert(
        MEAN_CI.test(qa) && qa.includes(`${QA_LIMIT} of `),
        `the QA cell should read mean ± CI and how many items were scored, it reads "${qa}"`,
      );
      // A cell opens its items, in view.
      await page.mouse.wheel(0, -10_000);
      await cell(NAMES.merge, 'mc', 'loglik').click();
      await ui.t('eval-items').waitFor();
      // The page's own coordinates (a string: this file compiles without the DOM library).
      const top = async (): Promise<number> =>
        Number(await page.evaluate(`document.querySelector('[data-testid="eval-items"]').getBoundingClientRect().top`));
      const height = Number(await page.evaluate('window.innerHeight'));
      await until('the item browser in view', async () => {
        const t = await top();
        return t >= -1 && t < height - 40;
      });
      // Filters narrow the table.
      await ui.t('eval-filter-task').selectOption('qa');
      const cols = await ui.t('matrix-column').count();
      const qaCols = await ui.t('matrix-column', attr('data-task', 'qa')).count();
      assert(
        cols === qaCols && cols > 0,
        `with the task filter on QA only QA columns should show (${qaCols} of ${cols})`,
      );
      await ui.t('eval-filter-clear').click();
      await ui.shot('evaluate-table');
    },
  );

  s.step('the depth chart names its dataset, with error bars and the chance level for multiple choice', async () => {
    if ((await ui.t('depth-run').count()) > 0)
      await ui.selectByLabel(ui.t('depth-run'), new RegExp(`^${escapeRe(NAMES.grown)}`));
    await ui.selectByLabel(ui.t('depth-column'), new RegExp(`^multiple choice · ${escapeRe(NAMES.mc)} · loglik`));
    const chart = ui.t('depth-chart');
    await until(
      'the depth chart',
      async () => Number(await chart.getAttribute('data-points')) === state.stageNames.length,
    );
    const caption = await ui.text(ui.t('depth-caption'));
    assert(
      caption.includes(NAMES.mc) && /95% interval/.test(caption) && /chance 0\.250/.test(caption),
      `the caption should name the dataset, the interval and chance, it says "${caption}"`,
    );
    assert(Number(await chart.getAttribute('data-chance')) === 0.25, 'four choices: chance is 0.25');
  });

  s.step('the form, the filters and the depth choice stay after navigating away and back', async () => {
    await ui.go('evaluate');
    const form = ui.t('eval-form');
    for (const box of await form.locator('input[type="checkbox"]').all()) await box.setChecked(false);
    await ui.t(`eval-model-${NAMES.merge}`).check();
    await ui.t('eval-task').selectOption('ppl');
    await ui.selectByLabel(ui.t('eval-dataset'), /^en-ru held-out/);
    await ui.t('eval-limit').fill('123');
    await ui.t('eval-filter-dataset').selectOption(NAMES.mc);
    const column = await ui.selected(ui.t('depth-column'));
    await ui.go('catalog');
    await ui.go('evaluate');
    assert(await ui.t(`eval-model-${NAMES.merge}`).isChecked(), 'the chosen model should still be checked');
    assert(!(await ui.t(`eval-model-${NAMES.expertB}`).isChecked()), 'an unchecked model should stay unchecked');
    assert(/^en-ru held-out/.test(await ui.selected(ui.t('eval-dataset'))), 'the dataset should still be chosen');
    assert((await ui.t('eval-task').inputValue()) === 'ppl', 'the task should still be perplexity');
    assert((await ui.t('eval-limit').inputValue()) === '123', 'the limit should still be 123');
    assert((await ui.t('eval-filter-dataset').inputValue()) === NAMES.mc, 'the dataset filter should stay');
    assert((await ui.selected(ui.t('depth-column'))) === column, `the depth chart should still show "${column}"`);
    assert(
      Number(await ui.t('depth-chart').getAttribute('data-points')) > 0,
      'the depth chart should not be blank after returning',
    );
    const hint = await ui.text(ui.t('eval-hint'));
    assert(/^Perplexity/.test(hint), `the hint should describe perplexity, it says "${hint}"`);
    await ui.t('eval-filter-clear').click();
  });

  s.step('no horizontal overflow at 1024 × 700', async () => {
    const before = page.viewportSize();
    await page.setViewportSize({ width: 1024, height: 700 });
    try {
      await ui.go('evaluate');
      await cell(NAMES.expertB, 'qa', 'paper').click();
      await ui.t('eval-items').waitFor();
      const [scroll, client] = (await page.evaluate(
        '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
      )) as [number, number];
      assert(scroll <= client, `Evaluate overflows at 1024 px: scrollWidth ${scroll} > clientWidth ${client}`);
      await ui.shot('evaluate-1024');
    } finally {
      if (before) await page.setViewportSize(before);
    }
  });

  return s;
}
