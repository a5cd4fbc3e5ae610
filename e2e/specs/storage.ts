// Storage and substrate names as a user meets them, after the flow and the bad-input suite: a second substrate
// of another kind and dim gets its own name in the pickers (and a label the user gives it leads that name), the
// Catalog shows what models and their shared substrates take on disk, and at 1024 × 700 its rows fit the window
// (no horizontal overflow; every row's actions reachable).
import { assert, Suite, until } from '../lib/harness';
import type { Watcher } from '../lib/browser';
import { attr, type Ui } from '../lib/ui';
import { SIZES } from './flow';

const MIN = 60_000;
const SMALL_DIM = Math.max(8, Math.round(SIZES.dim / 2));
const LABEL = 'half-width ablation';

/** Bytes as the Catalog prints them ("12.3 MB") → a number of bytes; NaN when unreadable. */
function parseBytes(text: string): number {
  const m = /([\d.]+)\s*(B|KB|MB|GB|TB)\b/.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(m[2]!);
}

export function storageSuite(ui: Ui, watcher: Watcher): Suite {
  const s = new Suite('Storage: substrate names, disk use, the Catalog at 1024 px');
  s.after(() => watcher.check());
  const page = ui.page;

  s.step(`a second substrate (random, ${SMALL_DIM}-d) is listed beside the others under its own name`, async () => {
    await ui.go('substrate');
    const before = await ui.t('substrate-row').count();
    await ui.t('substrate-kind-random').check();
    await ui.t('substrate-dim').fill(String(SMALL_DIM));
    await ui.t('substrate-ngrams').fill(String(SIZES.ngrams));
    await ui.t('substrate-build').click();
    await until('the random substrate build to start', async () => {
      if (await ui.t('substrate-build-error').isVisible())
        throw new Error(`refused: ${await ui.note(ui.t('substrate-build-error'))}`);
      return (
        (await ui.t('substrate-row').count()) > before ||
        (await ui.t('substrate-form').locator('[data-testid="run-progress"][data-status="running"]').count()) > 0 ||
        null
      );
    });
    await ui.runDone(ui.t('substrate-form'), 'the random substrate build', 3 * MIN);
    const row = ui.t('substrate-row', attr('data-kind', 'random'));
    await row.waitFor();
    const names = (await ui.t('substrate-name').allTextContents()).map((t) => t.trim());
    assert(
      names.length >= 3,
      `three substrates should be listed (glyph, binary-id, random), found ${names.length}: ${names.join(' | ')}`,
    );
    assert(new Set(names).size === names.length, `substrate names must differ: ${names.join(' | ')}`);
    for (const n of names)
      assert(
        / · \d+-d · [\d,]+ tokens · \d{4}-\d\d-\d\d \d\d:\d\d UTC/.test(n),
        `"${n}" should give dim, vocabulary and date`,
      );
    assert(
      names.some((n) => /^glyph \d+×\d+ · /.test(n)),
      `the glyph substrate's name should give its grid: ${names.join(' | ')}`,
    );
    assert(
      names.some((n) => n.startsWith(`random · ${SMALL_DIM}-d`)),
      `the new substrate should be named "random · ${SMALL_DIM}-d …": ${names.join(' | ')}`,
    );
  });

  s.step('a label given in the Substrate view leads its name in the growth form’s picker', async () => {
    const row = ui.t('substrate-row', attr('data-kind', 'random'));
    await row.locator('[data-testid="substrate-label"]').click();
    await row.locator('[data-testid="substrate-label-input"]').fill(LABEL);
    await row.locator('[data-testid="substrate-label-input"]').press('Enter');
    await until(
      'the label in the row',
      async () =>
        (await ui.text(row.locator('[data-testid="substrate-name"]'))).startsWith(
          `${LABEL} (random · ${SMALL_DIM}-d`,
        ) || null,
    );
    await ui.shot('substrates-named');
    await ui.go('growth');
    await ui.t('grow-new').click();
    const options = (await ui.t('grow-substrate').locator('option').allTextContents()).map((t) => t.trim());
    assert(
      new Set(options).size === options.length && options.length >= 3,
      `the growth form should offer distinct substrates, it offers: ${options.join(' | ')}`,
    );
    assert(
      options.some((o) => o.startsWith(`${LABEL} (random · ${SMALL_DIM}-d`)),
      `the labelled substrate should be offered by its label: ${options.join(' | ')}`,
    );
    assert(
      options.filter((o) => /^(glyph|binary-id) /.test(o)).length >= 2,
      `the glyph and binary-id substrates should be offered: ${options.join(' | ')}`,
    );
  });

  s.step('the Catalog shows disk use per model, per shared substrate and for the workspace', async () => {
    await ui.go('catalog');
    const summary = ui.t('catalog-disk');
    await summary.waitFor();
    const text = await ui.text(summary);
    assert(/stored once for \d+ models?/.test(text), `the summary should say each substrate is stored once: ${text}`);
    const project = parseBytes(await ui.text(ui.t('catalog-disk-project')));
    const total = parseBytes(await ui.text(ui.t('catalog-disk-total')));
    assert(
      project > 0 && total >= project,
      `project ${project} B and workspace ${total} B should be positive, the workspace the larger`,
    );
    const cells = (await ui.t('model-disk').allTextContents()).map((t) => t.trim());
    assert(cells.length > 0, 'every model row should have a disk cell');
    const sized = cells.filter((c) => parseBytes(c) > 0);
    assert(sized.length >= 2, `trained models and stages should show their size: ${cells.join(', ')}`);
  });

  s.step(
    'at 1024 × 700 the Catalog fits the window: no horizontal overflow, every row’s actions reachable',
    async () => {
      const size = page.viewportSize();
      await page.setViewportSize({ width: 1024, height: 700 });
      try {
        await ui.go('catalog');
        await ui.t('model-row').first().waitFor();
        // A string, evaluated in the page (the e2e code is type-checked without the DOM library). Screen-reader-only
        // text (a 1-px clipped box) is meant to overflow; anything wider that scrolls sideways hides content.
        const overflow = (await page.evaluate(`(() => {
        const doc = document.documentElement;
        const wide = [...document.querySelectorAll('[data-testid="view-catalog"] *')].filter((el) => el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible');
        return { page: doc.scrollWidth - doc.clientWidth, scrollers: wide.map((el) => el.tagName.toLowerCase() + '.' + el.className + ' ' + el.scrollWidth + '>' + el.clientWidth) };
      })()`)) as { page: number; scrollers: string[] };
        assert(overflow.page <= 0, `the page scrolls sideways by ${overflow.page} px at 1024 px`);
        assert(
          overflow.scrollers.length === 0,
          `parts of the Catalog scroll sideways at 1024 px: ${overflow.scrollers.join('; ')}`,
        );
        for (const b of await ui.t('model-delete').all()) {
          const box = await b.boundingBox();
          assert(
            box !== null && box.x >= 0 && box.x + box.width <= 1024,
            `a Delete button lies outside the window (${JSON.stringify(box)})`,
          );
        }
        await ui.shot('catalog-1024');
      } finally {
        if (size) await page.setViewportSize(size);
      }
    },
  );

  return s;
}
