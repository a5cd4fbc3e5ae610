// Accessibility and layout of every view, with the workspace the flow filled: axe-core (the npm package's own
// script, evaluated in the page) finds no serious or critical violation in the light and the dark theme, and no
// view scrolls sideways at 1024 × 700. Each check visits every view and reports all failures together; Evaluate
// and Catalog come last.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { assert, Suite, until } from '../lib/harness';
import type { Watcher } from '../lib/browser';
import type { Ui, ViewName } from '../lib/ui';

const VIEWS: ViewName[] = [
  'projects',
  'datasets',
  'substrate',
  'growth',
  'merge',
  'playground',
  'system',
  'evaluate',
  'catalog',
];

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

let axeSource: string | null = null;
function axeScript(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

async function setTheme(ui: Ui, theme: 'light' | 'dark'): Promise<void> {
  await until(`the ${theme} theme`, async () => {
    const label = (await ui.t('theme-toggle').textContent())?.trim();
    if (label === `Theme: ${theme}`)
      return (await ui.page.evaluate('document.documentElement.dataset.theme')) === theme;
    await ui.t('theme-toggle').click();
    return false;
  });
}

/** Serious and critical violations on the page as it is now, one line per rule with up to three elements. */
export async function axeViolations(ui: Ui): Promise<string[]> {
  if (!(await ui.page.evaluate('typeof window.axe === "object"'))) await ui.page.evaluate(axeScript());
  const violations = (await ui.page.evaluate(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary + ' html: ' + String(n.html).slice(0, 120) })) })))`,
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => {
      const where = v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ');
      // axe's own explanation of the first element (for contrast: the two colours and the ratio).
      const why = (v.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 240);
      return `${v.id} (${v.impact}): ${v.help} — ${where}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}${why ? ` [${why}]` : ''}`;
    });
}

function axeSuite(ui: Ui, watcher: Watcher, theme: 'light' | 'dark'): Suite {
  const s = new Suite(`Accessibility: axe-core on every view, ${theme} theme`);
  s.after(() => watcher.check());
  s.step(`no serious or critical axe violations on any view (${theme})`, async () => {
    await setTheme(ui, theme);
    const found: string[] = [];
    for (const view of VIEWS) {
      await ui.go(view);
      await ui.page.evaluate('document.fonts.ready');
      for (const v of await axeViolations(ui)) found.push(`${view}: ${v}`);
    }
    assert(found.length === 0, `axe-core found ${found.length} serious/critical violation(s):\n${found.join('\n')}`);
  });
  return s;
}

function overflowSuite(ui: Ui, watcher: Watcher): Suite {
  const s = new Suite('Layout: no horizontal overflow at 1024 × 700');
  s.after(() => watcher.check());
  s.step('no view scrolls sideways at 1024 × 700', async () => {
    const before = ui.page.viewportSize();
    await ui.page.setViewportSize({ width: 1024, height: 700 });
    try {
      const found: string[] = [];
      for (const view of VIEWS) {
        await ui.go(view);
        const o = (await ui.page.evaluate(`(() => {
          const d = document.documentElement;
          // The widest element sticking out to the right names the culprit.
          let worst = null;
          for (const el of document.querySelectorAll('main *')) {
            const r = el.getBoundingClientRect();
            if (r.right > d.clientWidth + 1 && (!worst || r.right > worst.right)) worst = { right: r.right, what: el.tagName.toLowerCase() + (el.getAttribute('data-testid') ? '[data-testid=' + el.getAttribute('data-testid') + ']' : el.className ? '.' + String(el.className).split(' ')[0] : '') };
          }
          return { scroll: d.scrollWidth, client: d.clientWidth, worst };
        })()`)) as { scroll: number; client: number; worst: { right: number; what: string } | null };
        if (o.scroll > o.client + 1) await ui.shot(`overflow-${view}`);
        if (o.scroll > o.client + 1)
          found.push(
            `${view}: the page is ${o.scroll} px wide in a ${o.client} px window${o.worst ? ` (widest: ${o.worst.what} ends at ${Math.round(o.worst.right)} px)` : ''}`,
          );
      }
      assert(found.length === 0, `horizontal overflow:\n${found.join('\n')}`);
    } finally {
      if (before) await ui.page.setViewportSize(before);
    }
  });
  return s;
}

/** Overflow, then axe in both themes; each its own suite, so one failure does not hide the others. */
export function a11ySuites(ui: Ui, watcher: Watcher): Suite[] {
  return [overflowSuite(ui, watcher), axeSuite(ui, watcher, 'light'), axeSuite(ui, watcher, 'dark')];
}
