// The comparison and the report writer on a hand-made study result: means, CIs and paired differences computed by
// hand, CSV quoting, the Markdown tables and image links, and the SVG charts' geometry.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StudyResult, type ArmResult } from '../../src-shared/study';
import { studyPreset } from '../../src-shared/study-presets';
import { compareStudy } from './compare';
import { comparisonCsv, writeStudyReport } from './report';
import { barChart, lineChart, niceTicks } from './svg';

const dir = mkdtempSync(join(tmpdir(), 'espalier-study-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROTO = 'loglik, first 1000 tokens, "union"';

function run(arm: string, seed: number, nll: number, extra: Record<string, number> = {}): ArmResult {
  return {
    arm,
    run: `${arm} · seed ${seed}`,
    factors: { substrate: arm.includes('glyph') ? 'glyph' : 'random' },
    seed,
    modelDir: `/m/${arm}/${seed}`,
    models: [],
    seeds: [],
    curve: [1, 2, 3, 4].map((step) => ({ step, loss: 6 - step * 0.5 + seed * 0.01 })),
    metrics: {
      'heldout nll': { value: nll, protocol: PROTO },
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { value: v, protocol: 'p' }])),
    },
    seconds: 1,
    finishedAt: '2026-01-01T00:00:00Z',
  };
}

function result(): StudyResult {
  const spec = {
    ...studyPreset('c1', 'quick'),
    arms: studyPreset('c1', 'quick').arms.slice(0, 1).concat(studyPreset('c1', 'quick').arms.slice(3)),
  };
  // frozen glyph 4.0 / 4.2, trainable 4.5 / 4.4 (seeds 1, 2); only glyph has an extra metric, so it is not shared.
  return StudyResult.parse({
    format: 'espalier-study-result',
    version: 1,
    spec,
    outDir: dir,
    status: 'done',
    arms: [
      run('frozen glyph', 1, 4.0, { only: 1 }),
      run('trainable embedding', 1, 4.5),
      run('frozen glyph', 2, 4.2, { only: 2 }),
      run('trainable embedding', 2, 4.4),
    ],
    startedAt: 'a',
    finishedAt: 'b',
  });
}

describe('compareStudy', () => {
  it('mean ± CI per arm over seeds, only shared metrics, and the paired difference from the control', () => {
    const c = compareStudy(result());
    expect(c.control).toBe('trainable embedding');
    expect(c.metrics).toEqual(['heldout nll']);
    const g = c.groups.find((x) => x.arm === 'frozen glyph')!;
    expect(g.seeds).toEqual([1, 2]);
    expect(g.metrics['heldout nll']!.mean).toBeCloseTo(4.1, 12);
    expect(g.metrics['heldout nll']!.ci95).toBeCloseTo(12.706 * 0.1, 9); // |4.0 − 4.2| / 2 × t(1)
    expect(g.metrics['heldout nll']!.protocol).toBe(PROTO);
    // differences −0.5 and −0.2 → mean −0.35, half-width 12.706 × 0.15
    const d = c.differences.find((x) => x.arm === 'frozen glyph' && x.metric === 'heldout nll')!;
    expect(d.diff).toBeCloseTo(-0.35, 12);
    expect(d.ci95).toBeCloseTo(12.706 * 0.15, 9);
    expect(d.n).toBe(2);
    expect(c.differences.some((x) => x.arm === 'trainable embedding')).toBe(false);
  });
});

describe('writeStudyReport', () => {
  it('writes the CSV (quoted protocol), the Markdown report with its plots, and the SVGs', () => {
    const r = result();
    const files = writeStudyReport(r, dir);
    const csv = readFileSync(files.csv, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('arm,metric,protocol,n,mean,ci95,sd,diff_vs_control,diff_ci95,diff_n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toMatch(/^frozen glyph,heldout nll,"loglik, first 1000 tokens, ""union""",2,4\.1/);
    expect(csv[2]).toMatch(/^trainable embedding,heldout nll,.*,2,4\.45\d*,[\d.]+,[\d.]+,,,$/);
    expect(comparisonCsv(compareStudy(r))).toBe(`${csv.join('\n')}\n`);
    const runs = readFileSync(files.runsCsv, 'utf8').trim().split('\n');
    expect(runs[0]).toBe('arm,seed,substrate,heldout nll,model_dir');
    expect(runs).toHaveLength(5);

    const md = readFileSync(files.markdown, 'utf8');
    // Mean and CI to the same decimals, set by the CI's two significant digits (issue 28 item 8).
    expect(md).toContain('| frozen glyph | 2 | 4.1 ± 1.3 |');
    expect(md).toContain('| frozen glyph | heldout nll | −0.4 ± 1.9 | 2 | no clear difference (the CI spans 0) |');
    expect(md).toContain('![loss-curves.svg](loss-curves.svg)');
    expect(md).toContain('![heldout-nll.svg](heldout-nll.svg)');
    expect(md).toContain(`- **heldout nll**: ${PROTO}`);

    expect(files.svgs.map((f) => f.slice(dir.length + 1))).toEqual(['loss-curves.svg', 'heldout-nll.svg']);
    const curves = readFileSync(files.svgs[0]!, 'utf8');
    expect(curves.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(curves.match(/<polyline /g)).toHaveLength(2);
    const bars = readFileSync(files.svgs[1]!, 'utf8');
    expect(bars.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#/g)).toHaveLength(2);
    expect(bars.match(/<path d="M/g)).toHaveLength(2);
  });
});

describe('SVG charts', () => {
  it('a line chart maps the data range onto the plot and escapes names', () => {
    const svg = lineChart({
      title: 'a < b',
      xLabel: 'step',
      yLabel: 'loss',
      series: [
        {
          name: 'x & y',
          points: [
            [0, 1],
            [10, 3],
            [5, Number.NaN],
          ],
        },
      ],
    });
    expect(svg).toContain('a &lt; b');
    expect(svg).toContain('x &amp; y');
    // x 0 → left margin 64, x 10 → 640 − 16; y 1 → bottom 360 − 48, y 3 → top 36
    expect(svg).toContain('points="64.0,312.0 624.0,36.0"');
  });

  it('bars with error bars: the whisker spans value ± CI symmetrically around the bar top', () => {
    const svg = barChart({
      title: 't',
      yLabel: 'v',
      bars: [
        { label: 'a', value: 2, ci: 1 },
        { label: 'b', value: 4, ci: null },
      ],
    });
    const m = /<path d="M([\d.]+) ([\d.]+)V([\d.]+)/.exec(svg)!;
    const rect = /<rect x="[\d.]+" y="([\d.]+)"/.exec(svg.slice(svg.indexOf('fill-opacity') - 200))!;
    const top = Number(rect[1]);
    expect(Number(m[2]) - top).toBeCloseTo(top - Number(m[3]), 0);
    expect(svg.match(/<path d="M/g)).toHaveLength(1);
  });

  it('nice ticks are round and cover the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3.96, 4.61)).toEqual([4, 4.2, 4.4, 4.6]); // step 0.2: the first round step ≥ range/5
  });
});
