// Child process for the WebGPU growth test: on the backend named in argv[2], two tiny 2-stage growth runs in
// argv[3] — one with the frozen-prefix cache and copied block init, one with LoRA on the frozen tier (merged at
// export) — printing each stage's losses and the live tensor count after every step, as one JSON line.
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { initBackend, parseBackendName } from '../../src-main/engine/backend';
import { runGrowth } from '../../src-main/engine/grow/runner';
import type { GrowthPlanInput } from '../../src-main/engine/grow/plan';
import { realTextData } from '../support/grow';

export interface GrowStage {
  stage: number;
  curve: number[];
  valLoss: number | null;
  lossBeforeInsert: number | null;
  lossAfterInsert: number;
  prefixCache: boolean;
  /** Live tensors after each step of the stage. */
  tensors: number[];
}

export interface GrowRunResult {
  backend: string;
  runs: Record<'cache' | 'lora', { stages: GrowStage[]; tensorsBefore: number; tensorsAfter: number; model: string }>;
}

const BASE: GrowthPlanInput = {
  stages: 2,
  steps: 4,
  lr: 1e-2,
  batchSize: 2,
  evalEvery: 2,
  evalWindows: 4,
  checkpointEvery: 2,
  seed: 5,
  // Head size 16 (a multiple of 8), so wasm runs its own attention kernels: the comparison crosses kernels too.
  model: { dModel: 32, heads: 2, contextLength: 16, mlpRatio: 2 },
};

async function main(): Promise<void> {
  const [name, out] = [process.argv[2], process.argv[3]];
  if (!out) throw new Error('usage: grow-run.ts BACKEND OUT_DIR');
  const report = await initBackend({ backend: parseBackendName(name), threads: 1 });
  const data = realTextData(6000, 16, 32);
  const plans: Record<'cache' | 'lora', GrowthPlanInput> = {
    cache: { ...BASE, init: 'copy', cachePrefix: true },
    lora: { ...BASE, lora: { rank: 2, fromStage: 2 } },
  };
  const result: GrowRunResult = { backend: report.backend, runs: {} as GrowRunResult['runs'] };
  for (const [key, plan] of Object.entries(plans) as ['cache' | 'lora', GrowthPlanInput][]) {
    const tensors = new Map<number, number[]>();
    const tensorsBefore = tf.memory().numTensors;
    const dir = join(out, key);
    const r = await runGrowth(plan, data, {
      out: dir,
      onProgress: (e) => tensors.set(e.stage, [...(tensors.get(e.stage) ?? []), tf.memory().numTensors]),
    });
    if (r.status !== 'done') throw new Error(`growth run ${key} ended ${r.status}`);
    result.runs[key] = {
      stages: r.stages.map((s) => ({
        stage: s.stage,
        curve: s.curve,
        valLoss: s.valLoss,
        lossBeforeInsert: s.lossBeforeInsert,
        lossAfterInsert: s.lossAfterInsert,
        prefixCache: s.prefixCache,
        tensors: tensors.get(s.stage) ?? [],
      })),
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
      model: r.stages.at(-1)!.model,
    };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// A natural exit, as the CLI's: process.exit() while Dawn's threads still run crashed SwiftShader now and then.
main().then(
  () => undefined,
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
