// `espalier demo` end to end. On two user corpora (small slices, few steps): the JSON's sections, the world-only
// tasks skipped and said so, everything registered in the workspace. The full `demo --quick` on the world is
// test/slow/demo-quick.slow.ts (`npm run test:slow`, run by .ci/run): about 2 minutes, too slow for every `npm test`.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../src-main/store/index';
import { runCli } from './helpers/cli';
import { storageCensus } from './support/storage';
import { CLAIMS, SECTIONS, type DemoJson } from './helpers/demo-json';
import { corpusText, type CorpusName } from './helpers/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'espalier-demo-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function slice(file: CorpusName, chars: number): string {
  const text = corpusText(file);
  // From the middle of the text, cut at line starts.
  const from = text.indexOf('\n', Math.floor(text.length / 3)) + 1;
  return text.slice(from, text.indexOf('\n', from + chars) + 1);
}

describe('espalier demo on two user corpora', () => {
  it('runs the pipeline, skips the world-only tasks and says so, and registers everything', () => {
    const a = join(dir, 'faq.ru.txt');
    const b = join(dir, 'faq.zh.txt');
    writeFileSync(a, slice('ru.txt', 12_000));
    writeFileSync(b, slice('zh.txt', 8_000));
    const ws = join(dir, 'ws');
    const r = runCli(
      ['demo', '--quick', '--steps-per-stage', '4', '--corpus-a', a, '--corpus-b', b, '--workspace', ws, '--json'],
      { timeoutMs: 280_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<DemoJson>();
    for (const s of SECTIONS) expect(j, s).toHaveProperty(s);
    expect(Object.keys(j.claims).sort()).toEqual([...CLAIMS].sort());
    expect(j.source).toBe('corpora');
    expect(j.world).toBeNull();
    expect(j.skipped.join('\n')).toMatch(/QA.*multiple choice.*BLEU.*user corpora/);
    expect(j.studies).toEqual([]);
    expect(j.skipped.join('\n')).toMatch(/the C1 and C4 studies: they run on the demo world/);
    expect(r.stderr).toMatch(/skipped: QA/);
    // Only held-out losses: on each corpus (and their union) for 3 depths × 2 experts and 3 merges (logits, probs,
    // logits with tuned heads).
    expect(new Set(j.evals.map((e) => e.key))).toEqual(new Set(['ppl:faq.ru', 'ppl:faq.zh', 'ppl:union']));
    expect(j.evals).toHaveLength(9 * 3);
    expect(j.growth.map((g) => [g.expert, g.stages.map((s) => s.depth)])).toEqual([
      ['A', [1, 2, 3]],
      ['B', [1, 2, 3]],
    ]);
    expect(j.merges.map((m) => m.mode)).toEqual(['logits', 'probs', 'logits']);
    expect(j.depthVsCapability.map((t) => t.rows.length)).toEqual([3, 3]);
    expect(j.depthVsCapability[0]!.columns).toEqual(['depth', 'loss faq.ru', 'loss faq.zh', 'loss union']);
    expect(j.expertsVsMerge.rows.map((row) => row[0])).toEqual([
      'A d3',
      'B d3',
      'merge (logits)',
      'merge (probs)',
      'merge (logits, tuned heads)',
    ]);
    expect(j.claims['qaRisesWithDepth']!.holds).toBeNull();
    for (const k of ['deeperIsBetter', 'expertsBestOnOwnLanguage', 'mergeBeatsExpertsOnUnion'])
      expect(typeof j.claims[k]!.holds).toBe('boolean');
    // Glyph where a system Unifont exists; otherwise binary-id, with the reason in one line.
    if (j.substrate.kind === 'binary-id') expect(j.substrate.note).toMatch(/no GNU Unifont found/);
    expect(r.stderr).toMatch(/substrate: (glyph|binary-id)/);
    expect(readFileSync(j.report.markdown, 'utf8')).toContain('## Claims');
    expect(JSON.parse(readFileSync(j.report.json, 'utf8')).claims).toEqual(j.claims);

    const w = Workspace.open(ws, { create: false });
    try {
      const p = w.projects.require(j.workspace.projectId);
      expect(p.name).toBe('Demo: faq.ru + faq.zh');
      expect(p.substrateId).not.toBeNull();
      const models = w.models.list(p.id);
      expect(models.filter((m) => m.kind === 'stage')).toHaveLength(6);
      // One parameter-count definition: a stage's total counts its frozen substrate, as grow, train and import do.
      for (const m of models.filter((x) => x.kind === 'stage'))
        expect(m.paramsTotal - m.paramsTrainable, m.name).toBe((m.provenance['params'] as { frozen: number }).frozen);
      expect(
        models
          .filter((m) => m.kind === 'stage')
          .every((m) => (m.provenance['params'] as { frozenSubstrate: number }).frozenSubstrate > 0),
      ).toBe(true);
      const merges = models.filter((m) => m.kind === 'merge');
      expect(merges.map((m) => m.config['mode']).sort()).toEqual(['logits', 'logits', 'probs']);
      // The tuned merge loads in the app with the heads it was evaluated with.
      const tuned = merges.find((m) => m.name === 'merge (logits, tuned heads)')!;
      const heads = tuned.config['heads'] as { file: string; tunedLoss: number; zeroShotLoss: number };
      expect(existsSync(w.paths.fromStored(heads.file))).toBe(true);
      expect(heads.tunedLoss).toBeLessThan(heads.zeroShotLoss);
      expect(merges.filter((m) => m !== tuned).every((m) => m.config['heads'] === undefined)).toBe(true);
      // Stages chain: depth 3's lineage is depth 1, 2, 3 of the same expert.
      const lineage = w.models.lineage(j.workspace.modelIds['A d3']!).map((m) => m.depth);
      expect(lineage).toEqual([1, 2, 3]);
      expect(
        w.datasets
          .list(p.id)
          .map((d) => d.split)
          .sort(),
      ).toEqual(['train', 'train', 'val', 'val']);
      expect(w.runs.list({ projectId: p.id, kind: 'grow', status: 'done' })).toHaveLength(2);
      // Per-corpus losses are registered (the derived union has no dataset of its own).
      expect(j.workspace.evalIds).toHaveLength(9 * 2);
      // Stored once: the substrate in substrates/ only, each stage's weights in its model folder only.
      const census = storageCensus(ws);
      expect([...census.substrates]).toEqual([[j.substrate.id, [join('substrates', `${j.substrate.id}.safetensors`)]]]);
      expect(census.duplicateFiles).toEqual([]);
      expect(census.duplicateWeights).toEqual([]);
      for (const m of models.filter((x) => x.kind === 'stage'))
        expect(census.files).toContain(join('models', m.id, 'model.safetensors'));
    } finally {
      w.close();
    }
  }, 300_000);

  it('names a missing or malformed option in one line', () => {
    const one = runCli(['demo', '--corpus-a', join(dir, 'faq.ru.txt'), '--workspace', join(dir, 'ws2')]);
    expect(one.code).not.toBe(0);
    expect(one.stderr.trim()).toBe(
      'espalier: error: give both --corpus-a FILE and --corpus-b FILE (one corpus per expert), or neither for the demo world',
    );
    const steps = runCli(['demo', '--steps-per-stage', '3,4', '--workspace', join(dir, 'ws2')]);
    expect(steps.stderr.trim()).toBe(
      'espalier: error: option --steps-per-stage lists 2 numbers for 3 stages; give one or 3',
    );
  });
});
