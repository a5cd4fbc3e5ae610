// The quick C1 and C4 studies on the demo world, end to end: C1 through the runner, stopped after its first run
// and resumed (the finished run is not trained again); C4 through `espalier study --json`. Both report per-arm
// mean ± 95% CI over two seeds.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyComparison, StudyProgress, StudyResult } from '../../src-shared/study';
import { studyPreset } from '../../src-shared/study-presets';
import { runCli } from '../../test/helpers/cli';
import { unifontPath } from '../../test/helpers/fixtures';
import { initBackend } from '../engine/backend';
import { compareStudy, runStudy, writeStudyReport } from './index';

const dir = mkdtempSync(join(tmpdir(), 'espalier-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  unifontPath(); // the glyph arms need GNU Unifont; a missing one fails here with the install command
  await initBackend({ backend: 'wasm' });
});

function expectComparison(c: StudyComparison, arms: string[], metrics: string[]): void {
  expect(c.groups.map((g) => g.arm)).toEqual(arms);
  for (const m of metrics) expect(c.metrics).toContain(m);
  for (const g of c.groups) {
    expect(g.seeds).toEqual([1, 2]);
    for (const m of metrics) {
      const s = g.metrics[m]!;
      expect(s.n).toBe(2);
      expect(Number.isFinite(s.mean)).toBe(true);
      expect(s.ci95 !== null && Number.isFinite(s.ci95) && s.ci95 >= 0).toBe(true);
      expect(s.protocol.length).toBeGreaterThan(10);
    }
  }
  for (const a of arms.filter((x) => x !== c.control)) {
    const d = c.differences.find((x) => x.arm === a && x.metric === metrics[0])!;
    expect(d.n).toBe(2);
    expect(Number.isFinite(d.diff) && Number.isFinite(d.ci95!)).toBe(true);
  }
}

describe('studies on the demo world (quick)', () => {
  it('C1: stopped after the first run, resumed without retraining it; mean ± CI per arm over 2 seeds', async () => {
    const spec = studyPreset('c1', 'quick');
    const out = join(dir, 'c1');
    const stop = new AbortController();
    const first = await runStudy(spec, { outDir: out, signal: stop.signal, onArmDone: () => stop.abort() });
    expect(first.status).toBe('stopped');
    expect(first.arms.map((a) => a.run)).toEqual(['frozen glyph · seed 1']);
    const weights = join(first.arms[0]!.modelDir, 'model.safetensors');
    const mtime = statSync(weights).mtimeMs;

    const events: StudyProgress[] = [];
    const done: string[] = [];
    const r = await runStudy(spec, {
      outDir: out,
      onProgress: (e) => events.push(e),
      onArmDone: (a) => done.push(a.run),
    });
    expect(r.status).toBe('done');
    expect(r.arms).toHaveLength(8);
    expect(done).not.toContain('frozen glyph · seed 1');
    expect(done).toHaveLength(7);
    expect(events.some((e) => e.arm === 0 && /already finished, skipped/.test(e.message ?? ''))).toBe(true);
    expect(events.some((e) => e.arm === 0 && e.steps > 0)).toBe(false);
    expect(events.some((e) => e.arm === 1 && e.steps === 48 && e.step === 48 && Number.isFinite(e.loss))).toBe(true);
    expect(statSync(weights).mtimeMs).toBe(mtime);
    for (const a of r.arms) {
      expect(statSync(join(a.modelDir, 'model.safetensors')).isFile()).toBe(true);
      expect(a.curve).toHaveLength(48);
      expect(a.curve.some((p) => p.valLoss !== undefined)).toBe(true);
    }
    const c = compareStudy(r);
    expectComparison(
      c,
      ['frozen glyph', 'frozen binary-id', 'frozen random', 'trainable embedding'],
      ['heldout nll', 'heldout ppl', 'val loss', 'train FLOPs'],
    );
    // Same architecture, data and steps: every arm sees the same tokens.
    expect(new Set(r.arms.map((a) => a.metrics['train tokens']!.value)).size).toBe(1);
    const files = writeStudyReport(r, out);
    expect(files.svgs.length).toBeGreaterThanOrEqual(2);
  }, 900_000);

  it('C4 through the CLI: experts and their merge on the union of held-out data, merge gain ± CI', () => {
    const out = join(dir, 'c4');
    const res = runCli(['study', '--preset', 'c4', '--quick', '--out', out, '--backend', 'wasm', '--json'], {
      timeoutMs: 900_000,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/\[1\/6\] frozen substrate · seed 1: started/);
    const r = res.json<StudyResult & { comparison: StudyComparison; report: { markdown: string; csv: string } }>();
    expect(r.status).toBe('done');
    expect(r.arms).toHaveLength(6);
    expectComparison(
      r.comparison,
      ['frozen substrate', 'trained, same init', 'trained, different inits'],
      ['merge gain', 'heldout nll', 'best expert union nll', 'expert RU union nll', 'expert ZH own nll'],
    );
    for (const a of r.arms) {
      expect(a.models.map((m) => m.kind)).toEqual(['expert', 'expert', 'merge']);
      const merge = a.models[2]!;
      // Experts started from different random codes have different substrate ids: measured, not saved as a merge.
      if (a.arm === 'trained, different inits') expect(merge.dir).toBeNull();
      else expect(statSync(join(merge.dir!, 'merge.json')).isFile()).toBe(true);
    }
    expect(statSync(r.report.markdown).isFile()).toBe(true);
  }, 900_000);
});
