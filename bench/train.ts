// Training-throughput benchmark (`npm run bench:train`): the reference config (vocab 4096, d 128, 4 heads,
// 2 blocks, MLP 512, context 64, batch 16; `--d 512` for a wider one) in Espalier and PyTorch at the same
// thread counts (1, 2, 4, 8, 16 up to every core, or `--threads 1,2`) in alternating rounds of the same run;
// prints the native kernel in use (`--kernel avx2` forces one), tokens/s of each, the ratio per thread count and
// at each side's best, then how tokens/s scale with the width (d 128, 256, 512) and the vocabulary (4k vs 32k).
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { initBackend, parseBackendName, setComputeThreads, type BackendReport } from '../src-main/engine/backend';
import { loadGemmAddon } from '../src-main/engine/model/native/addon';
import { GPT } from '../src-main/engine/model/gpt';
import { randomSubstrate } from '../test/support/model';
import { buildTokenizer } from '../src-main/engine/tokenizer/index';
import { holdoutWindows, Trainer } from '../src-main/engine/train/index';
import { projectPython } from '../test/helpers/python';
import { corpusText } from '../test/helpers/fixtures';
import { runBench } from './main';

const TORCH_SCRIPT = fileURLToPath(new URL('./torch_reference.py', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const STEPS = Number(arg('steps', '20'));
const WARMUP = 3;
const ROUNDS = Number(arg('rounds', '3'));
const SCALE_STEPS = Number(arg('scale-steps', '4'));
const NO_TORCH = process.argv.includes('--no-torch');
const NO_SCALING = process.argv.includes('--no-scaling');
const ALL = Math.max(1, availableParallelism());
/** Thread counts both sides run: `--threads 1,2`, else 1, 2, 4, 8, 16 up to every core, and every core. */
const THREADS = arg('threads', '')
  ? arg('threads', '')
      .split(',')
      .map((x) => Number(x))
  : [1, 2, 4, 8, 16, 32, 64].filter((n) => n < ALL).concat(ALL);
if (THREADS.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error(`--threads takes thread counts such as 1,2 (got ${arg('threads', '')})`);
const D_MAIN = Number(arg('d', '128'));
const BATCH = 16;
const T = 64;
// 260 byte/special tokens + 99 characters of the corpus + 3737 n-grams = 4096.
const NGRAMS = 3737;

interface Shape {
  d: number;
  vocab: number;
}
interface Side {
  tokensPerSec: number;
  cpuTokensPerSec: number;
}

/** The project's .venv (pip torch) first, then any python3 with torch (Debian's python3-torch). */
function findTorch(): { py: string; version: string } | null {
  const candidates = [projectPython(), 'python3', '/usr/bin/python3'].filter((p): p is string => p !== null);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { py, version: r.stdout.trim() };
  }
  return null;
}

function torchRound(py: string, s: Shape, threads: number, steps: number): Side {
  const args = [
    'bench',
    '--vocab',
    String(s.vocab),
    '--d-model',
    String(s.d),
    '--mlp',
    String(4 * s.d),
    '--steps',
    String(steps),
    '--warmup',
    String(WARMUP),
    '--threads',
    String(threads),
  ];
  const n = String(threads);
  const r = spawnSync(py, [TORCH_SCRIPT, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n },
  });
  if (r.status !== 0) throw new Error(`PyTorch bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Side;
}

/** A trainer on the corpus windows; for a vocabulary above the tokenizer's, the same ids index a larger head. */
function espalierSetup(
  s: Shape,
  windows: ReturnType<typeof holdoutWindows>,
  tokenizerId: string,
): { trainer: Trainer; dispose(): void } {
  const config = { vocabSize: s.vocab, layers: 2, dModel: s.d, heads: 4, mlpRatio: 4, contextLength: T };
  const model = GPT.create({ config, substrate: randomSubstrate(s.vocab, s.d, 1, tokenizerId), tokenizerId, seed: 1 });
  const trainer = new Trainer(model, windows, { steps: 1_000_000, batchSize: BATCH, lr: 1e-3, evalEvery: 1_000_000 });
  return { trainer, dispose: () => (trainer.dispose(), model.dispose()) };
}

function espalierRound(trainer: Trainer, steps: number): Side {
  for (let i = 0; i < WARMUP; i++) trainer.trainStep();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.trainStep();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const tokens = steps * BATCH * T;
  return { tokensPerSec: tokens / wall, cpuTokensPerSec: tokens / ((c.user + c.system) / 1e6) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const fmt = (x: number) => Math.round(x).toLocaleString('en');
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function describe(report: BackendReport): string {
  // The addon's own answer: `--kernel` may have switched it after start-up.
  const isa = report.native?.ok ? (loadGemmAddon()?.isa() ?? report.native.isa) : '';
  if (report.native?.ok)
    return `native ${isa} matrix products on ${report.native.threads} thread(s) + WebAssembly SIMD`;
  const why = report.native && !report.native.ok ? ` (native addon not in use: ${report.native.reason})` : '';
  return `${report.backend}${report.wasm ? `, ${report.wasm.threads} thread(s)` : ''}${why}`;
}

async function main(): Promise<void> {
  const report = await initBackend({
    backend: parseBackendName(arg('backend', 'auto')),
    threads: Math.max(...THREADS),
  });
  const kernel = arg('kernel', '');
  if (kernel) {
    const addon = report.native?.ok ? loadGemmAddon() : null;
    if (!addon) throw new Error(`--kernel ${kernel}: the native addon is not in use`);
    addon.setKernel(kernel);
  }
  const text = corpusText('en.txt');
  const tok = buildTokenizer([text], { ngrams: NGRAMS });
  const windows = holdoutWindows(text, (t) => tok.encode(t), T, 'en.txt');
  const torch = NO_TORCH ? null : findTorch();
  console.log(`CPU: ${cpus()[0]?.model.trim() ?? 'unknown'}, ${ALL} logical core(s)`);
  console.log(`Espalier: ${describe(report)}`);
  console.log(
    torch
      ? `PyTorch ${torch.version} from ${torch.py}`
      : NO_TORCH
        ? 'PyTorch: skipped (--no-torch)'
        : "PyTorch: not found (run `bash scripts/python-env.sh`, or install Debian's python3-torch)",
  );
  console.log(
    `${D_MAIN === 128 ? 'reference ' : ''}config: vocab ${tok.size}, d ${D_MAIN}, 4 heads, 2 blocks, MLP ${4 * D_MAIN}, context ${T}, batch ${BATCH} (${BATCH * T} tokens/step); ${STEPS} timed steps × ${ROUNDS} alternating rounds; load average before: ${load()} (on a busy machine compare the per-CPU-second figures)`,
  );

  const main = { d: D_MAIN, vocab: tok.size };
  const ref = espalierSetup(main, windows, tok.id);
  const natives = report.native?.ok ? THREADS.filter((n, i, a) => a.indexOf(n) === i) : [report.wasm?.threads ?? 1];
  const torchThreads = THREADS.filter((n, i, a) => a.indexOf(n) === i);
  const es = new Map<number, Side[]>(natives.map((n) => [n, []]));
  const pt = new Map<number, Side[]>(torch ? torchThreads.map((n) => [n, []]) : []);
  for (let r = 0; r < ROUNDS; r++) {
    const line: string[] = [];
    for (const n of natives) {
      if (report.native?.ok) setComputeThreads(n);
      const s = espalierRound(ref.trainer, STEPS);
      es.get(n)!.push(s);
      line.push(`Espalier ${n}t ${fmt(s.tokensPerSec)}`);
    }
    if (torch) {
      for (const n of torchThreads) {
        const s = torchRound(torch.py, main, n, STEPS);
        pt.get(n)!.push(s);
        line.push(`PyTorch ${n}t ${fmt(s.tokensPerSec)}`);
      }
    }
    console.log(`  round ${r + 1}: ${line.join(', ')} tokens/s (load ${load()})`);
  }
  ref.dispose();
  const espalierAll = Math.max(...natives);
  if (report.native?.ok) setComputeThreads(espalierAll);

  const summary = (label: string, runs: Side[]) =>
    console.log(
      `${label.padEnd(22)} best ${fmt(Math.max(...runs.map((s) => s.tokensPerSec))).padStart(7)}  median ${fmt(median(runs.map((s) => s.tokensPerSec))).padStart(7)} tokens/s  (${fmt(median(runs.map((s) => s.cpuTokensPerSec)))} per CPU-second)`,
    );
  for (const [n, runs] of es) summary(`Espalier, ${n} thread${n > 1 ? 's' : ''}`, runs);
  for (const [n, runs] of pt) summary(`PyTorch, ${n} thread${n > 1 ? 's' : ''}`, runs);
  if (torch) {
    const best = (m: Map<number, Side[]>, pick: (xs: number[]) => number) =>
      Math.max(...[...m.values()].map((runs) => pick(runs.map((s) => s.tokensPerSec))));
    const max = (xs: number[]) => Math.max(...xs);
    console.log(
      `ratio Espalier/PyTorch at each side's best thread count: ${(best(es, max) / best(pt, max)).toFixed(2)} (best rounds), ${(best(es, median) / best(pt, median)).toFixed(2)} (medians)`,
    );
    // The scaling rows: each thread count both sides ran, best rounds, and the ratio in CPU time too.
    console.log('threads  Espalier tokens/s  PyTorch tokens/s  ratio (best rounds)  ratio per CPU-second (medians)');
    for (const n of natives) {
      const e = es.get(n);
      const p = pt.get(n);
      if (!e || !p) continue;
      const ratio = max(e.map((s) => s.tokensPerSec)) / max(p.map((s) => s.tokensPerSec));
      const cpu = median(e.map((s) => s.cpuTokensPerSec)) / median(p.map((s) => s.cpuTokensPerSec));
      console.log(
        `${String(n).padStart(7)}  ${fmt(max(e.map((s) => s.tokensPerSec))).padStart(17)}  ${fmt(max(p.map((s) => s.tokensPerSec))).padStart(16)}  ${ratio.toFixed(2).padStart(19)}  ${cpu.toFixed(2).padStart(30)}`,
      );
    }
  }

  if (NO_SCALING) return;
  // PyTorch runs the scaling at the thread count that was its best above (one run per shape, not two).
  const torchBest = torch
    ? [...pt].sort(
        (a, b) => Math.max(...b[1].map((s) => s.tokensPerSec)) - Math.max(...a[1].map((s) => s.tokensPerSec)),
      )[0]![0]
    : 1;
  console.log(
    `scaling (${SCALE_STEPS} steps each; Espalier on ${espalierAll} thread(s), PyTorch on ${torchBest}, its best above; the 32k vocabulary reuses the same text, ids < ${tok.size}):`,
  );
  const shapes: Shape[] = [
    { d: 128, vocab: tok.size },
    { d: 256, vocab: tok.size },
    { d: 512, vocab: tok.size },
    { d: 128, vocab: 32768 },
  ];
  for (const s of shapes) {
    const setup = espalierSetup(s, windows, tok.id);
    const e = espalierRound(setup.trainer, SCALE_STEPS).tokensPerSec;
    setup.dispose();
    const p = torch ? torchRound(torch.py, s, torchBest, SCALE_STEPS).tokensPerSec : null;
    const params = `d ${String(s.d).padStart(3)}, vocab ${String(s.vocab).padStart(5)}`;
    console.log(
      `  ${params}: Espalier ${fmt(e).padStart(7)} tokens/s${p ? `, PyTorch ${fmt(p).padStart(7)}, ratio ${(e / p).toFixed(2)}` : ''}`,
    );
  }
}

await runBench('bench:train', main);
