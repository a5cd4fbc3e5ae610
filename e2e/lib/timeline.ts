// Watches the Growth view from inside the page: every 40 ms it notes the run's status, the state of layer
// tiers 1 and 2 and the loss chart's point count whenever one changes, so short-lived states (a stage that
// lasts a second) are seen even while the test is busy taking a screenshot.
import type { Page } from 'playwright-core';

export interface Snap {
  run: string | null;
  status: string | null;
  t1: string | null;
  t2: string | null;
  points: number;
  /** Milliseconds since the page loaded. */
  at: number;
}

const RECORDER = `(() => {
  const w = window;
  w.__e2eTimeline = [];
  let last = '';
  clearInterval(w.__e2eTimer);
  w.__e2eTimer = setInterval(() => {
    const panel = document.querySelector('[data-testid="growth-run"]');
    const get = (sel, a) => (panel && panel.querySelector(sel) ? panel.querySelector(sel).getAttribute(a) : null);
    const snap = {
      run: panel ? panel.getAttribute('data-run-id') : null,
      status: get('[data-testid="run-progress"]', 'data-status'),
      t1: get('[data-testid="layer-tier-1"]', 'data-state'),
      t2: get('[data-testid="layer-tier-2"]', 'data-state'),
      points: Number(get('[data-testid="loss-chart"]', 'data-points') ?? 'NaN'),
    };
    const key = JSON.stringify(snap);
    if (key !== last) { last = key; w.__e2eTimeline.push({ ...snap, at: Math.round(performance.now()) }); }
  }, 40);
  return true;
})()`;

export async function startTimeline(page: Page): Promise<void> {
  await page.evaluate(RECORDER);
}

/** Stops the recorder and returns every change it saw, in order. */
export async function stopTimeline(page: Page): Promise<Snap[]> {
  return (await page.evaluate(
    '(() => { clearInterval(window.__e2eTimer); return window.__e2eTimeline || []; })()',
  )) as Snap[];
}

/** "running:training/pending:12 → …", for failure messages. */
export function describeTimeline(snaps: Snap[]): string {
  return snaps
    .map((x) => `${x.status}:${x.t1}/${x.t2}:${x.points}`)
    .join(' → ')
    .slice(0, 800);
}
