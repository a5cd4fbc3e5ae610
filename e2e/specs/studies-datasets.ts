// A study on the project's own data through the browser app (issues 28 and 32): a new project, two corpora the
// suite generates in Greek and Georgian (no fixture uses them) uploaded as datasets, a 2-arm × 2-seed study on
// them (one held out by the fixed hold-out), run to the end, and its verdict read in the app. The preset radios
// keep their size. Self-contained: `E2E_ONLY=datasets npm run test:e2e` runs this suite alone.
import { assert, Suite, until } from '../lib/harness';
import type { Watcher } from '../lib/browser';
import { attr, tid, type Ui } from '../lib/ui';
import { tinyStudySpec } from '../lib/study-spec';

const MIN = 60_000;
const PROJECT = 'E2E study on own data';
const STUDY = 'E2E own-data C1';
const ARMS = ['frozen random', 'trainable embedding'];

/** Pseudo-text from a language's syllables: deterministic (mulberry32), words and sentences with punctuation. */
function generate(syllables: readonly string[], seed: number, chars: number): string {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const words = Array.from({ length: 120 }, () =>
    Array.from({ length: 1 + Math.floor(next() * 3) }, () => syllables[Math.floor(next() * syllables.length)]).join(''),
  );
  let out = '';
  while (out.length < chars) {
    const n = 4 + Math.floor(next() * 8);
    const s = Array.from({ length: n }, () => words[Math.floor(Math.pow(next(), 2) * words.length)]).join(' ');
    out += `${s[0]!.toUpperCase()}${s.slice(1)}. `;
    if (next() < 0.15) out += '\n\n';
  }
  return out;
}

const GREEK = ['κα', 'λο', 'με', 'τα', 'πο', 'λι', 'σε', 'νη', 'ρο', 'θε', 'ξα', 'δω', 'γι', 'στ', 'ου', 'αι'];
const GEORGIAN = ['კა', 'ლი', 'მე', 'და', 'ბა', 'რო', 'სი', 'ნე', 'თვ', 'ღა', 'შო', 'ხე', 'ვი', 'წყ', 'ძა', 'ჩე'];
const FILES = [
  { file: 'el-stories.txt', name: 'el-stories', text: generate(GREEK, 7, 9000) },
  { file: 'ka-stories.txt', name: 'ka-stories', text: generate(GEORGIAN, 11, 9000) },
  { file: 'ka-stories-val.txt', name: 'ka-stories-val', text: generate(GEORGIAN, 13, 2500) },
] as const;

