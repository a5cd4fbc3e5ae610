// GPU benchmark (`npm run bench:gpu`): training tokens/s on every backend that starts here, on the reference
// config (vocab 4096, d 128, 4 heads, 2 blocks, MLP 512, context 64, batch 16) and a larger one (d 512,
// 8 blocks, context 256), naming the WebGPU adapter; ratios against wasm from the same run, and against PyTorch
// (bench/torch_reference.py, same architecture in float32) on the CPU and, where PyTorch sees one, on CUDA in float32
// (TF32 off) and bf16 autocast. WebGPU runs Espalier's own WGSL kernels (src-main/engine/model/webgpu/). Each
// backend runs in its own child process (a tfjs backend is process-global).
// webgpu-f16 is the same with --precision f16 (float16 matmul operands, float32 accumulation, loss scaling).
// Options: --steps N, --configs ref,large, --backends node-gpu,webgpu,webgpu-f16,webgpu-stock,node,wasm, --torch auto|off (auto: .venv/bin/python, else ESPALIER_PYTHON or python3).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { initBackend, parseBackendName, type BackendName } from '../src-main/engine/backend';
import { adapterName } from '../src-main/engine/backend-webgpu';
import { setWebGPUKernelsEnabled } from '../src-main/engine/model/webgpu/runtime';
import { GPT } from '../src-main/engine/model/gpt';
import { randomSubstrate, TEST_TOKENIZER_ID } from '../test/support/model';
import { makeWindows, Trainer } from '../src-main/engine/train/index';
import { Rng } from '../src-main/engine/util/rng';

const CONFIGS = {
  ref: { vocabSize: 4096, layers: 2, dModel: 128, heads: 4, mlpRatio: 4, contextLength: 64, batch: 16 },
  large: { vocabSize: 4096, layers: 8, dModel: 512, heads: 8, mlpRatio: 4, contextLength: 256, batch: 16 },
} as const;
type ConfigName = keyof typeof CONFIGS;
/**
 * webgpu-stock: the webgpu backend with Espalier's kernels switched off (tfjs's own), the reference for them;
 * webgpu-f16: Espalier's kernels with `--precision f16`.
 */
type BenchBackend = BackendName | 'webgpu-stock' | 'webgpu-f16';
const BACKENDS: BenchBackend[] = ['node-gpu', 'webgpu', 'webgpu-f16', 'webgpu-stock', 'node', 'wasm'];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

interface ChildResult {
  ok: boolean;
  backend: string;
  reason: string;
  adapter?: string;
  software?: boolean;
  tokensPerSec?: Record<string, number>;
  /** The loss of the last timed step: the same seed and batches on every backend, so a wrong kernel shows here. */
  lastLoss?: Record<string, number>;
  skipped?: Record<string, string>;
}

/** In the child: start one backend, time `steps` training steps per config (after one warm-up step). */
async function child(backend: BenchBackend, configs: ConfigName[], steps: number): Promise<ChildResult> {
  let report;
  const real = backend === 'webgpu-stock' || backend === 'webgpu-f16' ? 'webgpu' : backend;
  setWebGPUKernelsEnabled(backend !== 'webgpu-stock');
  try {
    report = await initBackend({ backend: parseBackendName(real) });
  } catch (err) {
    const reason = (err as Error).message
      .replace(/^no TensorFlow\.js backend could start \(\w[\w-]*: /, '')
      .replace(/\)$/, '');
    return { ok: false, backend, reason };
  }
  const adapter = report.adapter && real === 'webgpu' ? report.adapter : null;
  const out: ChildResult = {
    ok: true,
    backend,
    reason: report.tried.at(-1)!.reason,
    tokensPerSec: {},
    lastLoss: {},
    skipped: {},
  };
  if (adapter) Object.assign(out, { adapter: adapterName(adapter), software: adapter.software });
  for (const name of configs) {
    const c = CONFIGS[name];
    if (name === 'large' && adapter?.software) {
      out.skipped![name] = 'skipped on a software adapter (SwiftShader runs this config at a few tokens per second)';
      continue;
    }
    const rng = new Rng(1);
    const ids = Int32Array.from({ length: 64 * c.contextLength + 1 }, () => rng.int(c.vocabSize));
    const { batch, ...config } = c;
    const model = GPT.create({
      config,
      substrate: randomSubstrate(c.vocabSize, c.dModel, 1),
      tokenizerId: TEST_TOKENIZER_ID,
      seed: 1,
    });
    // Random tokens and no validation (evalEvery beyond the run): the windows serve only as training batches.
    const windows = makeWindows(ids, c.contextLength);
    const trainer = new Trainer(
      model,
      { train: windows, val: windows },
      {
        steps: 100_000,
        batchSize: batch,
        lr: 1e-3,
        evalEvery: 1_000_000,
        precision: backend === 'webgpu-f16' ? 'f16' : 'f32',
      },
    );
    // Asynchronous steps: each one reads its loss, so GPU work is finished when the clock stops.
    await trainer.trainStepAsync();
    // One timed step on a software adapter: enough to name its order of magnitude, minutes already.
    const n = adapter?.software ? 1 : steps;
    const t0 = performance.now();
    let loss = NaN;
    for (let i = 0; i < n; i++) loss = (await trainer.trainStepAsync()).loss;
    out.tokensPerSec![name] = (n * batch * c.contextLength * 1000) / (performance.now() - t0);
    out.lastLoss![name] = loss;
    trainer.dispose();
    model.dispose();
  }
  return out;
}

