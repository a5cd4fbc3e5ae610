// Child process for test/webgpu-kernels.test.ts: on the webgpu backend (SwiftShader in CI), every Espalier WGSL
// kernel against the stock tfjs ops it replaces, forward and backward; prints one JSON line of worst relative
// errors (max |got − ref| / max |ref|) per check.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, parseBackendName } from '../../src-main/engine/backend';
import { gpuRuntime, kernelDispatches, setWebGPUKernelsEnabled } from '../../src-main/engine/model/webgpu/runtime';
import { gpuMatmulWith } from '../../src-main/engine/model/webgpu/matmul';
import { Rng } from '../../src-main/engine/util/rng';
import { causalAttention, portableAttention } from '../../src-main/engine/model/attention';
import { attentionKernel } from '../../src-main/engine/model/attention-kernel';
import { gelu, rmsNorm, rope } from '../../src-main/engine/model/ops';
import { headCrossEntropy } from '../../src-main/engine/model/head';
import { AdamW } from '../../src-main/engine/train/adamw';

export interface KernelChecks {
  backend: string;
  errors: Record<string, number>;
}

const rng = new Rng(5);
const rand = (shape: number[]): tf.Tensor =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1),
    shape,
  );

async function relErr(got: tf.Tensor, ref: tf.Tensor): Promise<number> {
  if (got.shape.join() !== ref.shape.join()) throw new Error(`shape [${got.shape}] ≠ reference [${ref.shape}]`);
  const [g, r] = await Promise.all([got.data(), ref.data()]);
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < r.length; i++) {
    scale = Math.max(scale, Math.abs(r[i]!));
    worst = Math.max(worst, Math.abs(g[i]! - r[i]!));
  }
  // An all-zero reference means nothing ran (an invalid pipeline leaves zeros everywhere): count it as a failure.
  return Number.isFinite(worst) && g.every(Number.isFinite) && scale > 1e-6 ? worst / scale : Infinity;
}

/** Runs `run` with Espalier's kernels, then with them switched off (stock tfjs ops), and compares each output. */
async function compare(errors: Record<string, number>, name: string, run: () => tf.Tensor[]): Promise<void> {
  setWebGPUKernelsEnabled(true);
  const before = kernelDispatches();
  const ours = run();
  // A path that silently fell back to tfjs would compare tfjs with itself.
  if (kernelDispatches() === before) throw new Error(`${name}: no Espalier kernel ran`);
  setWebGPUKernelsEnabled(false);
  const mid = kernelDispatches();
  const ref = run();
  if (kernelDispatches() !== mid) throw new Error(`${name}: the reference ran Espalier kernels`);
  setWebGPUKernelsEnabled(true);
  for (let i = 0; i < ours.length; i++)
    errors[ours.length > 1 ? `${name}#${i}` : name] = await relErr(ours[i]!, ref[i]!);
  tf.dispose([...ours, ...ref]);
}

async function matmuls(errors: Record<string, number>): Promise<void> {
  const rt = gpuRuntime();
  if (!rt) throw new Error('the WebGPU kernels did not start on this backend');
  // Odd sizes exercise every partial tile; both tile shapes and all four layouts.
  for (const [m, k, n] of [
    [37, 29, 53],
    [130, 72, 67],
    [5, 300, 3],
  ] as const) {
    for (const tile of [
      { bm: 32, bn: 32 },
      { bm: 64, bn: 64 },
    ]) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = rand(ta ? [k, m] : [m, k]) as tf.Tensor2D;
          const b = rand(tb ? [n, k] : [k, n]) as tf.Tensor2D;
          const got = gpuMatmulWith(rt, a, b, ta, tb, tile);
          const ref = tf.matMul(a, b, ta, tb);
          errors[`matmul ${m}x${k}x${n} ${tile.bm} ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}`] = await relErr(got, ref);
          tf.dispose([a, b, got, ref]);
        }
      }
    }
  }
}

