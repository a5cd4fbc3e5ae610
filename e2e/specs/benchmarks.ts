// Benchmark files through the UI: a headless TSV of translation pairs, an MMLU CSV without a header, an ARC-style
// JSONL and a SQuAD v2 JSON are each listed as a benchmark with its task and item count; one is evaluated from
// Evaluate's picker (which offers benchmarks by task); none is offered as training text; a dataset's languages are
// edited and stay edited after a reload. Runs after the flow suite, on its demo project and models.
import { assert, Suite, until } from '../lib/harness';
import type { Watcher } from '../lib/browser';
import { attr, tid, type Ui } from '../lib/ui';
import { NAMES } from './flow';
import { squadSample } from '../../test/support/squad-sample';

const MIN = 60_000;

const PAIRS = [
  'Debian is a free operating system.\tDebian — свободная операционная система.',
  'The package manager installs software.\tМенеджер пакетов устанавливает программы.',
  'Where can I get the installation images?\tГде можно получить установочные образы?',
].join('\n');

const MMLU = [
  '"Which command installs a package, given its name?",apt install,ls,"cat, then echo",pwd,A',
  'What does dpkg manage?,files,packages,users,networks,B',
  'How many bits are in a byte?,2,4,16,8,D',
  'Which file lists the package sources?,/etc/hosts,/etc/apt/sources.list,/etc/passwd,/etc/fstab,B',
].join('\n');

const ARC = [
  {
    id: 'arc-1',
    question: {
      stem: 'Anna lives in which city?',
      choices: [
        { label: 'A', text: 'Moscow' },
        { label: 'B', text: 'Paris' },
        { label: 'C', text: 'Tokyo' },
      ],
    },
    answerKey: 'A',
  },
  {
    id: 'arc-2',
    question: {
      stem: 'Which object is the best conductor of electricity?',
      choices: [
        { label: 'A', text: 'a wax crayon' },
        { label: 'B', text: 'an iron nail' },
        { label: 'C', text: 'a rubber eraser' },
      ],
    },
    answerKey: 'B',
  },
  {
    id: 'arc-3',
    question: {
      stem: 'Which is a gas at room temperature?',
      choices: [
        { label: 'A', text: 'iron' },
        { label: 'B', text: 'salt' },
        { label: 'C', text: 'oxygen' },
      ],
    },
    answerKey: 'C',
  },
]
  .map((o) => JSON.stringify(o))
  .join('\n');

const SQUAD = JSON.stringify(squadSample());

/** File, dataset name (the file name without extension), task as the list shows it, items. */
const FILES = [
  {
    file: 'en-ru.tsv',
    name: 'en-ru',
    body: PAIRS,
    mime: 'text/tab-separated-values',
    task: 'translation',
    taskId: 'bleu',
    items: 3,
  },
  {
    file: 'debian_test.csv',
    name: 'debian_test',
    body: MMLU,
    mime: 'text/csv',
    task: 'multiple choice',
    taskId: 'mc',
    items: 4,
  },
  {
    file: 'arc-easy.jsonl',
    name: 'arc-easy',
    body: ARC,
    mime: 'application/jsonl',
    task: 'multiple choice',
    taskId: 'mc',
    items: 3,
  },
  {
    file: 'dev-v2.0.json',
    name: 'dev-v2.0',
    body: SQUAD,
    mime: 'application/json',
    task: 'question answering',
    taskId: 'qa',
    items: 3,
  },
] as const;

export interface BenchmarksEnv {
  ui: Ui;
  watcher: Watcher;
  reload: () => Promise<void>;
}

