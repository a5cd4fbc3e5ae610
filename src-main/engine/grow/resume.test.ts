// Resume: a growth run stopped mid-stage (in a prefix-cached stage, then in a LoRA stage) and resumed twice ends
// exactly where the uninterrupted run ends; a changed plan is refused with the field that differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../io/checkpoint';
import { readSafetensors } from '../util/safetensors';
import type { HostTensor } from '../model/init';
import { testBackend } from '../../../test/support/model';
import type { GrowthProgress, StageStart } from './hooks';
import { runGrowth, type GrowthResult } from './runner';
import type { GrowthData } from './stage';
import { maxAbsDiff, realTextData, tempDir, tinyPlan } from '../../../test/support/grow';

let data: GrowthData;
const dirs: ReturnType<typeof tempDir>[] = [];
const plan = tinyPlan({ steps: 12, evalEvery: 4, checkpointEvery: 5, lora: { rank: 2, fromStage: 3 } });

beforeAll(async () => {
  await testBackend();
  data = realTextData();
});

afterAll(() => dirs.forEach((d) => d.remove()));

function folder(name: string): string {
  const d = tempDir(name);
  dirs.push(d);
  return d.dir;
}

/** Runs until the progress event of (unit, step) has been reported, then asks to stop. */
async function runUntil(
  out: string,
  unit: string | null,
  step: number,
  starts: StageStart[] = [],
): Promise<GrowthResult> {
  let last: GrowthProgress | null = null;
  return runGrowth(plan, data, {
    out,
    onProgress: (e) => (last = e),
    onStageStart: (e) => starts.push(e),
    shouldStop: () => unit !== null && last !== null && last.unit === unit && last.step === step,
  });
}

describe('resuming a growth run', () => {
  it('stopped at stage 2 and at stage 3 (LoRA) mid-way, resumed, matches the uninterrupted run', async () => {
    const whole = await runUntil(folder('whole'), null, 0);
    const out = folder('parts');
    const first = await runUntil(out, 'stage-2', 7);
    expect(first.status).toBe('stopped');
    expect(first.resumeFrom).toBe(join(out, 'stage-2', 'checkpoint.safetensors'));
    expect(first.stages).toHaveLength(1);
    const starts: StageStart[] = [];
    const second = await runUntil(out, 'stage-3', 5, starts);
    expect(second.status).toBe('stopped');
    expect(starts.map((s) => [s.unit, s.resumedAtStep])).toEqual([
      ['stage-2', 7],
      ['stage-3', 0],
    ]);
    const third = await runUntil(out, null, 0, starts);
    expect(third.status).toBe('done');
    expect(starts[2]).toMatchObject({ unit: 'stage-3', resumedAtStep: 5 });

    for (let s = 0; s < 3; s++) {
      const a = whole.stages[s]!;
      const b = third.stages[s]!;
      expect(b.curve).toHaveLength(12);
      for (let i = 0; i < 12; i++) expect(Math.abs(a.curve[i]! - b.curve[i]!)).toBeLessThan(1e-5);
      expect(Math.abs(a.valLoss! - b.valLoss!)).toBeLessThan(1e-5);
      expect(Math.abs(a.lossAfterInsert - b.lossAfterInsert)).toBeLessThan(1e-5);
    }
    const wa = readCheckpoint(join(whole.out, 'stage-3', 'checkpoint.safetensors')).weights;
    const wb = readCheckpoint(join(out, 'stage-3', 'checkpoint.safetensors')).weights;
    for (const [name, t] of wa) expect(maxAbsDiff(t, wb.get(name)!), name).toBeLessThan(1e-5);
    // The exported (LoRA-merged) stage-3 models agree too.
    const ea = readSafetensors(join(whole.out, 'stage-3', 'model.safetensors')).tensors;
    const eb = readSafetensors(join(out, 'stage-3', 'model.safetensors')).tensors;
    for (const [name, t] of ea)
      expect(maxAbsDiff(t as HostTensor, eb.get(name) as HostTensor), name).toBeLessThan(1e-5);
  });

  it('refuses to resume with a different plan, naming the field', async () => {
    const out = folder('changed');
    await runGrowth(tinyPlan({ stages: 1, steps: 2 }), data, { out });
    await expect(runGrowth(tinyPlan({ stages: 1, steps: 2, lr: 5e-3 }), data, { out })).rejects.toThrow(
      /another plan \(stages/,
    );
    await expect(runGrowth(tinyPlan({ stages: 1, steps: 2, accumulation: 2 }), data, { out })).rejects.toThrow(
      /another plan \(accumulation/,
    );
    // A run folder from before gradient accumulation (no such field) resumes as one micro-batch per step.
    const state = JSON.parse(readFileSync(join(out, 'growth.json'), 'utf8')) as { plan: Record<string, unknown> };
    delete state.plan['accumulation'];
    writeFileSync(join(out, 'growth.json'), JSON.stringify(state));
    await expect(runGrowth(tinyPlan({ stages: 1, steps: 2 }), data, { out })).resolves.toMatchObject({
      stages: [{ steps: 2 }],
    });
  });
});
