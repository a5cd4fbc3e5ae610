// Studies through the UI, in the project the flow made: a preset's spec edited down to a tiny study (a bad edit
// is listed by field and cannot be sent), created and run, watched until every run finished, then its comparison
// (mean ± CI per arm, protocol labels) and its loss curves overlaid one per arm, and a CSV export.
import { assert, Suite, until } from '../lib/harness';
import type { Watcher } from '../lib/browser';
import { attr, tid, type Ui } from '../lib/ui';
import { tinyStudySpec } from '../lib/study-spec';

const MIN = 60_000;
const STUDY = 'E2E tiny C1';
const ARMS = ['frozen glyph', 'trainable embedding'];

/** C1 cut to two arms × two seeds of a few steps each. */
const tinySpec = (preset: Record<string, unknown>) => tinyStudySpec(preset, STUDY, ARMS);

export function studiesSuite(ui: Ui, watcher: Watcher): Suite {
  const s = new Suite('Studies: define, watch, compare');
  s.after(() => watcher.check());
  const page = ui.page;

  s.step('a preset becomes a spec; a bad edit is listed by field and cannot be sent', async () => {
    await ui.go('studies');
    await ui.t('study-define').waitFor();
    await ui.t('study-preset-c1').check();
    await ui.t('study-size').selectOption('quick');
    await ui.t('study-seeds').fill('2');
    const preset = JSON.parse(await ui.t('study-spec').inputValue()) as Record<string, unknown>;
    assert(
      preset['preset'] === 'c1' && preset['size'] === 'quick',
      `the spec should be C1 at the quick size, it is ${JSON.stringify({ preset: preset['preset'], size: preset['size'] })}`,
    );
    const bad = {
      ...tinySpec(preset),
      model: { ...(tinySpec(preset)['model'] as object), heads: 3 },
      control: 'nobody',
    };
    await ui.t('study-spec').fill(JSON.stringify(bad, null, 2));
    const fields = await until('the spec problems', async () => {
      const list = ui.t('study-spec-errors');
      return (await list.isVisible())
        ? list.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')))
        : null;
    });
    assert(
      fields.includes('model.heads') && fields.includes('control'),
      `the problems should name model.heads and control, they name ${JSON.stringify(fields)}`,
    );
    assert(await ui.t('study-create').isDisabled(), 'a spec with problems must not be sendable');
    await ui.shot('studies-bad-spec');
    await ui.t('study-spec').fill(JSON.stringify(tinySpec(preset), null, 2));
    const ok = await ui.text(ui.t('study-spec-ok'));
    assert(ok.includes('2 arms × 2 seeds = 4 runs'), `the spec should plan 4 runs, the form says: ${ok}`);
  });

  s.step('the study runs arm after arm and finishes', async () => {
    await ui.t('study-create').click();
    const detail = ui.t('study-detail');
    await detail.waitFor({ timeout: 30_000 });
    const row = ui.t('study-row');
    await until(
      'the study to finish',
      async () => {
        if (await ui.t('study-create-error').isVisible())
          throw new Error(`refused: ${await ui.note(ui.t('study-create-error'))}`);
        const status = await detail.getAttribute('data-status');
        if (status === 'failed' || status === 'cancelled')
          throw new Error(`the study ended ${status}: ${await ui.text(detail.locator(tid('run-progress')))}`);
        return status === 'done';
      },
      { timeoutMs: 4 * MIN, everyMs: 500 },
    );
    const states = await ui
      .t('study-run-row')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-run')}=${e.getAttribute('data-state')}`));
    assert(
      states.length === 4 && states.every((x) => x.endsWith('=done')),
      `every run should be done: ${states.join(', ')}`,
    );
    const runs = await ui.text(row.first().locator(tid('study-runs-done')));
    assert(runs === '4 / 4', `the list should say 4 / 4 runs, it says ${runs}`);
    const live = Number(await ui.t('study-live-loss').getAttribute('data-series'));
    assert(live >= 2, `the live loss chart should hold one curve per run that trained, it holds ${live}`);
  });

  s.step('the comparison shows mean ± CI per arm with protocol labels, and one loss curve per arm', async () => {
    const table = ui.t('study-compare-table');
    await table.waitFor();
    const arms = await table
      .locator('thead th[data-arm]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-arm')));
    assert(
      JSON.stringify(arms) === JSON.stringify(ARMS),
      `the table's arms should be ${ARMS.join(', ')}, they are ${JSON.stringify(arms)}`,
    );
    const cells = await table.locator(`tr${attr('data-metric', 'heldout nll')} ${tid('study-cell')}`).allTextContents();
    assert(cells.length === 2, `heldout nll should have a cell per arm, it has ${cells.length}`);
    for (const c of cells)
      assert(
        /^\s*\d+(\.\d+)? ± \d+(\.\d+)?/.test(c),
        `a cell should read "mean ± CI", it reads ${JSON.stringify(c.trim())}`,
      );
    const ns = await table
      .locator(`tr${attr('data-metric', 'heldout nll')} ${tid('study-cell')}`)
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-n')));
    assert(
      ns.every((n) => n === '2'),
      `every arm should be measured over 2 seeds, n = ${JSON.stringify(ns)}`,
    );
    const protocols = (await table.locator(tid('study-protocol')).allTextContents()).map((t) => t.trim());
    assert(
      protocols.length > 0 && protocols.every((p) => p.length > 0),
      `every metric should name its protocol: ${JSON.stringify(protocols)}`,
    );
    const curves = ui.t('study-curves');
    const n = Number(await curves.getAttribute('data-series'));
    const names = (await curves.getAttribute('data-names')) ?? '';
    assert(
      n === 2 && names === ARMS.join('|'),
      `the curves should be one per arm (${ARMS.join(', ')}), the chart has ${n}: ${names}`,
    );
    await page
      .locator(`${tid('study-curves')} canvas`)
      .first()
      .waitFor();
    await ui.shot('studies-compare');
  });

  s.step('the comparison exports as CSV into the export folder', async () => {
    await ui.t('study-export-dest').fill('e2e-study');
    await ui.t('study-export-csv').click();
    const said = await until('the export to be confirmed', async () => {
      if (await ui.t('study-export-error').isVisible())
        throw new Error(`export refused: ${await ui.note(ui.t('study-export-error'))}`);
      const toast = ui.t('toast', attr('data-kind', 'success')).filter({ hasText: 'Exported to' });
      return (await toast.count()) > 0 ? ui.text(toast.first()) : null;
    });
    assert(
      /e2e-study[/\\].*\.csv/.test(said),
      `the toast should name the CSV in the e2e-study folder, it says: ${said}`,
    );
  });

  return s;
}
