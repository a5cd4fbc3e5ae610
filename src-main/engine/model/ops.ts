// The transformer's differentiable building blocks with hand-written gradients. Matrix products go through
// native/matmul (native code on the wasm heap, else untransposed tfjs matMuls: transposed ones are slow there).
import * as tf from '@tensorflow/tfjs-core';
import { ropeKernel } from './attention-kernel';
import { gradOp } from './grad-op';
import { matmul } from './native/matmul';
import { gpuLinearHalf } from './webgpu/linear-half';
import { nativeOps } from './native/ops';
import { gpuGelu, gpuRmsNorm } from './webgpu/norms';
import { fusedKernels } from './wasm/fused';
import { gatherRows, heapZeros, splitColumns } from './wasm/layout';

/*
 * Even the glue (residual adds, concatenation, scaling, dropout) is hand-differentiated: tfjs-core's
 * stock gradients live in an ESM build that Node cannot load (extensionless imports), so the engine
 * must not depend on them being registered.
 */

/** x + y, both [N, D]. */
export function add(x: tf.Tensor2D, y: tf.Tensor2D, gx: boolean, gy: boolean): tf.Tensor2D {
  return gradOp<tf.Tensor2D>(
    [x, y],
    [gx, gy],
    ([a, b]) => ({ value: tf.add(a!, b!) as tf.Tensor2D, save: [] }),
    (dy) => [dy, dy],
    'add',
  );
}

/** x · s for a constant s. */
export function scale(x: tf.Tensor2D, s: number, gx: boolean): tf.Tensor2D {
  if (s === 1) return x;
  return gradOp<tf.Tensor2D>(
    [x],
    [gx],
    ([a]) => ({ value: tf.mul(a!, s) as tf.Tensor2D, save: [] }),
    (dy) => [tf.mul(dy, s)],
    'scale',
  );
}

/** Matrices [D, k_i] side by side: [D, Σk_i]. */
export function concatColumns(ws: tf.Tensor2D[], needs: boolean[]): tf.Tensor2D {
  const widths = ws.map((w) => w.shape[1]);
  return gradOp<tf.Tensor2D>(
    ws,
    needs,
    (xs) => ({ value: tf.concat(xs as tf.Tensor2D[], 1), save: [] }),
    (dy) => splitColumns(dy as tf.Tensor2D, widths),
    'concatColumns',
  );
}

/** Inverted dropout with a seeded mask (the same seed gives the same mask on every backend run). */
export function dropout(x: tf.Tensor2D, rate: number, seed: number, gx: boolean): tf.Tensor2D {
  return gradOp<tf.Tensor2D>(
    [x],
    [gx],
    ([a]) => {
      const keep = tf.div(
        tf.cast(tf.greaterEqual(tf.randomUniform(a!.shape, 0, 1, 'float32', seed), rate), 'float32'),
        1 - rate,
      );
      return { value: tf.mul(a!, keep) as tf.Tensor2D, save: [keep] };
    },
    (dy, [keep]) => [tf.mul(dy, keep!)],
    'dropout',
  );
}

/** Rows of table [V, D] at int32 ids [N]; the gradient scatters (sums) back into the rows used. */
export function embedRows(table: tf.Tensor2D, ids: tf.Tensor1D, gTable: boolean): tf.Tensor2D {
  const [v, d] = table.shape;
  return gradOp<tf.Tensor2D>(
    [table, ids],
    [gTable, false],
    ([t, i]) => ({ value: gatherRows(t as tf.Tensor2D, i as tf.Tensor1D), save: [i!] }),
    // tfjs-wasm has no UnsortedSegmentSum (gather's stock gradient); scatterND sums duplicate ids.
    (dy, [i]) => [tf.scatterND(tf.reshape(i!, [-1, 1]), dy, [v, d]), null],
    'embedRows',
  );
}