async function attention(errors: Record<string, number>): Promise<void> {
  // T not a multiple of the 32-row blocks; head sizes 8 and 20 (five vec4s), the second with one head.
  for (const s of [
    { B: 2, T: 37, heads: 2, headDim: 8 },
    { B: 1, T: 70, heads: 1, headDim: 20 },
  ]) {
    const D = s.heads * s.headDim;
    const qkv = rand([s.B * s.T, 3 * D]) as tf.Tensor2D;
    const dOut = rand([s.B * s.T, D]) as tf.Tensor2D;
    const k = attentionKernel(s.heads, s.headDim);
    if (!k) throw new Error('no WebGPU attention kernel');
    const ours = k.forward(qkv, s);
    const ref = portableAttention.forward(qkv, s);
    const tag = `attention B${s.B} T${s.T} H${s.heads} dh${s.headDim}`;
    errors[`${tag} forward`] = await relErr(ours.out, ref.out);
    const dOurs = k.backward(dOut, qkv, ours.probs, s);
    const dRef = portableAttention.backward(dOut, qkv, ref.probs, s);
    errors[`${tag} backward`] = await relErr(dOurs, dRef);
    // Flash-style: what the forward keeps is linear in T, never [B, H, T, T].
    errors[`${tag} saved floats per row`] = ours.probs.size / (s.B * s.T) / (D + s.heads);
    tf.dispose([qkv, dOut, ours.out, ours.probs, ref.out, ref.probs, dOurs, dRef]);
  }
  // RoPE fused into the attention kernels against the rope dispatch followed by the unfused kernels (forward,
  // and the gradient of the unrotated qkv). Head sizes 8 and 24 (the rotation pairs whole vec4s: dh % 8 = 0).
  for (const s of [
    { B: 2, T: 37, heads: 2, headDim: 8 },
    { B: 1, T: 45, heads: 3, headDim: 24 },
  ]) {
    const D = s.heads * s.headDim;
    const qkv = rand([s.B * s.T, 3 * D]) as tf.Tensor2D;
    const dOut = rand([s.B * s.T, D]) as tf.Tensor2D;
    const fusedShape = { ...s, ropeBase: 10000 };
    const tag = `attention+rope B${s.B} T${s.T} H${s.heads} dh${s.headDim}`;
    const before = kernelDispatches();
    const [fused, dFused] = [
      causalAttention(qkv, fusedShape, false),
      tf.grad((a: tf.Tensor) => causalAttention(a as tf.Tensor2D, fusedShape, true))(qkv, dOut),
    ];
    // Forward 1 dispatch, backward forward-again + 2: no separate rope dispatch anywhere.
    errors[`${tag} fused dispatches`] = kernelDispatches() - before;
    const rotated = () => rope(qkv, s.B, s.T, s.heads, s.headDim, 0, 10000, false);
    const unfused = causalAttention(rotated(), s, false);
    const dUnfused = tf.grad((a: tf.Tensor) =>
      causalAttention(rope(a as tf.Tensor2D, s.B, s.T, s.heads, s.headDim, 0, 10000, true), s, true),
    )(qkv, dOut);
    errors[`${tag} forward`] = await relErr(fused, unfused);
    errors[`${tag} backward`] = await relErr(dFused, dUnfused);
    tf.dispose([qkv, dOut, fused, dFused, unfused, dUnfused]);
  }
  for (const [offset, inverse] of [
    [0, false],
    [5, true],
  ] as const) {
    const B = 2,
      T = 9,
      heads = 3,
      dh = 6;
    const x = rand([B * T, 3 * heads * dh]) as tf.Tensor2D;
    // The inverse rotation is rope's backward: its gradient with the upstream gradient x.
    await compare(errors, `rope offset ${offset}${inverse ? ' inverse' : ''}`, () => [
      inverse
        ? tf.grad((a: tf.Tensor) => rope(a as tf.Tensor2D, B, T, heads, dh, offset, 10000, true))(x, x)
        : rope(x, B, T, heads, dh, offset, 10000, false),
    ]);
    x.dispose();
  }
}

