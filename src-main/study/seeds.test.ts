// Issue 32 items 1 and 2 on a real (tiny) study of the demo world: "different inits" gives each expert of a glyph
// substrate with a trainable embedding its own rows (the experts' substrate files differ by SHA-256; with "same"
// they match), and no two trainings in the study share a seed (read from every expert's growth.json).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudySpec } from '../../src-shared/study';
import { unifontPath } from '../../test/helpers/fixtures';
import { initBackend } from '../engine/backend';
import { deriveSeed, modelSeeds } from './seeds';
import { plannedRuns, runStudy } from './index';

const dir = mkdtempSync(join(tmpdir(), 'espalier-study-seeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  unifontPath();
  await initBackend({ backend: 'wasm' });
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const spec = StudySpec.parse({
  name: 'inits and seeds',
  seeds: [1, 2],
  data: { kind: 'world', seed: 1, scale: 'quick' },
  model: {
    dim: 16,
    heads: 2,
    contextLength: 16,
    depth: 1,
    stepsPerStage: 2,
    batchSize: 2,
    lr: 5e-3,
    evalWindows: 2,
    evalTokens: 64,
    ngrams: 0,
  },
  control: 'same',
  arms: [
    { name: 'same', substrate: 'glyph', embedding: 'trainable', merge: 'logits', expertInit: 'same' },
    { name: 'different', substrate: 'glyph', embedding: 'trainable', merge: 'logits', expertInit: 'different' },
  ],
});

describe('study seeds and expert inits', () => {
  it('different inits: each expert its own glyph rows; no two trainings share a seed, and the seeds are recorded', async () => {
    const out = join(dir, 'study');
    const r = await runStudy(spec, { outDir: out });
    expect(r.status).toBe('done');
    const trainSeeds: number[] = [];
    for (const run of plannedRuns(spec)) {
      const arm = r.arms.find((a) => a.run === run.run)!;
      const experts = arm.models.filter((m) => m.kind === 'expert');
      expect(experts).toHaveLength(2);
      const [a, b] = experts.map((m) => sha(join(m.dir!, 'substrate.safetensors')));
      if (run.arm.expertInit === 'different') expect(a, run.run).not.toBe(b);
      else expect(a, run.run).toBe(b);
      for (const x of ['RU', 'ZH']) {
        const state = JSON.parse(readFileSync(join(out, 'runs', run.slug, `expert-${x}`, 'growth.json'), 'utf8')) as {
          plan: { seed: number };
        };
        trainSeeds.push(state.plan.seed);
        expect(arm.seeds).toContainEqual({ model: `expert ${x}`, role: 'train', seed: state.plan.seed });
      }
    }
    expect(trainSeeds).toHaveLength(8);
    expect(new Set(trainSeeds).size).toBe(8);
    // The merge of experts with different rows is measured in memory, not saved as a catalog merge.
    for (const arm of r.arms)
      expect(arm.models.find((m) => m.kind === 'merge')!.dir === null).toBe(arm.arm === 'different');
  }, 600_000);

  it('derived seeds: deterministic, 31-bit, and distinct over a grid of study seeds, arms, models and roles', () => {
    expect(deriveSeed(1, 'a', 'expert A', 'train')).toBe(deriveSeed(1, 'a', 'expert A', 'train'));
    const seen = new Set<number>();
    for (let s = 1; s <= 50; s++) {
      for (const arm of ['x', 'y']) {
        for (const m of ['expert A', 'expert B']) {
          const k = modelSeeds(s, { name: arm, merge: 'logits', expertInit: 'different' }, m);
          for (const v of [k.train, k.substrate]) {
            expect(v >= 0 && v <= 0x7fffffff && Number.isInteger(v)).toBe(true);
            seen.add(v);
          }
        }
      }
    }
    expect(seen.size).toBe(50 * 2 * 2 * 2);
    // "same": both experts of a run share the substrate seed, and nothing else.
    const a = modelSeeds(3, { name: 'x', merge: 'logits', expertInit: 'same' }, 'expert A');
    const b = modelSeeds(3, { name: 'x', merge: 'logits', expertInit: 'same' }, 'expert B');
    expect(a.substrate).toBe(b.substrate);
    expect(a.train).not.toBe(b.train);
  });
});