/** x [N, in] @ w [in, out]. `gx`/`gw`: whether x / w need gradients. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, gx: boolean, gw: boolean): tf.Tensor2D {
  // `--precision f16` on webgpu: float16 operands, and the backward pass keeps x packed (half the bytes).
  const half = gpuLinearHalf(x, w, gx, gw);
  if (half) return half;
  return gradOp<tf.Tensor2D>(
    [x, w],
    [gx, gw],
    ([a, b]) => ({ value: matmul(a as tf.Tensor2D, b as tf.Tensor2D), save: [a!, b!] }),
    (dy, [a, b], needs) => [
      needs[0] ? matmul(dy as tf.Tensor2D, b as tf.Tensor2D, false, true) : null,
      needs[1] ? matmul(a as tf.Tensor2D, dy as tf.Tensor2D, true, false) : null,
    ],
    'linear',
  );
}

/** Root-mean-square norm over the last axis of x [N, D] with gain g [D]. */
export function rmsNorm(x: tf.Tensor2D, g: tf.Tensor1D, eps: number, gx: boolean, gg: boolean): tf.Tensor2D {
  const onGpu = gpuRmsNorm(x, g, eps, gx, gg);
  if (onGpu) return onGpu;
  const [n, d] = x.shape;
  const nat = nativeOps();
  if (nat) {
    return gradOp<tf.Tensor2D>(
      [x, g],
      [gx, gg],
      ([a, gain]) => {
        const { y, r } = nat.rmsNormForward(a as tf.Tensor2D, gain as tf.Tensor1D, eps);
        return { value: y, save: [a!, r, gain!] };
      },
      (dy, [a, r, gain]) => {
        const { dx, dg } = nat.rmsNormBackward(dy, a as tf.Tensor2D, r!, gain!);
        return [dx, dg];
      },
      'rmsNorm',
    );
  }
  const fk = fusedKernels(d);
  if (fk) {
    const { k, ptr, empty } = fk;
    return gradOp<tf.Tensor2D>(
      [x, g],
      [gx, gg],
      ([a, gain]) => {
        const y = empty([n, d]) as tf.Tensor2D;
        const r = empty([n]);
        k.rmsFwd(ptr(a!), ptr(gain!), ptr(y), ptr(r), n, d, eps);
        return { value: y, save: [a!, r, gain!] };
      },
      (dy, [a, r, gain]) => {
        const dx = empty([n, d]);
        const dg = heapZeros([d]);
        k.rmsBwd(ptr(dy), ptr(a!), ptr(r!), ptr(gain!), ptr(dx), ptr(dg), n, d);
        return [dx, dg];
      },
      'rmsNorm',
    );
  }
  return gradOp<tf.Tensor2D>(
    [x, g],
    [gx, gg],
    ([a, gain]) => {
      const r = tf.rsqrt(tf.add(tf.mean(tf.square(a!), -1, true), eps));
      const xhat = tf.mul(a!, r);
      return { value: tf.mul(xhat, gain!) as tf.Tensor2D, save: [xhat, r, gain!] };
    },
    (dy, [xhat, r, gain], needs) => {
      const dxhat = tf.mul(dy, gain!);
      const dx = needs[0] ? tf.mul(r!, tf.sub(dxhat, tf.mul(xhat!, tf.mean(tf.mul(dxhat, xhat!), -1, true)))) : null;
      const dg = needs[1] ? tf.sum(tf.mul(dy, xhat!), 0) : null;
      return [dx, dg];
    },
    'rmsNorm',
  );
}

/** Layer norm over the last axis of x [N, D] with gain g and bias b [D]. */
export function layerNorm(
  x: tf.Tensor2D,
  g: tf.Tensor1D,
  b: tf.Tensor1D,
  eps: number,
  gx: boolean,
  gp: boolean,
): tf.Tensor2D {
  return gradOp<tf.Tensor2D>(
    [x, g, b],
    [gx, gp, gp],
    ([a, gain, bias]) => {
      const xc = tf.sub(a!, tf.mean(a!, -1, true));
      const r = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps));
      const xhat = tf.mul(xc, r);
      return { value: tf.add(tf.mul(xhat, gain!), bias!) as tf.Tensor2D, save: [xhat, r, gain!] };
    },
    (dy, [xhat, r, gain], needs) => {
      const dxhat = tf.mul(dy, gain!);
      const dx = needs[0]
        ? tf.mul(
            r!,
            tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), tf.mul(xhat!, tf.mean(tf.mul(dxhat, xhat!), -1, true))),
          )
        : null;
      return [dx, needs[1] ? tf.sum(tf.mul(dy, xhat!), 0) : null, needs[2] ? tf.sum(dy, 0) : null];
    },
    'layerNorm',
  );
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/**
 * GELU, tanh approximation (GPT-2's; PyTorch's gelu(approximate='tanh')), computed exactly through
 * 0.5·(1 + tanh(z)) = sigmoid(2z) because tfjs-wasm's sigmoid is vectorised and its tanh is not.
 */
export function gelu(x: tf.Tensor2D, gx: boolean): tf.Tensor2D {
  const onGpu = gpuGelu(x, gx);
  if (onGpu) return onGpu;
  const nat = nativeOps();
  if (nat) {
    return gradOp<tf.Tensor2D>(
      [x],
      [gx],
      ([a]) => {
        const { y, s } = nat.geluForward(a as tf.Tensor2D);
        return { value: y, save: [a!, s] };
      },
      (dy, [a, s]) => [nat.geluBackward(dy, a!, s!)],
      'gelu',
    );
  }
  const size = x.size;
  const fk = fusedKernels(size);
  if (fk) {
    const { k, ptr, empty } = fk;
    const [c1, c3] = [2 * GELU_C, 2 * GELU_C * GELU_A];
    return gradOp<tf.Tensor2D>(
      [x],
      [gx],
      ([a]) => {
        const u = empty(x.shape);
        k.geluPre(ptr(a!), ptr(u), size, c1, c3);
        const s = tf.sigmoid(u);
        u.dispose();
        const y = empty(x.shape) as tf.Tensor2D;
        k.mulInto(ptr(a!), ptr(s), ptr(y), size);
        return { value: y, save: [a!, s] };
      },
      (dy, [a, s]) => {
        const dx = empty(x.shape);
        k.geluBwd(ptr(dy), ptr(a!), ptr(s!), ptr(dx), size, c1, c3);
        return [dx];
      },
      'gelu',
    );
  }
  return gradOp<tf.Tensor2D>(
    [x],
    [gx],
    ([a]) => {
      const x2 = tf.square(a!);
      const s = tf.sigmoid(tf.mul(a!, tf.add(tf.mul(x2, 2 * GELU_C * GELU_A), 2 * GELU_C)));
      return { value: tf.mul(a!, s) as tf.Tensor2D, save: [a!, x2, s] };
    },
    (dy, [a, x2, s]) => {
      // d/dx [x·s(u)] = s + x·s(1−s)·u',  u = 2c(x + a·x³),  u' = 2c(1 + 3a·x²)
      const sp = tf.mul(s!, tf.sub(1, s!));
      const du = tf.add(tf.mul(x2!, 2 * GELU_C * 3 * GELU_A), 2 * GELU_C);
      return [tf.mul(dy, tf.add(s!, tf.mul(tf.mul(a!, sp), du)))];
    },
    'gelu',
  );
}

