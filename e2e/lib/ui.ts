// Page helpers in the user's terms: open a view, fill and click by data-testid, wait for a run shown in a
// RunProgress to finish (failing with the error the page shows), read numbers, and save screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { until } from './harness';

export type ViewName =
  | 'projects'
  | 'datasets'
  | 'substrate'
  | 'growth'
  | 'catalog'
  | 'merge'
  | 'evaluate'
  | 'studies'
  | 'playground'
  | 'system';

/** A CSS selector for a data-testid (quoted, so names with spaces and "+" work). */
export function tid(id: string, extra = ''): string {
  return `[data-testid=${JSON.stringify(id)}]${extra}`;
}

export function attr(name: string, value: string): string {
  return `[${name}=${JSON.stringify(value)}]`;
}

export class Ui {
  private shotNo = 0;
  readonly shots: string[] = [];

  constructor(
    readonly page: Page,
    private readonly shotDir: string,
  ) {
    mkdirSync(shotDir, { recursive: true });
  }

  t(id: string, extra = ''): Locator {
    return this.page.locator(tid(id, extra));
  }

  async connected(timeoutMs = 20_000): Promise<void> {
    await this.t('connection-status', attr('data-state', 'open')).waitFor({ timeout: timeoutMs });
  }

  async go(view: ViewName): Promise<void> {
    await this.t(`nav-${view}`).click();
    await this.t(`view-${view}`).waitFor();
    await this.page
      .locator(`${tid(`view-${view}`)} h1`)
      .first()
      .waitFor();
  }

  /** The text of a locator, whitespace collapsed. */
  async text(loc: Locator): Promise<string> {
    return ((await loc.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  /**
   * Waits for the RunProgress inside `scope` to reach a terminal state. `done` returns; anything else
   * throws with what the page shows (status, message, error).
   */
  async runDone(scope: Locator, what: string, timeoutMs: number, onPoll?: () => Promise<void>): Promise<void> {
    const rp = scope.locator(tid('run-progress')).first();
    const status = await until(
      `${what} to finish`,
      async () => {
        if (onPoll) await onPoll();
        const s = await rp.getAttribute('data-status', { timeout: 1000 }).catch(() => null);
        return s === 'done' || s === 'failed' || s === 'cancelled' ? s : null;
      },
      { timeoutMs, everyMs: 250 },
    );
    if (status !== 'done') {
      const msg = await this.text(rp.locator(tid('run-message')));
      const err = await this.note(rp.locator(tid('run-error'))).catch(() => '');
      throw new Error(`${what} ended "${status}": ${err || msg}`);
    }
  }

  /** Chooses an <option> of the select by its visible text (exact, or matching the RegExp). */
  async selectByLabel(select: Locator, label: string | RegExp): Promise<void> {
    const options = await select.locator('option').allTextContents();
    const hit = options.find((o) => (typeof label === 'string' ? o.trim() === label : label.test(o.trim())));
    if (hit === undefined)
      throw new Error(
        `no option ${String(label)} in the select; it has: ${options.map((o) => JSON.stringify(o.trim())).join(', ')}`,
      );
    await select.selectOption({ label: hit.trim() });
  }

  /** The message of an ErrorNote (without its dismiss button). */
  async note(loc: Locator): Promise<string> {
    return this.text(loc.locator('span').first());
  }

  /** The visible text of a select's chosen option. */
  async selected(select: Locator): Promise<string> {
    return this.text(select.locator('option:checked').first());
  }

  /** Dismisses the toasts (they only announce; the views keep what they said) so they cover nothing in a screenshot. */
  async dismissToasts(): Promise<void> {
    for (const b of await this.page.locator(`${tid('toast')} button`).all())
      await b.click({ timeout: 1000 }).catch(() => undefined);
  }

  /** A full-page screenshot, numbered in the order taken; returns its path. */
  async shot(name: string): Promise<string> {
    await this.dismissToasts();
    // Let charts finish their resize and the fonts settle before the picture.
    await this.page.evaluate(
      'document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))',
    );
    const file = join(this.shotDir, `${String(++this.shotNo).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
    this.shots.push(file);
    return file;
  }
}

/** Parses "12,345" / "12 345" / "12345" as an integer; NaN when it is not a number. */
export function parseCount(text: string): number {
  const digits = text.replace(/[\s,.\u202f\u00a0]/g, '');
  return /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
}
