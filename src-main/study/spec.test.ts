// Study specs from JSON (errors name the file, line or field), the presets at every size, and the budgets:
// growth at equal FLOPs gets more tokens because frozen blocks only run forward.
import { describe, expect, it } from 'vitest';
import { STUDY_PRESETS, STUDY_SIZES } from '../../src-shared/study';
import { studyPreset } from '../../src-shared/study-presets';
import { armSchedule, perTokenFlops } from './budget';
import { plannedRuns } from './runner';
import { parseStudySpec } from './spec-file';

const base = {
  name: 'mine',
  seeds: [1, 2],
  model: studyPreset('c1', 'quick').model,
  control: 'a',
  arms: [{ name: 'a' }, { name: 'b', substrate: 'random' }],
};

describe('study specs', () => {
  it('fills defaults: demo world, glyph, frozen, grown, equal tokens, no merge', () => {
    const s = parseStudySpec(JSON.stringify(base), 'study.json');
    expect(s.data).toEqual({ kind: 'world', seed: 1, scale: 'quick' });
    expect(s.arms[0]).toMatchObject({
      substrate: 'glyph',
      embedding: 'frozen',
      schedule: 'grown',
      budget: 'equal-tokens',
      merge: 'none',
      expertInit: 'same',
    });
    expect(plannedRuns(s).map((r) => r.run)).toEqual(['a · seed 1', 'b · seed 1', 'a · seed 2', 'b · seed 2']);
  });

  it('names the field of every problem, and the line of bad JSON', () => {
    expect(() =>
      parseStudySpec(JSON.stringify({ ...base, arms: [{ name: 'a', substrate: 'font' }] }), 'study.json'),
    ).toThrow(/^study\.json: invalid study spec — arms\[0\]\.substrate: /);
    // Cross-field rules run once every field has the right type.
    const bad = {
      ...base,
      control: 'zzz',
      seeds: [1, 1],
      arms: [{ name: 'a' }, { name: 'a', merge: 'logits', expertInit: 'different' }],
    };
    const msg = (() => {
      try {
        parseStudySpec(JSON.stringify(bad), 'study.json');
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(msg).toMatch(/^study\.json: invalid study spec — /);
    expect(msg).toMatch(/arms\[1\]\.name: "a" names two arms/);
    expect(msg).toMatch(/arms\[1\]\.expertInit: experts on a frozen substrate share its rows/);
    expect(msg).toMatch(/seeds: lists a seed twice/);
    expect(msg).toMatch(/control: "zzz" is not the name of an arm/);
    expect(() => parseStudySpec('{\n "name": "x",\n oops\n}', 'study.json')).toThrow(/^study\.json:3: not valid JSON/);
    expect(() => parseStudySpec(JSON.stringify({ ...base, model: { ...base.model, heads: 5 } }), 's.json')).toThrow(
      /model\.heads: must divide model\.dim 32/,
    );
    expect(() => parseStudySpec(JSON.stringify({ ...base, extra: 1 }), 's.json')).toThrow(/Unrecognized key/);
  });

  it('every preset at every size parses, with at least two seeds and its control among the arms', () => {
    for (const p of STUDY_PRESETS) {
      for (const size of STUDY_SIZES) {
        const s = studyPreset(p, size);
        expect(s.seeds.length).toBeGreaterThanOrEqual(2);
        expect(s.arms.map((a) => a.name)).toContain(s.control);
        expect(s.preset).toBe(p);
      }
    }
    expect(studyPreset('seeds', 'quick', { seeds: 6 }).seeds).toEqual([1, 2, 3, 4, 5, 6]);
    expect(studyPreset('c4', 'gpu').model.dim).toBeGreaterThan(studyPreset('c4', 'laptop').model.dim);
  });
});

describe('budgets', () => {
  const model = { ...studyPreset('growth-vs-monolithic', 'laptop').model, depth: 3, stepsPerStage: 100 };
  const V = 1000;

  it('per-token FLOPs by hand: d 64, MLP 256, T 128, V 1000', () => {
    const fb = 2 * (4 * 64 * 64 + 2 * 64 * 256) + 4 * 128 * 64; // 131072 + 32768
    const fh = 2 * 64 * V;
    const f = perTokenFlops(model, V, 'frozen');
    expect(f.monolithic).toBe(3 * (3 * fb + fh));
    expect(f.stage(1)).toBe(3 * fb + 3 * fh);
    expect(f.stage(3)).toBe(3 * fb + 2 * fb + 3 * fh); // two frozen blocks, forward only
    expect(perTokenFlops(model, V, 'trainable').stage(3)).toBe(3 * fb + 4 * fb + 3 * fh); // gradient through them
  });

  it('equal tokens: the same tokens, fewer FLOPs for growth; equal FLOPs: growth gets more tokens', () => {
    const mono = armSchedule({ schedule: 'monolithic', budget: 'equal-tokens', embedding: 'frozen' }, model, V);
    const eqTok = armSchedule({ schedule: 'grown', budget: 'equal-tokens', embedding: 'frozen' }, model, V);
    const eqFlops = armSchedule({ schedule: 'grown', budget: 'equal-flops', embedding: 'frozen' }, model, V);
    expect(mono).toMatchObject({ stages: 1, blocksPerStage: 3, steps: [300] });
    expect(eqTok).toMatchObject({ stages: 3, blocksPerStage: 1, steps: [100, 100, 100], tokens: mono.tokens });
    expect(eqTok.flops).toBeLessThan(mono.flops);
    expect(eqFlops.tokens).toBeGreaterThan(mono.tokens);
    expect(Math.abs(eqFlops.flops - mono.flops) / mono.flops).toBeLessThan(0.01);
  });
});