interface RopeTables {
  cos: tf.Tensor;
  sinSigned: tf.Tensor;
}

const ropeCache = new Map<string, RopeTables>();

/**
 * Tables for the half-split convention: for a head vector x = [x1, x2] (each dh/2),
 * rope(x) = x·cos + [−x2, x1]·sin, angle(pos, i) = pos / base^(2i/dh). Shape [T, heads, 2, dh/2], so they
 * broadcast over [B, T, heads, 2, dh/2]; the last `vHeads` heads (the V of a fused QKV) get cos 1, sin 0.
 * Offset-0 tables are cached for the process; others belong to the caller's tidy scope.
 */
function ropeTables(
  T: number,
  offset: number,
  headDim: number,
  base: number,
  rotHeads: number,
  vHeads: number,
): RopeTables {
  const key = `${T}:${headDim}:${base}:${rotHeads}:${vHeads}`;
  const hit = offset === 0 ? ropeCache.get(key) : undefined;
  if (hit) return hit;
  const half = headDim / 2;
  const heads = rotHeads + vHeads;
  const cos = new Float32Array(T * heads * headDim);
  const sin = new Float32Array(T * heads * headDim);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const ang = (t + offset) / Math.pow(base, (2 * i) / headDim);
      const c = Math.cos(ang);
      const s = Math.sin(ang);
      for (let h = 0; h < heads; h++) {
        const o = (t * heads + h) * headDim;
        const rot = h < rotHeads;
        cos[o + i] = rot ? c : 1;
        cos[o + half + i] = rot ? c : 1;
        sin[o + i] = rot ? -s : 0;
        sin[o + half + i] = rot ? s : 0;
      }
    }
  }
  const r = { cos: tf.tensor(cos, [T, heads, 2, half]), sinSigned: tf.tensor(sin, [T, heads, 2, half]) };
  if (offset === 0) {
    tf.keep(r.cos);
    tf.keep(r.sinSigned);
    ropeCache.set(key, r);
  }
  return r;
}

/**
 * Rotary position embedding of a fused qkv x [B·T, 3·heads·dh] for positions offset … offset+T−1:
 * q and k heads rotate, v passes through. Uses the wasm kernel when it is available.
 */
export function rope(
  x: tf.Tensor2D,
  B: number,
  T: number,
  heads: number,
  headDim: number,
  offset: number,
  base: number,
  gx: boolean,
): tf.Tensor2D {
  const [n, width] = x.shape;
  const shape5 = [B, T, 3 * heads, 2, headDim / 2];
  const viaKernel = (a: tf.Tensor2D, inverse: boolean) => ropeKernel(a, B, T, heads, headDim, offset, base, inverse);
  // Swaps the two halves of each head; in 4-D because tfjs-backend-webgpu's Reverse handles at most 4 dimensions.
  const swap = (t5: tf.Tensor) => tf.reshape(tf.reverse(tf.reshape(t5, [B * T, 3 * heads, 2, headDim / 2]), 2), shape5);
  return gradOp<tf.Tensor2D>(
    [x],
    [gx],
    ([a]) => {
      const fast = viaKernel(a as tf.Tensor2D, false);
      if (fast) return { value: fast, save: [] };
      const t = ropeTables(T, offset, headDim, base, 2 * heads, heads);
      const a5 = tf.reshape(a!, shape5);
      return {
        value: tf.reshape(tf.add(tf.mul(a5, t.cos), tf.mul(swap(a5), t.sinSigned)), [n, width]) as tf.Tensor2D,
        save: [],
      };
    },
    (dy) => {
      // The rotation's transpose: dx = dy·cos + swap(dy·sinSigned), swap being its own inverse.
      const fast = viaKernel(dy as tf.Tensor2D, true);
      if (fast) return [fast];
      const t = ropeTables(T, offset, headDim, base, 2 * heads, heads);
      const d5 = tf.reshape(dy, shape5);
      return [tf.reshape(tf.add(tf.mul(d5, t.cos), swap(tf.mul(d5, t.sinSigned))), [n, width])];
    },
    'rope',
  );
}
