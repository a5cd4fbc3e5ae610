// Child process for test/webgpu-f16.test.ts, on the webgpu backend (SwiftShader in CI): the float16 pack and
// packed matmul kernels against float32, then the same tiny training run in float32 and with --precision f16
// (and one f16 run started at an overflowing loss scale); prints one JSON line.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, parseBackendName } from '../../src-main/engine/backend';
import { gpuMatmulHalf, gpuMatmulPacked, gpuPackHalf } from '../../src-main/engine/model/webgpu/matmul';
import { gpuRuntime, setWebGPUKernelsEnabled } from '../../src-main/engine/model/webgpu/runtime';
import { Rng } from '../../src-main/engine/util/rng';
import { linearChecks, type LinearHalfChecks } from './half-linear';
import { train } from './half-train';

export interface HalfChecks {
  backend: string;
  /** Per product: error against float32 of the f16-rounded operands, and against the unrounded ones. */
  matmul: { name: string; k: number; vsRounded: number; vsFloat32: number }[];
  /** The packed words decoded on the host equal the operands rounded to float16 on the host. */
  packExact: boolean;
  steps: number;
  f32: number[];
  f16: number[];
  f16Scale: number;
  overflow: { losses: number[]; scale: number };
  linear: LinearHalfChecks | null;
  /** Tensors left after the f16 run's trainer and model are disposed (its float16 copies included). */
  f16Leaked: number;
  /** Block 0 frozen (a growth stage), 8 steps: float32 and f16 losses. */
  frozen: { f32: number[]; f16: number[] };
}

const rng = new Rng(11);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);

/** x rounded to the nearest float16, ties to even (11 significant bits; subnormals below 2^-14), as a number. */
function roundHalf(x: number): number {
  if (x === 0) return 0;
  const e = Math.max(-14, Math.floor(Math.log2(Math.abs(x))));
  const q = 2 ** (e - 10);
  const r = x / q;
  const f = Math.floor(r);
  const up = r - f > 0.5 || (r - f === 0.5 && f % 2 !== 0);
  return (up ? f + 1 : f) * q;
}

function decodeHalf(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  return s * (e === 0 ? f * 2 ** -24 : (1 + f / 1024) * 2 ** (e - 15));
}

async function relErr(got: tf.Tensor, ref: tf.Tensor): Promise<number> {
  const [g, r] = await Promise.all([got.data(), ref.data()]);
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < r.length; i++) {
    scale = Math.max(scale, Math.abs(r[i]!));
    worst = Math.max(worst, Math.abs(g[i]! - r[i]!));
  }
  return g.every(Number.isFinite) && scale > 1e-6 ? worst / scale : Infinity;
}

async function kernels(out: HalfChecks): Promise<void> {
  const rt = gpuRuntime();
  if (!rt) throw new Error('the WebGPU kernels did not start on this backend');
  const x = rand(4001);
  const packed = gpuPackHalf(rt, tf.tensor1d(x));
  const words = (await packed.data()) as Int32Array;
  out.packExact =
    words.length === 2001 &&
    Array.from(x).every((v, i) => decodeHalf((words[i >> 1]! >>> (16 * (i & 1))) & 0xffff) === roundHalf(v));
  packed.dispose();
  for (const [m, k, n, ta, tb] of [
    [37, 29, 53, false, false],
    [37, 29, 53, true, false],
    [37, 29, 53, false, true],
    [37, 29, 53, true, true],
    [5, 300, 3, false, false],
    [70, 130, 67, false, true],
  ] as const) {
    const aShape: [number, number] = ta ? [k, m] : [m, k];
    const bShape: [number, number] = tb ? [n, k] : [k, n];
    const av = rand(m * k);
    const bv = rand(k * n);
    const a = tf.tensor2d(av, aShape);
    const b = tf.tensor2d(bv, bShape);
    const got = gpuMatmulHalf(rt, a, b, ta, tb);
    const rounded = tf.matMul(tf.tensor2d(av.map(roundHalf), aShape), tf.tensor2d(bv.map(roundHalf), bShape), ta, tb);
    const exact = tf.matMul(a, b, ta, tb);
    out.matmul.push({
      name: `${m}×${k}×${n} ${ta ? 't' : 'n'}${tb ? 't' : 'n'}`,
      k,
      vsRounded: await relErr(got, rounded),
      vsFloat32: await relErr(got, exact),
    });
    // The packed entry point on its own (operands packed once, as weights would be).
    const pa = gpuPackHalf(rt, a);
    const again = gpuMatmulPacked(rt, pa, aShape, gpuPackHalf(rt, b), bShape, ta, tb);
    if ((await relErr(again, got)) !== 0) throw new Error('gpuMatmulPacked differs from gpuMatmulHalf');
    tf.dispose([a, b, got, rounded, exact, pa, again]);
  }
}

async function main(): Promise<void> {
  const report = await initBackend({ backend: parseBackendName('webgpu') });
  setWebGPUKernelsEnabled(true);
  const steps = Number(process.argv[2] ?? 60);
  const out: HalfChecks = {
    backend: report.backend,
    matmul: [],
    packExact: false,
    steps,
    f32: [],
    f16: [],
    f16Scale: 0,
    overflow: { losses: [], scale: 0 },
    linear: null,
    f16Leaked: -1,
    frozen: { f32: [], f16: [] },
  };
  await kernels(out);
  out.linear = await linearChecks(rand);
  out.f32 = (await train('f32', steps)).losses;
  const f16 = await train('f16', steps);
  out.f16 = f16.losses;
  out.f16Scale = f16.scale;
  out.f16Leaked = f16.leaked;
  out.frozen = {
    f32: (await train('f32', 8, undefined, 8, 2, true)).losses,
    f16: (await train('f16', 8, undefined, 8, 2, true)).losses,
  };
  // The same schedule (steps) as the f16 run, 3 of its steps.
  out.overflow = await train('f16', steps, 2 ** 40, 3);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => undefined,
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
