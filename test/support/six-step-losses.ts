// A short training run the native-kernel tests repeat under different switches (native or WebAssembly ops,
// 1 or 2 threads): a 2-block d 64 model on seeded random ids, 6 steps of batch 16 — products of 512 rows and
// more, big enough for the native code to split them across threads.
import { makeWindows } from '../../src-main/engine/train/data';
import { Trainer } from '../../src-main/engine/train/trainer';
import { Rng } from '../../src-main/engine/util/rng';
import { tinyModel } from './model';

/** The six training losses, each run from the same seeds (so two calls under the same switches agree bitwise). */
export async function sixStepLosses(): Promise<number[]> {
  const rng = new Rng(12);
  const ids = Int32Array.from({ length: 4000 }, () => rng.int(60));
  const data = { train: makeWindows(ids.subarray(0, 3600), 32), val: makeWindows(ids.subarray(3600), 32) };
  const m = tinyModel({ vocabSize: 60, dModel: 64, heads: 4, layers: 2, contextLength: 32 }, 5);
  const t = new Trainer(m, data, { steps: 6, batchSize: 16, lr: 3e-3, evalEvery: 100, seed: 2 });
  const out: number[] = [];
  await t.run({ onProgress: (e) => out.push(e.loss) });
  t.dispose();
  m.dispose();
  return out;
}
