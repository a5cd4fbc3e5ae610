// Issue 10 §2: bad input through the UI. A binary file and a malformed CSV are refused with the main side's
// message (naming the file, and the line for the CSV) and add nothing; an expert grown on another substrate
// cannot be merged with the others — the UI disables it with the reason, and the main side refuses it too.
import { assert, Suite, until } from '../lib/harness';
import type { Watcher } from '../lib/browser';
import { attr, tid, type Ui } from '../lib/ui';
import { NAMES, SIZES, type FlowState } from './flow';

const MIN = 60_000;
const BINARY_EXPERT = 'binary-id expert';

/** Bytes no text file has: a PNG-like header, NULs and every control character. */
function binaryBytes(): Buffer {
  const b = Buffer.alloc(4096);
  for (let i = 0; i < b.length; i++) b[i] = (i * 131 + 7) % 256;
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]).copy(b);
  return b;
}

/** A CSV whose third line opens a quote that never closes. */
const BROKEN_CSV = 'text,label\nfine line,1\n"an unclosed quote,2\nmore text,3\n';

export function badInputSuite(ui: Ui, watcher: Watcher, state: FlowState): Suite {
  const s = new Suite('Bad input through the UI');
  s.after(() => watcher.check());
  const page = ui.page;

  /** Imports a file through the picker; returns the error the page shows (a form error, or the import run's). */
  async function importFailure(name: string, buffer: Buffer, mimeType: string): Promise<string> {
    await ui.go('datasets');
    const before = await ui.t('dataset-row').count();
    const form = ui.t('dataset-import-form');
    // The previous import's progress stays on the form; only a new run's outcome counts.
    const lastRun = await form
      .locator(tid('run-progress'))
      .getAttribute('data-run-id', { timeout: 500 })
      .catch(() => null);
    await ui.t('dataset-file-input').setInputFiles({ name, mimeType, buffer });
    await ui.page.getByText(name, { exact: true }).waitFor();
    await ui.t('dataset-import').click();
    const text = await until(
      `an error for ${name}`,
      async () => {
        const direct = ui.t('dataset-import-error');
        if (await direct.isVisible()) return ui.note(direct);
        const rp = form.locator(tid('run-progress'));
        if ((await rp.count()) === 0 || (await rp.getAttribute('data-run-id')) === lastRun) return null;
        const status = await rp.getAttribute('data-status');
        if (status === 'done') throw new Error(`${name} was imported without complaint`);
        return status === 'failed' ? ui.note(rp.locator(tid('run-error'))) : null;
      },
      { timeoutMs: 2 * MIN },
    );
    // The toast of the failed run fades; the error stays where it happened.
    const after = await ui.t('dataset-row').count();
    assert(after === before, `a refused import must add no dataset (${before} rows before, ${after} after)`);
    return text;
  }

  s.step('importing a binary file shows the main side’s message', async () => {
    const msg = await importFailure('noise.txt', binaryBytes(), 'text/plain');
    assert(
      /binary|PNG|control characters|NUL/i.test(msg),
      `the message should say the file is binary, it says: ${msg}`,
    );
    assert(msg.includes('noise.txt'), `the message should name the file, it says: ${msg}`);
    await ui.shot('datasets-binary-refused');
  });

  s.step('importing a malformed CSV shows the line at fault', async () => {
    await ui.go('datasets');
    const msg = await importFailure('broken.csv', Buffer.from(BROKEN_CSV), 'text/csv');
    assert(/broken\.csv:3\b/.test(msg), `the message should name broken.csv line 3, it says: ${msg}`);
    assert(/quot/i.test(msg), `the message should say what is wrong (the quote), it says: ${msg}`);
    await ui.shot('datasets-csv-refused');
  });

  s.step('an expert on a binary-id substrate is trained for the incompatible case', async () => {
    await ui.go('substrate');
    await ui.t('substrate-kind-binary-id').check();
    await ui.t('substrate-dim').fill(String(SIZES.dim));
    await ui.t('substrate-ngrams').fill(String(SIZES.ngrams));
    await ui.t('substrate-build').click();
    await until('the binary-id build run', async () => {
      if (await ui.t('substrate-build-error').isVisible())
        throw new Error(`refused: ${await ui.note(ui.t('substrate-build-error'))}`);
      const rp = ui.t('substrate-form').locator(tid('run-progress'));
      return (await rp.count()) > 0 && (await ui.text(rp)).length > 0;
    });
    await ui.runDone(ui.t('substrate-form'), 'the binary-id substrate build', 3 * MIN);
    await ui.t('substrate-row', attr('data-kind', 'binary-id')).waitFor();

    await ui.go('growth');
    const before = await ui
      .t('growth-run')
      .getAttribute('data-run-id', { timeout: 1000 })
      .catch(() => null);
    await ui.t('grow-new').click();
    await ui.t('grow-preset-tiny').click();
    await ui.t('grow-mode').selectOption('train');
    await ui.t('grow-name').fill(BINARY_EXPERT);
    await ui.selectByLabel(ui.t('grow-substrate'), new RegExp(`^binary-id · ${SIZES.dim}-d`));
    await ui.t(`grow-dataset-${NAMES.corpusA}`).check();
    await ui.t('train-layers').fill('1');
    await ui.t('train-steps').fill('5');
    await ui.t('grow-start').click();
    await until('the binary-id training run to be shown', async () => {
      if (await ui.t('grow-start-error').isVisible())
        throw new Error(`refused: ${await ui.note(ui.t('grow-start-error'))}`);
      const id = await ui
        .t('growth-run')
        .getAttribute('data-run-id', { timeout: 1000 })
        .catch(() => null);
      return id !== null && id !== before;
    });
    await ui.runDone(ui.t('growth-run'), 'the binary-id expert’s training', 4 * MIN);
    const sub = await ui.text(ui.t('layer-substrate'));
    assert(sub.includes('binary-id'), `the stack should stand on the binary-id substrate, it says "${sub}"`);
  });

  s.step('merging it with a glyph expert is refused with the reason', async () => {
    await ui.go('merge');
    // Start from an empty selection, then anchor on the grown expert.
    for (const checked = ui.t('merge-experts').locator('input[type=checkbox]:checked'); (await checked.count()) > 0;)
      await checked.first().uncheck();
    const anchor = state.stageNames[state.stageNames.length - 1]!;
    await ui.t(`merge-expert-${anchor}`).check();
    const box = ui.t(`merge-expert-${BINARY_EXPERT}`);
    await until('the binary-id expert to be disabled', () => box.isDisabled());
    const item = ui.t('merge-experts').locator('li', { has: page.locator(tid(`merge-expert-${BINARY_EXPERT}`)) });
    const reason = await ui.text(item.locator(tid('merge-expert-reason')));
    assert(/substrate differs/.test(reason), `the reason should say the substrate differs, it says "${reason}"`);
    assert(
      !/tokenizer differs/.test(reason),
      `the two share a tokenizer; the reason should not say otherwise: "${reason}"`,
    );
    await box.click({ force: true }).catch(() => undefined);
    assert(!(await box.isChecked()), 'a disabled incompatible expert must not become selected');
    // Compatible ones stay available.
    assert(
      !(await ui.t(`merge-expert-${NAMES.expertB}`).isDisabled()),
      `${NAMES.expertB} shares the substrate and must stay selectable`,
    );
    await ui.shot('merge-incompatible');
  });

  s.step('the main side refuses the same merge, naming the substrate', async () => {
    const args = JSON.stringify({
      project: NAMES.project,
      a: state.stageNames[state.stageNames.length - 1],
      b: BINARY_EXPERT,
    });
    const res = (await page.evaluate(`(${CONTRACT_CALL})(${args})`)) as {
      ok: boolean;
      error?: { code: string; message: string };
    };
    assert(
      res && res.ok === false,
      `merge.save of incompatible experts should fail, it returned ${JSON.stringify(res)}`,
    );
    assert(
      /substrate/i.test(res.error?.message ?? ''),
      `the refusal should name the substrate, it says: ${res.error?.message}`,
    );
    await ui.go('catalog');
    assert(
      (await ui.t('model-row', attr('data-model-name', 'should be refused')).count()) === 0,
      'a refused merge must not reach the catalog',
    );
    assert(
      (await ui.t('model-row', attr('data-kind', 'merge')).count()) === 1,
      'only the one saved merge should be in the catalog',
    );
  });

  return s;
}

