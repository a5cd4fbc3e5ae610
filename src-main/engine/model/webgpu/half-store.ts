// `--precision f16` storage: a float16 copy of each weight matrix, packed two to a 32-bit word, kept between
// steps next to its float32 master. The trainer writes the copies right after AdamW updates the masters (and once
// for weights that never change: frozen blocks, the first step), and every matrix product on webgpu reads the
// copy instead of packing the weight again at each use. A copy is tied to the master's storage (tfjs's dataId,
// which every assign replaces), so a stale copy is never read: a master changed any other way just misses.
import * as tf from '@tensorflow/tfjs-core';
import { gpuMatmulPacked, gpuPackHalf } from './matmul';
import { gpuRuntime, halfPrecision, type GpuRuntime } from './runtime';

interface Copy {
  /** The master's storage when the copy was written. */
  dataId: object;
  packed: tf.Tensor;
}

const copies = new Map<tf.Tensor, Copy>();

const storage = (t: tf.Tensor): object => (t as unknown as { dataId: object }).dataId;

/** The packed float16 copy of `w` when one is current, else null. */
export function halfCopyOf(w: tf.Tensor): tf.Tensor | null {
  const c = copies.get(w);
  return c && c.dataId === storage(w) && !c.packed.isDisposed ? c.packed : null;
}

/**
 * Writes the packed copy of every 2-D float32 tensor in `masters` whose copy is missing or stale (one pack
 * dispatch each); tensors whose copy is current cost nothing. No-op unless `--precision f16` runs on webgpu.
 */
export function writeHalfCopies(masters: readonly tf.Tensor[]): void {
  const rt = gpuRuntime();
  if (!rt || !halfPrecision()) return;
  for (const w of masters) {
    if (w.rank !== 2 || w.dtype !== 'float32' || w.isDisposed || halfCopyOf(w)) continue;
    const old = copies.get(w);
    // The old copy may still be saved by a backward pass in flight: tfjs frees it when the last alias goes.
    old?.packed.dispose();
    const packed = tf.keep(gpuPackHalf(rt, w));
    copies.set(w, { dataId: storage(w), packed });
  }
  // Masters disposed since (growth replaced a block, a model was closed) take their copies with them.
  for (const [w, c] of copies) {
    if (w.isDisposed) {
      c.packed.dispose();
      copies.delete(w);
    }
  }
}

/** Bytes the packed copies hold now (tests and the memory report). */
export function halfCopyBytes(): number {
  let n = 0;
  for (const c of copies.values()) n += 4 * c.packed.size;
  return n;
}

/** Frees every copy (the trainer calls it when an f16 run ends). */
export function releaseHalfCopies(): void {
  for (const c of copies.values()) c.packed.dispose();
  copies.clear();
}

/** `t` as packed float16: its kept copy when current, else packed now (one dispatch; the caller owns it). */
export function halfOperand(rt: GpuRuntime, t: tf.Tensor): { packed: tf.Tensor; owned: boolean } {
  const copy = halfCopyOf(t);
  return copy ? { packed: copy, owned: false } : { packed: gpuPackHalf(rt, t), owned: true };
}

/**
 * op(a)·op(b) for `--precision f16` on webgpu: float16 operands (a weight's kept copy, anything else packed on
 * the spot), float32 accumulation and output. Null when f16 is off or the backend is not webgpu.
 */
export function gpuMatmulF16(a: tf.Tensor2D, b: tf.Tensor2D, transA: boolean, transB: boolean): tf.Tensor2D | null {
  const rt = gpuRuntime();
  if (!rt || !halfPrecision() || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const pa = halfOperand(rt, a);
  const pb = halfOperand(rt, b);
  const c = gpuMatmulPacked(rt, pa.packed, a.shape, pb.packed, b.shape, transA, transB);
  for (const p of [pa, pb]) if (p.owned) p.packed.dispose();
  return c;
}