function parent(configs: ConfigName[], steps: number): void {
  console.log(
    `bench:gpu — training tokens/s, ${steps} timed steps after 1 warm-up; configs: ${configs.map((n) => `${n} (d ${CONFIGS[n].dModel}, ${CONFIGS[n].layers} blocks, context ${CONFIGS[n].contextLength}, batch ${CONFIGS[n].batch})`).join('; ')}`,
  );
  if (!process.env['VK_ICD_FILENAMES'])
    console.log('VK_ICD_FILENAMES is not set: WebGPU uses the system Vulkan drivers only');
  const results: ChildResult[] = [];
  const only = arg('backends', BACKENDS.join(',')).split(',');
  for (const b of BACKENDS.filter((x) => only.includes(x))) {
    // The parent's own loader flags (tsx's), so the child starts the same way however the parent was started.
    const r = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--child',
        b,
        '--configs',
        configs.join(','),
        '--steps',
        String(steps),
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    const res: ChildResult =
      r.status === 0 && line.startsWith('{')
        ? (JSON.parse(line) as ChildResult)
        : {
            ok: false,
            backend: b,
            reason: `the benchmark process failed (${r.signal ? `signal ${r.signal}` : `exit ${r.status}`}; its error is above)`,
          };
    results.push(res);
    if (!res.ok) {
      console.log(`${b.padEnd(8)} not available: ${res.reason}`);
      continue;
    }
    const rates = configs.map(
      (n) =>
        `${n} ${res.tokensPerSec![n] !== undefined ? `${Math.round(res.tokensPerSec![n]!)} tokens/s (last loss ${res.lastLoss![n]!.toFixed(4)})` : `– (${res.skipped![n]})`}`,
    );
    const kernels =
      b === 'webgpu'
        ? ', Espalier WGSL kernels'
        : b === 'webgpu-f16'
          ? ', Espalier WGSL kernels, f16 matmul operands'
          : b === 'webgpu-stock'
            ? ', tfjs kernels'
            : '';
    console.log(
      `${(b === 'webgpu' ? 'webgpu-f32' : b).padEnd(8)} ${res.adapter ? `[${res.adapter}${kernels}] ` : ''}${rates.join('; ')}`,
    );
  }
  const wasm = results.find((r) => r.backend === 'wasm' && r.ok);
  for (const r of results.filter((x) => x.ok && x !== wasm && wasm)) {
    const ratios = configs
      .filter((n) => r.tokensPerSec![n] && wasm!.tokensPerSec![n])
      .map((n) => `${n} ${(r.tokensPerSec![n]! / wasm!.tokensPerSec![n]!).toFixed(2)}×`);
    if (ratios.length) console.log(`ratio ${r.backend}/wasm: ${ratios.join(', ')}`);
  }
  const [ours, stock] = ['webgpu', 'webgpu-stock'].map((b) => results.find((r) => r.backend === b && r.ok));
  if (ours && stock) {
    const ratios = configs
      .filter((n) => ours.tokensPerSec![n] && stock.tokensPerSec![n])
      .map((n) => `${n} ${(ours.tokensPerSec![n]! / stock.tokensPerSec![n]!).toFixed(2)}×`);
    if (ratios.length) console.log(`ratio webgpu (Espalier kernels)/webgpu-stock (tfjs kernels): ${ratios.join(', ')}`);
  }
  const [f32, f16] = ['webgpu', 'webgpu-f16'].map((b) => results.find((r) => r.backend === b && r.ok));
  if (f32 && f16) {
    const ratios = configs
      .filter((n) => f32.tokensPerSec![n] && f16.tokensPerSec![n])
      .map((n) => `${n} ${(f16.tokensPerSec![n]! / f32.tokensPerSec![n]!).toFixed(2)}×`);
    if (ratios.length) console.log(`ratio webgpu-f16/webgpu-f32: ${ratios.join(', ')}`);
  }
  if (arg('torch', 'auto') !== 'off') torchRows(configs, steps, results);
  const gpu = results.find((r) => r.backend === 'webgpu' && r.ok);
  if (!results.some((r) => r.ok && r.backend === 'node-gpu') && (!gpu || gpu.software)) {
    console.log(
      gpu
        ? 'Only a software WebGPU adapter is available here: its numbers measure a CPU emulating a GPU, not GPU training.'
        : 'No GPU backend started here: these are CPU numbers only.',
    );
  }
}

