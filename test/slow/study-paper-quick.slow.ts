// `espalier study --preset paper --quick` on the demo world (about 1½ minutes on 2 idle cores, 3½ under heavy load):
// the paper's four questions in one study, whose report carries a verdict line per question, the per-stage table
// with depth's control, and every merge read against its experts with the normalised gain. Run by `npm run test:slow`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StudyComparison, StudyResult } from '../../src-shared/study';
import { runCli } from '../helpers/cli';
import { unifontPath } from '../helpers/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'espalier-study-paper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Out = StudyResult & { comparison: StudyComparison; report: { markdown: string } };

describe('espalier study --preset paper --quick', () => {
  it('answers C1–C4 with a verdict each, the per-stage table with its control, and the normalised merge gain', () => {
    unifontPath();
    const out = join(dir, 'paper');
    const r = runCli(['study', '--preset', 'paper', '--quick', '--out', out, '--backend', 'wasm', '--json'], {
      timeoutMs: 900_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<Out>();
    expect(j.status).toBe('done');
    expect(j.arms).toHaveLength(20);
    const c = j.comparison;

    // One verdict per question, read from the sign and CI of its differences.
    expect(c.verdicts.map((v) => v.question)).toEqual(['C1', 'C2', 'C3', 'C4']);
    for (const v of c.verdicts) {
      expect(['holds', 'fails', 'inconclusive']).toContain(v.verdict);
      expect(v.line).toMatch(
        new RegExp(
          `^${v.question} \\(.+\\): the paper's claim (holds|fails|is inconclusive) at this size — .+ ± .+ \\(n = 2\\)`,
        ),
      );
    }
    // Depth: the grown arms after each stage (stage 2 with its paired change), then the one-block controls.
    const grown = c.stages.filter((s) => s.arm === 'grown, equal tokens');
    expect(grown.map((s) => [s.stage, s.steps])).toEqual([
      [1, 24],
      [2, 48],
    ]);
    expect(grown[0]!.delta).toBeNull();
    expect(grown[1]!.delta!.n).toBe(2);
    const controls = c.stages.filter((s) => s.control);
    expect(controls.map((s) => [s.arm, s.blocks, s.steps])).toEqual([
      ['one block, equal steps', 1, 48],
      ['one block, equal FLOPs', 1, expect.any(Number)],
    ]);
    expect(controls[1]!.steps).toBeGreaterThan(48); // one block costs less per step, so equal FLOPs buys more steps
    // Merges: both rules, the routing oracle and the normalised gain in every merge run.
    for (const a of j.arms.filter((x) => x.arm.startsWith('merge'))) {
      for (const m of [
        'expert RU own nll',
        'expert ZH union nll',
        'oracle union nll',
        'merge nll logits',
        'merge nll probs',
        'normalised merge gain',
      ])
        expect(Number.isFinite(a.metrics[m]!.value), `${a.run}: ${m}`).toBe(true);
    }
    // Every training had its own seed.
    const seeds = j.arms.flatMap((a) => a.seeds.filter((s) => s.role === 'train').map((s) => s.seed));
    expect(seeds).toHaveLength(7 * 2 + 3 * 2 * 2);
    expect(new Set(seeds).size).toBe(seeds.length);

    const md = readFileSync(j.report.markdown, 'utf8');
    for (const q of ['C1', 'C2', 'C3', 'C4'])
      expect(md).toMatch(new RegExp(`^- \\*\\*${q} \\(.+\\): the paper's claim `, 'm'));
    expect(md).toContain('## Depth per stage, with its control');
    expect(md).toMatch(/\| one block, equal steps \(control\) \| 1 block \| 48 \|/);
    expect(md).toContain('## Merges read against their experts');
    expect(md).toMatch(/\| merge, frozen \|( [^|]+ \|){10}/);
    expect(md).toContain('normalised merge gain');
  }, 900_000);
});
