// The optimizer step alone (`npx tsx bench/optim.ts [d] [layers] [vocab] [reps]`): Σ‖g‖² and AdamW over every
// parameter of a model of that shape (default: the reference config, 2 × d 128, vocabulary 4,096), on the
// WebAssembly kernel (moments on the heap) and on the native addon (moments outside it) at 1 and 2 threads, in
// alternating rounds; median wall milliseconds per step. Indicative only on a shared machine.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, setComputeThreads } from '../src-main/engine/backend';
import { GPT } from '../src-main/engine/model/gpt';
import { setNativeOptimEnabled } from '../src-main/engine/model/native/optim';
import { AdamW, sumOfSquares } from '../src-main/engine/train/adamw';
import { randomSubstrate } from '../test/support/model';

const [d, layers, vocab, reps] = [128, 2, 4096, 20].map((x, i) => Number(process.argv[2 + i] ?? x));
const report = await initBackend({ backend: 'wasm' });
if (!report.native?.ok) throw new Error('the native addon is not in use: run `npm run build:native`');
const model = GPT.create({
  config: { vocabSize: vocab, layers, dModel: d, heads: Math.max(1, d / 64), contextLength: 64, mlpRatio: 4 },
  substrate: randomSubstrate(vocab, d),
  tokenizerId: 'bench',
  seed: 1,
});
const entries = model.params.list().filter((e) => !e.frozen);
const grads = new Map(entries.map((e) => [e.name, tf.randomNormal(e.variable.shape, 0, 1e-3, 'float32', 3)]));
const n = entries.reduce((a, e) => a + e.variable.size, 0);
console.log(
  `optimizer step over ${(n / 1e6).toFixed(2)} M parameters (${entries.length} tensors), ${reps} steps per round`,
);

const paths = [
  { name: 'wasm kernel, moments on the heap', native: false, threads: 1 },
  { name: 'native, 1 thread, moments outside', native: true, threads: 1 },
  { name: 'native, 2 threads, moments outside', native: true, threads: 2 },
];
const times = new Map<string, number[]>(paths.map((p) => [p.name, []]));
const opts = paths.map(() => new AdamW({ beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 }));
for (let round = 0; round < 3; round++) {
  paths.forEach((p, i) => {
    setNativeOptimEnabled(p.native);
    setComputeThreads(p.threads);
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      const sq = sumOfSquares([...grads.values()]);
      opts[i]!.apply(entries, grads, 1e-4, sq > 1 ? 1 / Math.sqrt(sq) : 1);
      if (round > 0 || r >= 2) times.get(p.name)!.push(performance.now() - t0);
    }
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times.get(paths[0]!.name)!);
for (const p of paths) {
  const m = median(times.get(p.name)!);
  console.log(`${p.name.padEnd(36)} ${m.toFixed(2).padStart(8)} ms  (${(base / m).toFixed(2)}× the wasm kernel)`);
}
