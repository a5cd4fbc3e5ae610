// The demo report's studies section from a constructed study summary: the table, the control marked, the outcome
// lines and the link; nothing at all when no study ran.
import { describe, expect, it } from 'vitest';
import { studiesMarkdown, studiesText } from './studies-section';
import type { DemoStudySection } from './types';

const c1: DemoStudySection = {
  preset: 'c1',
  title: 'C1 (quick)',
  question: 'Does a frozen glyph substrate train as well?',
  control: 'trainable embedding',
  metric: 'heldout nll',
  seeds: [1, 2],
  rows: [
    { arm: 'frozen glyph', description: '', mean: 4.56151, ci95: 0.0407, n: 2 },
    { arm: 'trainable embedding', description: '', mean: 4.582, ci95: null, n: 1 },
  ],
  outcome: ['frozen glyph − trainable embedding: -0.0204 ± 0.0591 — no clear difference'],
  report: '/x/c1/study-report.md',
  seconds: 61.4,
};

describe('demo studies section', () => {
  it('renders each study as a table of mean ± CI with the control marked, its outcome and its report', () => {
    const md = studiesMarkdown([c1]).join('\n');
    expect(md).toContain('## Controlled studies (quick size)');
    expect(md).toContain('### C1 (quick)');
    expect(md).toContain('| frozen glyph | 4.5615 ± 0.0407 | 2 |');
    expect(md).toContain('| trainable embedding (control) | 4.5820 ± n/a | 1 |');
    expect(md).toContain('- frozen glyph − trainable embedding: -0.0204 ± 0.0591 — no clear difference');
    expect(md).toContain('`/x/c1/study-report.md` (61 s)');
    expect(studiesText([c1])[1]).toMatch(/^ {2}frozen glyph +4\.5615 ± 0\.0407$/);
  });

  it('is empty without studies', () => {
    expect(studiesMarkdown([])).toEqual([]);
    expect(studiesText([])).toEqual([]);
  });
});
