// Where a training step's wall time goes, op by op (`npx tsx bench/train-profile.ts [d] [steps] [threads]`):
// the reference config's shape (vocab 4096, 4 heads, 2 blocks, MLP 4d, context 64, batch 16) at width d, each
// op's forward and backward (".bwd") in ms per step, and what is left (tfjs's tape, gradient sums, glue).
// ESPALIER_NATIVE_OPS=0 keeps attention, RMSNorm and GELU on the WebAssembly kernels, for a before/after.
import { initBackend } from '../src-main/engine/backend';
import { GPT } from '../src-main/engine/model/gpt';
import { nativeOps } from '../src-main/engine/model/native/ops';
import { opProfile, setOpProfiling } from '../src-main/engine/model/profile';
import { buildTokenizer } from '../src-main/engine/tokenizer/index';
import { holdoutWindows, Trainer } from '../src-main/engine/train/index';
import { corpusText } from '../test/helpers/fixtures';
import { randomSubstrate } from '../test/support/model';

const d = Number(process.argv[2] ?? 128);
const steps = Number(process.argv[3] ?? 10);
const threads = Number(process.argv[4] ?? 0) || undefined;
const report = await initBackend({ backend: 'wasm', threads });
const text = corpusText('en.txt');
const tok = buildTokenizer([text], { ngrams: 3737 });
const windows = holdoutWindows(text, (t) => tok.encode(t), 64, 'en.txt');
const config = { vocabSize: tok.size, layers: 2, dModel: d, heads: 4, mlpRatio: 4, contextLength: 64 };
const model = GPT.create({ config, substrate: randomSubstrate(tok.size, d, 1, tok.id), tokenizerId: tok.id, seed: 1 });
const trainer = new Trainer(model, windows, { steps: 1e6, batchSize: 16, lr: 1e-3, evalEvery: 1e6 });
for (let i = 0; i < 3; i++) trainer.trainStep();
setOpProfiling(true);
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const t0 = performance.now();
const c0 = cpuMs();
for (let i = 0; i < steps; i++) trainer.trainStep();
const total = (performance.now() - t0) / steps;
const totalCpu = (cpuMs() - c0) / steps;
const rows = opProfile();
setOpProfiling(false);
const natOps = nativeOps() ? 'native attention/RMSNorm/GELU' : 'WebAssembly attention/RMSNorm/GELU';
const threadsNote = report.native?.ok
  ? `native ${report.native.isa}, ${report.native.threads} thread(s)`
  : 'no native addon';
console.log(
  `d ${d}, vocab ${tok.size}, ${threadsNote}, ${natOps}; per step: wall ms (${((1000 * 16 * 64) / total).toFixed(0)} tokens/s), process CPU ms (every thread):`,
);
const row = (name: string, ms: number, cpu: number, note = '') =>
  console.log(
    `  ${name.padEnd(18)} ${ms.toFixed(2).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${cpu.toFixed(2).padStart(8)} CPU-ms ${((100 * cpu) / totalCpu).toFixed(1).padStart(5)}%${note}`,
  );
let sum = 0;
let sumCpu = 0;
for (const r of rows) {
  sum += r.ms / steps;
  sumCpu += r.cpuMs / steps;
  row(r.name, r.ms / steps, r.cpuMs / steps, `  (${r.calls / steps}×)`);
}
row('rest', total - sum, totalCpu - sumCpu);
row('step', total, totalCpu);
trainer.dispose();
model.dispose();
