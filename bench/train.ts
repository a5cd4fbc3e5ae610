// Training-throughput benchmark (`npm run bench:train`): the reference config (vocab ≈ 4096, d 128, 4 heads,
// 2 blocks, MLP 512, context 64, batch 16) in Espalier and, when python3 has torch, in PyTorch (1 thread) in
// the same run; prints tokens/s of both, the ratio, and where Espalier's step time goes.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, parseBackendName } from '../src-main/engine/backend';
import { GPT } from '../src-main/engine/model/gpt';
import { randomSubstrate } from '../src-main/engine/model/test-support';
import { buildTokenizer } from '../src-main/engine/tokenizer/index';
import { holdoutWindows, Trainer } from '../src-main/engine/train/index';

const CORPUS = fileURLToPath(new URL('../../shared/corpora/debian-faq.en.txt', import.meta.url));
const TORCH_SCRIPT = fileURLToPath(new URL('./torch_reference.py', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const STEPS = Number(arg('steps', '20'));
const WARMUP = 3;
const ROUNDS = Number(arg('rounds', '2'));
const NO_TORCH = process.argv.includes('--no-torch');
const CFG = { layers: 2, dModel: 128, heads: 4, mlpRatio: 4, contextLength: 64 };
const BATCH = 16;
// 260 byte/special tokens + 99 characters of the corpus + 3737 n-grams = 4096.
const NGRAMS = 3737;

function findTorch(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

interface Side {
  tokensPerSec: number;
  cpuTokensPerSec: number;
}

function torchRound(py: string, vocab: number): Side {
  const r = spawnSync(py, [TORCH_SCRIPT, 'bench', '--vocab', String(vocab), '--steps', String(STEPS), '--warmup', String(WARMUP), '--threads', '1'], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  if (r.status !== 0) throw new Error(`PyTorch bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Side;
}

async function main(): Promise<void> {
  const report = await initBackend({ backend: parseBackendName(arg('backend', 'auto')), threads: Number(arg('threads', '0')) || undefined });
  const text = readFileSync(CORPUS, 'utf8');
  const tok = buildTokenizer([text], { ngrams: NGRAMS });
  const windows = holdoutWindows(text, (t) => tok.encode(t), CFG.contextLength, CORPUS);
  const model = GPT.create({ config: { vocabSize: tok.size, ...CFG }, substrate: randomSubstrate(tok.size, CFG.dModel, 1, tok.id), tokenizerId: tok.id, seed: 1 });
  const trainer = new Trainer(model, windows, { steps: 100_000, batchSize: BATCH, lr: 1e-3, evalEvery: 1_000_000 });
  const tokensPerStep = BATCH * CFG.contextLength;
  const threads = report.wasm ? `${report.wasm.threads} thread(s)` : '';
  console.log(`Espalier on ${report.backend} ${threads}; vocab ${tok.size}, ${model.paramCounts().total.toLocaleString('en')} parameters, ${tokensPerStep} tokens/step, ${STEPS} timed steps × ${ROUNDS} rounds`);

  const espalierRound = (): Side => {
    for (let i = 0; i < WARMUP; i++) trainer.trainStep();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < STEPS; i++) trainer.trainStep();
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    return { tokensPerSec: (STEPS * tokensPerStep) / wall, cpuTokensPerSec: (STEPS * tokensPerStep) / ((c.user + c.system) / 1e6) };
  };

  const py = NO_TORCH ? null : findTorch();
  if (!py && !NO_TORCH) console.log('PyTorch: not found (python3 -c "import torch" failed); install python3-torch + libopenblas0-pthread to compare');
  // Alternating rounds, best of each: this machine is shared, so the quietest round is the fairest.
  const es: Side[] = [];
  const pt: Side[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    es.push(espalierRound());
    if (py) pt.push(torchRound(py, tok.size));
    const last = (s: Side[]) => (s.length ? `${Math.round(s[s.length - 1]!.tokensPerSec)}` : '–');
    console.log(`  round ${r + 1}: Espalier ${last(es)} tokens/s, PyTorch ${last(pt)} tokens/s`);
  }
  const best = (s: Side[], k: keyof Side) => Math.max(...s.map((x) => x[k]));
  const e = best(es, 'tokensPerSec');
  console.log(`Espalier: ${Math.round(e)} tokens/s (best round; per CPU-second ${Math.round(best(es, 'cpuTokensPerSec'))})`);
  if (pt.length) {
    const p = best(pt, 'tokensPerSec');
    console.log(`PyTorch (1 thread): ${Math.round(p)} tokens/s (best round; per CPU-second ${Math.round(best(pt, 'cpuTokensPerSec'))})`);
    console.log(`ratio Espalier/PyTorch: ${(e / p).toFixed(2)} (wall), ${(best(es, 'cpuTokensPerSec') / best(pt, 'cpuTokensPerSec')).toFixed(2)} (per CPU-second)`);
  }

  // Where one step's time goes, by kernel (nested custom-gradient wrappers excluded).
  const prof = await tf.profile(() => {
    trainer.trainStep();
  });
  const byKernel = new Map<string, number>();
  for (const k of prof.kernels) if (k.name !== 'forward') byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  console.log(`one profiled step: ${prof.kernels.length} tfjs kernels, ${total.toFixed(0)} ms inside them:`);
  for (const [k, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${k.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms  ${((100 * ms) / total).toFixed(0).padStart(3)}%`);
  trainer.dispose();
  model.dispose();
}

await main();