export function studiesDatasetsSuite(ui: Ui, watcher: Watcher): Suite {
  const s = new Suite('Studies on the project datasets');
  s.after(() => watcher.check());
  const ids = new Map<string, string>();
  /** The project that was open before (the flow's, in a full run): opened again at the end. */
  let before = '';

  s.step(
    'a new project gets two generated corpora (Greek, Georgian) and a Georgian held-out set by upload',
    async () => {
      await ui.connected(30_000);
      before = (await ui.t('current-project').isDisabled()) ? '' : await ui.selected(ui.t('current-project'));
      await ui.go('projects');
      await ui.t('project-new-name').fill(PROJECT);
      await ui.t('project-create').click();
      await ui.t('project-row', attr('data-project-name', PROJECT)).waitFor();
      await until(
        'the new project to be current',
        async () => (await ui.selected(ui.t('current-project'))) === PROJECT,
      );
      await ui.go('datasets');
      const form = ui.t('dataset-import-form');
      for (const f of FILES) {
        const lastRun = await form
          .locator(tid('run-progress'))
          .getAttribute('data-run-id', { timeout: 500 })
          .catch(() => null);
        await ui
          .t('dataset-file-input')
          .setInputFiles({ name: f.file, mimeType: 'text/plain', buffer: Buffer.from(f.text) });
        await ui.t('dataset-import').click();
        await until(
          `the import of ${f.file}`,
          async () => {
            if (await ui.t('dataset-import-error').isVisible())
              throw new Error(`${f.file} was refused: ${await ui.note(ui.t('dataset-import-error'))}`);
            const rp = form.locator(tid('run-progress'));
            if ((await rp.count()) === 0 || (await rp.getAttribute('data-run-id')) === lastRun) return null;
            const status = await rp.getAttribute('data-status');
            if (status === 'failed')
              throw new Error(`${f.file} failed: ${await ui.note(rp.locator(tid('run-error')))}`);
            return status === 'done' ? true : null;
          },
          { timeoutMs: 2 * MIN },
        );
        await ui.t('dataset-row', attr('data-dataset-name', f.name)).waitFor({ timeout: 10_000 });
      }
    },
  );

  s.step(
    'the Studies form picks the datasets (one held out by the fixed hold-out) and keeps its radios their size',
    async () => {
      await ui.go('studies');
      await ui.t('study-define').waitFor();
      const box = await ui.t('study-preset-c1').boundingBox();
      assert(
        box !== null && box.width >= 12 && box.height >= 12,
        `a preset radio should be at least 12 px wide and high, it is ${JSON.stringify(box)}`,
      );
      await ui.t('study-preset-c1').check();
      await ui.t('study-size').selectOption('quick');
      await ui.t('study-source-datasets').check();
      const pick = async (sel: string, name: string) => {
        const value = await ui.t(sel).locator('option').filter({ hasText: name }).first().getAttribute('value');
        assert(value, `${sel} should offer ${name}`);
        await ui.t(sel).selectOption(value);
        ids.set(name, value);
      };
      await pick('study-corpus-1-train', 'el-stories');
      await pick('study-corpus-2-train', 'ka-stories (');
      await pick('study-corpus-2-heldout', 'ka-stories-val');
      const preset = JSON.parse(await ui.t('study-spec').inputValue()) as Record<string, unknown>;
      const data = preset['data'] as { kind: string; datasets: { train: string; heldOut?: string }[] };
      assert(
        data.kind === 'datasets' &&
          data.datasets.length === 2 &&
          data.datasets[0]!.heldOut === undefined &&
          data.datasets[1]!.heldOut === ids.get('ka-stories-val'),
        `the spec's data should name the two datasets by id, it is ${JSON.stringify(data)}`,
      );
      const tiny = tinyStudySpec(preset, STUDY, ARMS);
      await ui.t('study-spec').fill(JSON.stringify(tiny, null, 2));
      const ok = await ui.text(ui.t('study-spec-ok'));
      assert(ok.includes('2 arms × 2 seeds = 4 runs'), `the spec should plan 4 runs, the form says: ${ok}`);
      await ui.shot('studies-datasets-define');
    },
  );

  s.step('the study runs to the end on the two datasets and the app shows its verdict', async () => {
    await ui.t('study-create').click();
    const detail = ui.t('study-detail');
    await detail.waitFor({ timeout: 30_000 });
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
      { timeoutMs: 6 * MIN, everyMs: 500 },
    );
    const verdict = await ui.text(ui.t('study-verdict'));
    assert(
      /frozen random − trainable embedding: [+−]?\d+(\.\d+)? ± \d+(\.\d+)? \(heldout nll, n = 2 seeds\) — (better than|worse than|no clear difference)/.test(
        verdict,
      ),
      `the verdict should read the arm against its control, it says: ${verdict}`,
    );
    const metrics = await ui
      .t('study-compare-table')
      .locator('tbody tr')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')));
    for (const m of ['heldout nll el-stories', 'heldout nll ka-stories'])
      assert(
        metrics.includes(m),
        `the comparison should score each dataset (${m}); its rows are ${JSON.stringify(metrics)}`,
      );
    await ui.shot('studies-datasets-verdict');
    if (before) await ui.t('current-project').selectOption({ label: before });
  });

  return s;
}
