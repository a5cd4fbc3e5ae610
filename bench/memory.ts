// Memory benchmark (`npm run bench:memory [-- --configs small,medium] [--torch 0]`): for each configuration, the
// memory plan's estimate, Espalier's measured peak RSS over two training steps (a child process each, wasm, one
// thread, a checkpoint written as jobs do) and PyTorch's for the same architecture and batch
// (bench/torch_reference.py bench, no frozen blocks); prints estimate / Espalier and Espalier / PyTorch.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src-main/engine/model/config';
import { gib, memoryPlan } from '../src-main/engine/plan/index';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
};

interface Shape {
  vocab: number;
  layers: number;
  dModel: number;
  heads: number;
  context: number;
  batch: number;
  accum: number;
  frozen: number;
}
const CONFIGS: Record<string, Shape> = {
  small: { vocab: 4096, layers: 2, dModel: 256, heads: 4, context: 128, batch: 8, accum: 1, frozen: 0 },
  medium: { vocab: 8192, layers: 4, dModel: 512, heads: 8, context: 256, batch: 4, accum: 1, frozen: 0 },
  deep: { vocab: 8192, layers: 8, dModel: 512, heads: 8, context: 128, batch: 8, accum: 1, frozen: 0 },
  wide: { vocab: 16384, layers: 2, dModel: 1024, heads: 16, context: 256, batch: 2, accum: 1, frozen: 0 },
  grown: { vocab: 8192, layers: 8, dModel: 512, heads: 8, context: 256, batch: 4, accum: 2, frozen: 7 },
};

function espalier(s: Shape): { peakRss: number; seconds: number } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', `${ROOT}bench/memory-step.ts`, JSON.stringify({ ...s, steps: 2, backend: 'wasm' })],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`memory-step failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { peakRss: number; seconds: number };
}

function torch(s: Shape): number | null {
  const py = process.env['ESPALIER_PYTHON'] ?? `${ROOT}.venv/bin/python`;
  if (!existsSync(py)) return null;
  const args = [
    'bench',
    '--vocab',
    s.vocab,
    '--layers',
    s.layers,
    '--d-model',
    s.dModel,
    '--heads',
    s.heads,
    '--mlp',
    4 * s.dModel,
    '--context',
    s.context,
    '--batch',
    s.batch,
    '--steps',
    2,
    '--warmup',
    0,
    '--threads',
    1,
  ].map(String);
  const r = spawnSync(py, [`${ROOT}bench/torch_reference.py`, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch_reference.py failed:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { peakRss: number }).peakRss;
}

const names = arg('configs', 'small,medium,deep,wide,grown').split(',');
const withTorch = arg('torch', '1') !== '0';
console.log(
  'Espalier: tfjs wasm backend, 1 thread (native matrix products where the addon is built); PyTorch: CPU, float32, 1 thread.',
);
console.log('config   layers×d  ctx  batch×acc  frozen  estimate   Espalier   est/meas   PyTorch   Espalier/PyTorch');
for (const name of names) {
  const s = CONFIGS[name];
  if (!s) throw new Error(`unknown config ${name}; choose from ${Object.keys(CONFIGS).join(', ')}`);
  const cfg = resolveConfig({
    vocabSize: s.vocab,
    layers: s.layers,
    dModel: s.dModel,
    heads: s.heads,
    contextLength: s.context,
    mlpRatio: 4,
  });
  const plan = memoryPlan({
    config: cfg,
    batch: s.batch,
    accumulation: s.accum,
    frozenBlocks: s.frozen,
    backend: 'wasm',
    availableRam: Infinity,
  });
  const e = espalier(s);
  // The PyTorch reference trains every block and has no accumulation: compared only where the jobs are the same.
  const t = withTorch && s.frozen === 0 && s.accum === 1 ? torch(s) : null;
  console.log(
    [
      name.padEnd(8),
      `${s.layers}×${s.dModel}`.padStart(8),
      String(s.context).padStart(4),
      `${s.batch}×${s.accum}`.padStart(9),
      String(s.frozen).padStart(6),
      gib(plan.bytes.total).padStart(10),
      gib(e.peakRss).padStart(10),
      (plan.bytes.total / e.peakRss).toFixed(2).padStart(9),
      (t === null ? '–' : gib(t)).padStart(10),
      (t === null ? '–' : (e.peakRss / t).toFixed(2)).padStart(17),
    ].join('  '),
  );
}