/**
 * Runs in the page: calls the contract the way the renderer does (the Electron bridge, or the browser-mode
 * WebSocket with the page's token) to ask main to save a merge of two experts found by name.
 */
const CONTRACT_CALL = `async ({ project, a, b }) => {
  let call;
  let ws = null;
  if (window.espalier && typeof window.espalier.invoke === 'function') {
    call = (channel, payload) => window.espalier.invoke(channel, payload);
  } else {
    const token = new URLSearchParams(location.search).get('token') || '';
    ws = new WebSocket('ws://' + location.host + '/ws?token=' + encodeURIComponent(token));
    await new Promise((res, rej) => { ws.onopen = res; ws.onerror = () => rej(new Error('the WebSocket did not open')); });
    let next = 1;
    const pending = new Map();
    ws.onmessage = (e) => { const m = JSON.parse(e.data); if (m.type === 'result' && pending.has(m.id)) pending.get(m.id)(m); };
    call = (channel, payload) => new Promise((res) => { const id = next++; pending.set(id, res); ws.send(JSON.stringify({ type: 'invoke', id, channel, payload })); });
  }
  try {
    const projects = await call('projects.list', {});
    const p = projects.value.find((x) => x.name === project);
    const models = (await call('models.list', { projectId: p.id })).value;
    const idOf = (n) => { const m = models.find((x) => x.name === n); if (!m) throw new Error('no model ' + n); return m.id; };
    return await call('merge.save', { name: 'should be refused', expertIds: [idOf(a), idOf(b)] });
  } finally {
    if (ws) ws.close();
  }
}`;
