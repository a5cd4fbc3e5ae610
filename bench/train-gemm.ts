// Where a training step's CPU time goes (`npx tsx bench/train-gemm.ts [d] [steps]`): every native matrix
// product of the step by shape and layout, with its share and GFLOP/s in process CPU time (steadier than wall
// time on a busy machine), against the whole step; run with ESPALIER_THREADS=1 for a single core's view.
import { initBackend } from '../src-main/engine/backend';
import { GPT } from '../src-main/engine/model/gpt';
import { loadGemmAddon, type GemmAddon } from '../src-main/engine/model/native/addon';
import { buildTokenizer } from '../src-main/engine/tokenizer/index';
import { holdoutWindows, Trainer } from '../src-main/engine/train/index';
import { corpusText } from '../test/helpers/fixtures';
import { randomSubstrate } from '../test/support/model';

const d = Number(process.argv[2] ?? 128);
const steps = Number(process.argv[3] ?? 10);
const report = await initBackend({ backend: 'wasm' });
const addon = loadGemmAddon();
if (!report.native?.ok || !addon) throw new Error('the native addon is not in use: run `npm run build:native`');
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const stats = new Map<string, { calls: number; ms: number; flops: number }>();
let recording = false;
const gemm = addon.gemm.bind(addon);
// The wrapper times each product in CPU time and files it under "m×n·k" and the transposes.
(addon as { gemm: GemmAddon['gemm'] }).gemm = (memory, a, b, c, m, n, k, lda, ldb, ldc, ta, tb, acc) => {
  const t0 = recording ? cpuMs() : 0;
  gemm(memory, a, b, c, m, n, k, lda, ldb, ldc, ta, tb, acc);
  if (!recording) return;
  const key = `${m}×${n}·${k} ${ta ? 'Aᵀ' : 'A'}${tb ? 'Bᵀ' : 'B'}${acc ? ' +=' : ''}`;
  const s = stats.get(key) ?? { calls: 0, ms: 0, flops: 0 };
  s.calls++;
  s.ms += cpuMs() - t0;
  s.flops += 2 * m * n * k;
  stats.set(key, s);
};

const text = corpusText('debian-faq.en.txt');
const tok = buildTokenizer([text], { ngrams: 3737 });
const windows = holdoutWindows(text, (t) => tok.encode(t), 64, 'debian-faq.en.txt');
const config = { vocabSize: tok.size, layers: 2, dModel: d, heads: 4, mlpRatio: 4, contextLength: 64 };
const model = GPT.create({ config, substrate: randomSubstrate(tok.size, d, 1, tok.id), tokenizerId: tok.id, seed: 1 });
const trainer = new Trainer(model, windows, { steps: 1e6, batchSize: 16, lr: 1e-3, evalEvery: 1e6 });
for (let i = 0; i < 3; i++) trainer.trainStep();
recording = true;
const t0 = cpuMs();
for (let i = 0; i < steps; i++) trainer.trainStep();
const total = (cpuMs() - t0) / steps;
recording = false;
console.log(`d ${d}, vocab ${tok.size}, ${report.native.threads} thread(s), kernel ${addon.isa()}; CPU time per step:`);
let inGemm = 0;
for (const [key, s] of [...stats].sort((x, y) => y[1].ms - x[1].ms)) {
  inGemm += s.ms / steps;
  console.log(
    `  ${key.padEnd(24)} ${String(s.calls / steps).padStart(3)}× ${(s.ms / steps).toFixed(2).padStart(7)} ms  ${(s.flops / s.ms / 1e6).toFixed(1).padStart(6)} GFLOP/s`,
  );
}
console.log(
  `matrix products ${inGemm.toFixed(1)} ms of ${total.toFixed(1)} ms per step (${((100 * inGemm) / total).toFixed(0)}%)`,
);
trainer.dispose();
model.dispose();
