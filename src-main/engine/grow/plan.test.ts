// The growth plan: per-stage values, depths, LoRA stages, and errors that name the field.
import { describe, expect, it } from 'vitest';
import { finalDepth, resolvePlan, totalSteps } from './plan';

describe('resolvePlan', () => {
  it('spreads scalars over the stages and takes per-stage lists', () => {
    const p = resolvePlan({
      stages: 3,
      steps: [100, 200, 300],
      lr: 1e-3,
      blocksPerStage: 2,
      lora: { rank: 4, fromStage: 3 },
    });
    expect(p.stages.map((s) => [s.depth, s.steps, s.lr, s.warmup, s.lora])).toEqual([
      [2, 100, 1e-3, 10, false],
      [4, 200, 1e-3, 20, false],
      [6, 300, 1e-3, 30, true],
    ]);
    expect(totalSteps(p)).toBe(600);
    expect(finalDepth(p)).toBe(6);
    expect(p.lora).toEqual({ rank: 4, fromStage: 3, alpha: 4 });
    expect(Object.isFrozen(p.stages[0])).toBe(true);
  });

  it('names the field of a bad value', () => {
    expect(() => resolvePlan({ stages: 0, steps: 10 })).toThrow(/stages must be a positive integer/);
    expect(() => resolvePlan({ stages: 2, steps: [10, 20, 30] })).toThrow(/steps lists 3 values for 2 stages/);
    expect(() => resolvePlan({ stages: 2, steps: 10, lora: { rank: 2, fromStage: 1 } })).toThrow(
      /lora.fromStage must be a stage from 2 to 2/,
    );
    expect(() => resolvePlan({ stages: 2, steps: 10, init: 'ones' as never })).toThrow(
      /init must be one of scaled, unscaled, zero-output, copy/,
    );
    expect(() => resolvePlan({ stages: 2, steps: 10, warmup: 11 })).toThrow(/warmup \(stage 1\)/);
    expect(() => resolvePlan({ stages: 2, steps: 10, baselines: ['bigger' as never] })).toThrow(/baselines/);
    expect(() => resolvePlan({ stages: 2, steps: 10, model: { embedding: 'trainable' } })).toThrow(
      /trainable-embedding/,
    );
    expect(() => resolvePlan({ stages: 2, steps: 10, accumulation: 1.5 })).toThrow(
      /accumulation must be a positive integer, got 1.5/,
    );
  });

  it('carries gradient accumulation (default one micro-batch per step)', () => {
    expect(resolvePlan({ stages: 1, steps: 5 }).accumulation).toBe(1);
    expect(resolvePlan({ stages: 1, steps: 5, batchSize: 2, accumulation: 8 })).toMatchObject({
      batchSize: 2,
      accumulation: 8,
    });
  });

  it('grown from a folder: depths continue above its blocks, LoRA may start at stage 1, no baselines, no "from" otherwise', () => {
    const from = { dir: '/m/base', layers: 16, createdAt: '2026-01-01T00:00:00.000Z' };
    const p = resolvePlan({ from, stages: 2, steps: 3, lora: { rank: 2, fromStage: 1 } });
    expect(p.stages.map((s) => [s.depth, s.lora])).toEqual([
      [17, true],
      [18, true],
    ]);
    expect(p.from).toEqual(from);
    expect(() => resolvePlan({ from, stages: 1, steps: 3, baselines: ['monolithic'] })).toThrow(
      /baselines cannot be trained when growing from \/m\/base/,
    );
    expect(() => resolvePlan({ from: { ...from, layers: 0 }, stages: 1, steps: 3 })).toThrow(
      /from.layers must be a positive integer/,
    );
    // Plans from before --from have no "from" key, so their saved growth.json still compares equal.
    expect('from' in resolvePlan({ stages: 1, steps: 3 })).toBe(false);
  });
});
