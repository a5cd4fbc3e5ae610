// Child process for the WebGPU tests: on the backend named in argv[2] and the configuration in argv[3] (tiny, ref,
// d256), the loss and gradients of one fixed batch, then a few AdamW steps (read asynchronously: WebGPU in Node
// cannot read synchronously) with the live tensor count after each, printed as one JSON line.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, parseBackendName } from '../../src-main/engine/backend';
import { GPT } from '../../src-main/engine/model/gpt';
import { randomSubstrate, TEST_TOKENIZER_ID } from '../support/model';
import { batchOf, makeWindows } from '../../src-main/engine/train/data';
import { Trainer } from '../../src-main/engine/train/trainer';
import { Rng } from '../../src-main/engine/util/rng';
import { kernelDispatches } from '../../src-main/engine/model/webgpu/runtime';

/**
 * tiny: small, with a head size the wasm attention kernels accept (a multiple of 8), so wasm runs its kernels.
 * ref: bench:gpu's reference configuration. d256: 4 blocks of d 256 at context 128 (vocabulary 1024 and batch 2, to fit SwiftShader's pace).
 */
const CONFIGS = {
  tiny: { V: 48, layers: 2, d: 32, heads: 2, T: 16, mlp: 2, B: 2, steps: 4, lr: 1e-2 },
  ref: { V: 4096, layers: 2, d: 128, heads: 4, T: 64, mlp: 4, B: 16, steps: 2, lr: 1e-3 },
  d256: { V: 1024, layers: 4, d: 256, heads: 4, T: 128, mlp: 4, B: 2, steps: 2, lr: 1e-3 },
} as const;
/** Gradient values reported per tensor (evenly spaced): the large configurations' full gradients are megabytes. */
const SAMPLE = 4096;

function sample(values: Float32Array): number[] {
  if (values.length <= SAMPLE) return Array.from(values);
  const stride = values.length / SAMPLE;
  return Array.from({ length: SAMPLE }, (_, i) => values[Math.floor(i * stride)]!);
}

export interface StepsResult {
  backend: string;
  adapter: string | null;
  loss: number;
  grads: Record<string, number[]>;
  losses: number[];
  tensors: number[];
  /** Espalier WebGPU kernel dispatches during the run (0 off webgpu). */
  kernelDispatches: number;
}

async function main(): Promise<void> {
  const report = await initBackend({ backend: parseBackendName(process.argv[2]), threads: 1 });
  const name = (process.argv[3] ?? 'tiny') as keyof typeof CONFIGS;
  const c = CONFIGS[name];
  if (!c) throw new Error(`unknown configuration "${process.argv[3]}" (${Object.keys(CONFIGS).join(', ')})`);
  const { V, T, B } = c;
  const model = GPT.create({
    config: { vocabSize: V, layers: c.layers, dModel: c.d, heads: c.heads, contextLength: T, mlpRatio: c.mlp },
    substrate: randomSubstrate(V, c.d, 2),
    tokenizerId: TEST_TOKENIZER_ID,
    seed: 4,
  });
  const rng = new Rng(9);
  const ids = Int32Array.from({ length: Math.max(8, 2 * B) * T + 1 }, () => rng.int(V));
  const data = { train: makeWindows(ids, T), val: null };
  const trainer = new Trainer(model, data, { steps: c.steps, batchSize: B, lr: c.lr, seed: 3 });
  const { loss, grads } = trainer.gradients(
    batchOf(
      data.train,
      Array.from({ length: B }, (_, i) => i),
    ),
  );
  const out: StepsResult = {
    backend: report.backend,
    adapter: report.adapter ? `${report.adapter.vendor} ${report.adapter.architecture}` : null,
    loss: (await loss.data())[0]!,
    grads: Object.fromEntries(
      await Promise.all([...grads].map(async ([n, g]) => [n, sample((await g.data()) as Float32Array)] as const)),
    ),
    losses: [],
    tensors: [],
    kernelDispatches: 0,
  };
  tf.dispose([loss, ...grads.values()]);
  for (let s = 0; s < c.steps; s++) {
    out.losses.push((await trainer.trainStepAsync()).loss);
    out.tensors.push(tf.memory().numTensors);
  }
  out.kernelDispatches = kernelDispatches();
  trainer.dispose();
  model.dispose();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// A natural exit, as the CLI's: process.exit() while Dawn's threads still run crashed SwiftShader now and then.
main().then(
  () => undefined,
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
