// Row gathers and column splits on the tfjs-wasm heap: tfjs-wasm 4.22's GatherV2 and SplitV take
// milliseconds for the embedding lookup, the loss's target probabilities and the fused-QKV gradient split.
import * as tf from '@tensorflow/tfjs-core';
import { assemble, Fn, I32 } from './asm';
import { wasmModule } from './runtime';

interface LayoutExports {
  /** out[i, :] = table[ids[i], :] for `n` ids and rows of `d` floats. */
  gather(table: number, ids: number, out: number, n: number, d: number): void;
  /** out[r, :] = x[r, c0 … c0 + w) for x [R, C]. */
  columns(x: number, out: number, R: number, C: number, c0: number, w: number): void;
  /** Sets n floats at p to zero. */
  zero(p: number, n: number): void;
}

/** Copies `n` floats from src to dst (both byte offsets held in locals): 4 at a time, then the tail. */
function copyFloats(f: Fn, src: number, dst: number, n: () => void, k: number, end: number): void {
  n();
  f.i32(-4).and().set(end);
  f.forLoop(
    k,
    () => f.i32(0),
    () => f.get(end),
    () => {
      f.get(dst).get(k).i32(2).shl().add().get(src).get(k).i32(2).shl().add().vload().vstore();
    },
    4,
  );
  f.forLoop(
    k,
    () => f.get(end),
    n,
    () => {
      f.get(dst).get(k).i32(2).shl().add().get(src).get(k).i32(2).shl().add().fload().fstore();
    },
  );
}

function gatherFn(): Fn {
  const f = new Fn('gather', [I32, I32, I32, I32, I32]);
  const [TABLE, IDS, OUT, N, D] = [0, 1, 2, 3, 4];
  const [i, k, end, src, dst] = Array.from({ length: 5 }, () => f.local(I32));
  f.forLoop(
    i,
    () => f.i32(0),
    () => f.get(N),
    () => {
      // src = table + ids[i]·d·4, dst = out + i·d·4
      f.get(TABLE).get(IDS).get(i).i32(2).shl().add().i32Load().get(D).mul().i32(2).shl().add().set(src);
      f.get(OUT).get(i).get(D).mul().i32(2).shl().add().set(dst);
      copyFloats(f, src, dst, () => f.get(D), k, end);
    },
  );
  return f;
}

function columnsFn(): Fn {
  const f = new Fn('columns', [I32, I32, I32, I32, I32, I32]);
  const [X, OUT, R, C, C0, W] = [0, 1, 2, 3, 4, 5];
  const [r, k, end, src, dst] = Array.from({ length: 5 }, () => f.local(I32));
  f.forLoop(
    r,
    () => f.i32(0),
    () => f.get(R),
    () => {
      f.get(X).get(r).get(C).mul().get(C0).add().i32(2).shl().add().set(src);
      f.get(OUT).get(r).get(W).mul().i32(2).shl().add().set(dst);
      copyFloats(f, src, dst, () => f.get(W), k, end);
    },
  );
  return f;
}

function zeroFn(): Fn {
  const f = new Fn('zero', [I32, I32]);
  const [P, N] = [0, 1];
  const [i, end] = [f.local(I32), f.local(I32)];
  f.get(N).i32(-4).and().set(end);
  f.forLoop(
    i,
    () => f.i32(0),
    () => f.get(end),
    () => f.get(P).get(i).i32(2).shl().add().vzero().vstore(),
    4,
  );
  f.forLoop(
    i,
    () => f.get(end),
    () => f.get(N),
    () => f.get(P).get(i).i32(2).shl().add().f32(0).fstore(),
  );
  return f;
}

function kernels() {
  return wasmModule<LayoutExports>('layout', (shared) => assemble([gatherFn(), columnsFn(), zeroFn()], shared));
}

/** A zero-filled float32 tensor in the wasm heap (no JS array in between); tf.zeros elsewhere. */
export function heapZeros(shape: number[]): tf.Tensor {
  const k = kernels();
  if (!k) return tf.zeros(shape);
  const t = k.empty(shape);
  k.exports.zero(k.ptr(t), t.size);
  return t;
}

/** table [V, D] rows at int32 ids [N] → [N, D]. Ids outside [0, V) are an error (tf.gather's contract too). */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const k = kernels();
  if (!k || table.dtype !== 'float32' || ids.dtype !== 'int32') return tf.gather(table, ids) as tf.Tensor2D;
  const [n] = ids.shape;
  const [v, d] = table.shape;
  // The kernel reads wherever an id points; checking costs microseconds (the wasm backend is synchronous).
  const host = ids.dataSync();
  for (let i = 0; i < n; i++)
    if (!(host[i]! >= 0 && host[i]! < v))
      throw new RangeError(`token id ${host[i]} at position ${i} is outside the vocabulary [0, ${v})`);
  const out = k.empty([n, d]) as tf.Tensor2D;
  k.exports.gather(k.ptr(table), k.ptr(ids), k.ptr(out), n, d);
  return out;
}

/** x [R, C] split into column blocks of the given widths. */
export function splitColumns(x: tf.Tensor2D, widths: number[]): tf.Tensor2D[] {
  const k = kernels();
  if (!k || x.dtype !== 'float32') return tf.split(x, widths, 1) as tf.Tensor2D[];
  const [R, C] = x.shape;
  let c0 = 0;
  return widths.map((w) => {
    const out = k.empty([R, w]) as tf.Tensor2D;
    k.exports.columns(k.ptr(x), k.ptr(out), R, C, c0, w);
    c0 += w;
    return out;
  });
}