export function benchmarksSuite({ ui, watcher, reload }: BenchmarksEnv): Suite {
  const s = new Suite('Benchmark files and dataset languages');
  s.after(() => watcher.check());
  const row = (name: string) => ui.t('dataset-row', attr('data-dataset-name', name));

  async function importFile(f: (typeof FILES)[number]): Promise<void> {
    await ui.go('datasets');
    const form = ui.t('dataset-import-form');
    const lastRun = await form
      .locator(tid('run-progress'))
      .getAttribute('data-run-id', { timeout: 500 })
      .catch(() => null);
    await ui.t('dataset-file-input').setInputFiles({ name: f.file, mimeType: f.mime, buffer: Buffer.from(f.body) });
    await ui.page.getByText(f.file, { exact: true }).waitFor();
    await ui.t('dataset-import').click();
    await until(
      `the import of ${f.file}`,
      async () => {
        if (await ui.t('dataset-import-error').isVisible())
          throw new Error(`${f.file} was refused: ${await ui.note(ui.t('dataset-import-error'))}`);
        const rp = form.locator(tid('run-progress'));
        if ((await rp.count()) === 0 || (await rp.getAttribute('data-run-id')) === lastRun) return null;
        const status = await rp.getAttribute('data-status');
        if (status === 'failed') throw new Error(`${f.file} failed: ${await ui.note(rp.locator(tid('run-error')))}`);
        return status === 'done' ? true : null;
      },
      { timeoutMs: 2 * MIN },
    );
  }

  s.step('four benchmark files import as benchmarks, each with its task and item count', async () => {
    for (const f of FILES) {
      await importFile(f);
      const r = row(f.name);
      await r.waitFor({ timeout: 10_000 });
      assert(
        (await r.getAttribute('data-kind')) === 'benchmark',
        `${f.file} should be listed as a benchmark, its row says kind ${await r.getAttribute('data-kind')}`,
      );
      const task = await ui.text(r.locator(tid('dataset-task')));
      assert(task === f.task, `${f.file} should have the task "${f.task}", the row says "${task}"`);
      const items = Number(await ui.text(r.locator(tid('dataset-items'))));
      assert(items === f.items, `${f.file} should hold ${f.items} items, the row says ${items}`);
      assert(
        (await ui
          .t('benchmark-list')
          .locator(`${tid('dataset-row')}${attr('data-dataset-name', f.name)}`)
          .count()) === 1,
        `${f.name} should sit in the benchmarks table`,
      );
    }
    const langs = await ui.text(row('en-ru').locator(tid('dataset-language')));
    assert(/en/.test(langs) && /ru/.test(langs), `the en-ru pairs should show both languages, the row says "${langs}"`);
    await ui.shot('datasets-benchmarks');
  });

  s.step('Evaluate offers benchmarks by task, and one of them is evaluated', async () => {
    await ui.go('evaluate');
    await ui.t('eval-task').selectOption('mc');
    const mc = (await ui.t('eval-dataset').locator('option').allTextContents()).map((o) => o.trim());
    for (const name of ['arc-easy', 'debian_test'])
      assert(mc.includes(`${name} (test)`), `task mc should offer ${name}; the picker has ${mc.join(', ')}`);
    for (const name of ['en-ru', 'dev-v2.0', NAMES.corpusA])
      assert(
        !mc.some((o) => o.startsWith(`${name} (`)),
        `task mc should not offer ${name}; the picker has ${mc.join(', ')}`,
      );
    await ui.t('eval-task').selectOption('bleu');
    const bleu = (await ui.t('eval-dataset').locator('option').allTextContents()).map((o) => o.trim());
    assert(
      bleu.includes('en-ru (test)') && !bleu.includes('arc-easy (test)'),
      `task bleu should offer en-ru and not arc-easy; the picker has ${bleu.join(', ')}`,
    );

    await ui.t('eval-task').selectOption('mc');
    for (const box of await ui.t('eval-form').locator('input[type=checkbox]:checked').all()) await box.uncheck();
    await ui.t(`eval-model-${NAMES.expertB}`).check();
    await ui.selectByLabel(ui.t('eval-dataset'), 'arc-easy (test)');
    await ui.t('eval-protocol').selectOption('loglik');
    await ui.t('eval-limit').fill('');
    await ui.t('eval-start').click();
    await until('the evaluation on arc-easy to start', async () => {
      if (await ui.t('eval-start-error').isVisible())
        throw new Error(`refused: ${await ui.note(ui.t('eval-start-error'))}`);
      return (await ui.t('eval-form').locator(tid('run-progress')).count()) > 0;
    });
    await ui.runDone(ui.t('eval-form'), 'the evaluation on arc-easy', 4 * MIN);
    const result = ui
      .t('eval-result-row', attr('data-model-name', NAMES.expertB))
      .filter({ hasText: 'arc-easy' })
      .first();
    await result.waitFor();
    const score = await ui.text(result.locator('td.score'));
    assert(/\d/.test(score), `the arc-easy result should hold a score, it says "${score}"`);
    await ui.shot('evaluate-benchmark');
  });

  s.step('no benchmark is offered as training text', async () => {
    await ui.go('growth');
    await ui.t('grow-new').click();
    await ui.t(`grow-dataset-${NAMES.corpusA}`).waitFor();
    for (const f of FILES)
      assert(
        (await ui.t(`grow-dataset-${f.name}`).count()) === 0,
        `the growth form should not offer ${f.name} as training data`,
      );
    await ui.go('merge');
    await ui.t(`merge-dataset-${NAMES.heldOut[0]}`).waitFor();
    for (const f of FILES)
      assert(
        (await ui.t(`merge-dataset-${f.name}`).count()) === 0,
        `the merge preview should not offer ${f.name} as text`,
      );
  });

  s.step('a dataset’s languages are edited and stay edited after a reload', async () => {
    await ui.go('datasets');
    const r = row('debian_test');
    await r.locator(tid('dataset-language-edit')).click();
    await r.locator(tid('dataset-language-input')).fill('ru, en');
    await r.locator(tid('dataset-language-save')).click();
    await until(
      'the edited languages to show',
      async () => (await ui.text(r.locator(tid('dataset-language')))) === 'ru + en',
    );
    await r.locator(tid('dataset-language-by-user')).waitFor();
    // A code the contract refuses is answered beside the field, and nothing changes.
    await r.locator(tid('dataset-language-edit')).click();
    await r.locator(tid('dataset-language-input')).fill('Russian!');
    await r.locator(tid('dataset-language-save')).click();
    await r.locator(tid('dataset-language-error')).waitFor();
    await r.locator(tid('dataset-language-input')).press('Escape');

    await reload();
    await ui.go('datasets');
    await row('debian_test').waitFor();
    const after = await ui.text(row('debian_test').locator(tid('dataset-language')));
    assert(after === 'ru + en', `after a reload the languages should still read "ru + en", they read "${after}"`);
    await ui.shot('datasets-language-edited');
  });

  return s;
}