async function norms(errors: Record<string, number>): Promise<void> {
  // 300 rows: two blocks of the gain's row-blocked gradient; 70 columns: not a multiple of the 64 row threads.
  const x = rand([300, 70]) as tf.Tensor2D;
  const g = tf.add(rand([70]), 1.5) as tf.Tensor1D;
  const dy = rand([300, 70]) as tf.Tensor2D;
  await compare(errors, 'rmsNorm forward', () => [rmsNorm(x, g, 1e-5, false, false)]);
  await compare(errors, 'rmsNorm backward', () =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) => rmsNorm(a as tf.Tensor2D, b as tf.Tensor1D, 1e-5, true, true))([x, g], dy),
  );
  // Wide inputs reach both tails of the sigmoid.
  const wide = tf.mul(x, 6) as tf.Tensor2D;
  await compare(errors, 'gelu forward', () => [gelu(wide, false)]);
  await compare(errors, 'gelu backward', () => [tf.grad((a: tf.Tensor) => gelu(a as tf.Tensor2D, true))(wide, dy)]);
  tf.dispose([x, g, dy, wide]);
}

async function crossEntropy(errors: Record<string, number>): Promise<void> {
  const [n, d, v] = [45, 12, 97];
  const h = rand([n, d]) as tf.Tensor2D;
  const w = tf.mul(rand([d, v]), 3) as tf.Tensor2D;
  const ids = Int32Array.from({ length: n }, () => rng.int(v));
  // 400 logits per chunk: five chunks of 4 rows and a last one of 1.
  for (const chunk of [400, 1 << 21]) {
    const tag = chunk < 1000 ? 'chunked' : 'one chunk';
    await compare(errors, `cross-entropy ${tag}`, () => {
      // Fresh targets per call: head.ts checks them on the host, before they are uploaded.
      const loss = headCrossEntropy(h, w, tf.tensor1d(ids, 'int32'), false, false, chunk);
      const t = tf.tensor1d(ids, 'int32');
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        headCrossEntropy(a as tf.Tensor2D, b as tf.Tensor2D, t, true, true, chunk),
      )([h, w]);
      return [loss, ...grads];
    });
  }
  tf.dispose([h, w]);
}

async function adamw(errors: Record<string, number>): Promise<void> {
  const p0 = rand([33, 17]);
  const b0 = rand([17]);
  const e0 = rand([9, 5]);
  const gs = [rand([33, 17]), rand([17]), rand([9, 5])];
  // Three updates, clipped (gradient scale 0.7); an undecayed vector between two decayed matrices exercises the
  // packing order (decayed first). Parameters and moments, against tfjs ops; and the Espalier dispatches per step.
  let perStep = 0;
  await compare(errors, 'adamw', () => {
    const entries = [
      { name: 'w', variable: tf.variable(tf.clone(p0)), frozen: false, decay: true },
      { name: 'b', variable: tf.variable(tf.clone(b0)), frozen: false, decay: false },
      { name: 'e', variable: tf.variable(tf.clone(e0)), frozen: false, decay: true },
    ];
    const opt = new AdamW({ beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
    for (let t = 0; t < 3; t++) {
      const before = kernelDispatches();
      opt.apply(
        entries,
        new Map([
          ['w', gs[0]!],
          ['b', gs[1]!],
          ['e', gs[2]!],
        ]),
        1e-2,
        0.7,
      );
      perStep = Math.max(perStep, kernelDispatches() - before);
    }
    const out = [
      ...entries.map((e) => tf.clone(e.variable)),
      ...opt.momentList(['w', 'b', 'e']).map((m) => tf.clone(m)),
    ];
    opt.dispose();
    entries.forEach((e) => e.variable.dispose());
    return out;
  });
  errors['adamw dispatches per step'] = perStep;
  tf.dispose([p0, b0, e0, ...gs]);
}

async function main(): Promise<void> {
  const report = await initBackend({ backend: parseBackendName('webgpu') });
  const errors: Record<string, number> = {};
  if (!process.argv.includes('--skip-matmul')) await matmuls(errors);
  await attention(errors);
  await norms(errors);
  await crossEntropy(errors);
  await adamw(errors);
  const out: KernelChecks = { backend: report.backend, errors };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
