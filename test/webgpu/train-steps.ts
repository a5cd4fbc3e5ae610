// Child process for the WebGPU tests: on the backend named in argv[2], the loss and gradients of one fixed
// batch, then a few AdamW steps (read asynchronously: WebGPU in Node cannot read synchronously) with the live tensor count after each, printed as one JSON line.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, parseBackendName } from '../../src-main/engine/backend';
import { GPT } from '../../src-main/engine/model/gpt';
import { randomSubstrate, TEST_TOKENIZER_ID } from '../support/model';
import { batchOf, makeWindows } from '../../src-main/engine/train/data';
import { Trainer } from '../../src-main/engine/train/trainer';
import { Rng } from '../../src-main/engine/util/rng';

/** Small, but with a head size the wasm attention kernels accept (a multiple of 8), so wasm runs its kernels. */
const V = 48;
const T = 16;
const B = 2;

export interface StepsResult {
  backend: string;
  adapter: string | null;
  loss: number;
  grads: Record<string, number[]>;
  losses: number[];
  tensors: number[];
}

async function main(): Promise<void> {
  const report = await initBackend({ backend: parseBackendName(process.argv[2]), threads: 1 });
  const model = GPT.create({
    config: { vocabSize: V, layers: 2, dModel: 32, heads: 2, contextLength: T, mlpRatio: 2 },
    substrate: randomSubstrate(V, 32, 2),
    tokenizerId: TEST_TOKENIZER_ID,
    seed: 4,
  });
  const rng = new Rng(9);
  const ids = Int32Array.from({ length: 8 * T + 1 }, () => rng.int(V));
  const data = { train: makeWindows(ids, T), val: null };
  const trainer = new Trainer(model, data, { steps: 4, batchSize: B, lr: 1e-2, seed: 3 });
  const { loss, grads } = trainer.gradients(batchOf(data.train, [0, 1]));
  const out: StepsResult = {
    backend: report.backend,
    adapter: report.adapter ? `${report.adapter.vendor} ${report.adapter.architecture}` : null,
    loss: (await loss.data())[0]!,
    grads: Object.fromEntries(await Promise.all([...grads].map(async ([n, g]) => [n, Array.from(await g.data())] as const))),
    losses: [],
    tensors: [],
  };
  tf.dispose([loss, ...grads.values()]);
  for (let s = 0; s < 4; s++) {
    out.losses.push((await trainer.trainStepAsync()).loss);
    out.tensors.push(tf.memory().numTensors);
  }
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