function python(): string {
  const venv = fileURLToPath(new URL('../.venv/bin/python', import.meta.url));
  return process.env['ESPALIER_PYTHON'] ?? (existsSync(venv) ? venv : 'python3');
}

/** PyTorch on the same configs: CPU with every core; CUDA (where PyTorch sees a GPU) in float32 (TF32 off) and bf16 autocast. */
function torchRows(configs: ConfigName[], steps: number, results: ChildResult[]): void {
  const script = fileURLToPath(new URL('./torch_reference.py', import.meta.url));
  const runs = [
    { device: 'cpu', autocast: 'off', tag: 'torch-cpu' },
    { device: 'cuda', autocast: 'off', tag: 'torch-cuda-f32' },
    { device: 'cuda', autocast: 'bf16', tag: 'torch-cuda-bf16' },
  ];
  for (const { device, autocast, tag } of runs) {
    const rates: Record<string, number> = {};
    let label = '';
    for (const name of configs) {
      const c = CONFIGS[name];
      const args = [
        script,
        'bench',
        '--device',
        device,
        '--autocast',
        autocast,
        '--vocab',
        String(c.vocabSize),
        '--layers',
        String(c.layers),
        '--d-model',
        String(c.dModel),
        '--heads',
        String(c.heads),
        '--mlp',
        String(c.dModel * c.mlpRatio),
        '--context',
        String(c.contextLength),
        '--batch',
        String(c.batch),
        '--steps',
        String(Math.max(steps, 5)),
        '--warmup',
        '2',
        '--threads',
        String(availableParallelism()),
      ];
      const r = spawnSync(python(), args, { encoding: 'utf8' });
      const line = (r.stdout ?? '').trim().split('\n').at(-1) ?? '';
      if (r.status !== 0 || !line.startsWith('{')) {
        const why = (r.error?.message ?? r.stderr ?? '').trim().split('\n').at(-1) ?? `exit ${r.status}`;
        console.log(`${tag.padEnd(8)} not available: ${why}`);
        break;
      }
      const j = JSON.parse(line) as { tokensPerSec: number; device: string; torch: string; threads: number };
      rates[name] = j.tokensPerSec;
      label =
        device === 'cuda'
          ? `${j.device}, torch ${j.torch}, ${autocast === 'bf16' ? 'bf16 autocast' : 'fp32, TF32 off'}`
          : `${j.threads} threads, torch ${j.torch}`;
    }
    if (!Object.keys(rates).length) {
      // No CUDA for float32 means none for bf16 either: say it once.
      if (device === 'cuda') break;
      continue;
    }
    console.log(
      `${tag.padEnd(8)} [${label}] ${configs.map((n) => `${n} ${rates[n] !== undefined ? `${Math.round(rates[n]!)} tokens/s` : '–'}`).join('; ')}`,
    );
    const ours =
      device === 'cuda'
        ? results.filter((r) => r.ok && (r.backend === 'node-gpu' || (r.backend === 'webgpu' && !r.software)))
        : results.filter((r) => r.ok && r.backend === 'wasm');
    for (const r of ours) {
      const ratios = configs
        .filter((n) => r.tokensPerSec![n] && rates[n])
        .map((n) => `${n} ${(r.tokensPerSec![n]! / rates[n]!).toFixed(2)}×`);
      if (ratios.length)
        console.log(`ratio ${r.backend}${r.backend === 'webgpu' ? '-f32' : ''}/${tag}: ${ratios.join(', ')}`);
    }
  }
}

const configs = arg('configs', 'ref,large').split(',') as ConfigName[];
for (const c of configs) if (!(c in CONFIGS)) throw new Error(`--configs: unknown config "${c}" (ref, large)`);
const steps = Number(arg('steps', '3'));
const which = arg('child', '');
if (which) {
  const r = await child(which as BenchBackend, configs, steps);
  // A natural exit: process.exit() while Dawn's threads still run crashed SwiftShader now and then.
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else {
  parent(configs, steps);
}
