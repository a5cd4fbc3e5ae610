// The frozen substrate's rows for a batch of token ids. On the CPU backends the table is read where it already
// lives, the substrate's host matrix, and only the batch's rows [N, dim] become a tensor: no second copy of the
// table on the wasm heap (a 65,536 × 1024 table is 256 MiB of a 4 GiB heap). GPU backends keep one device copy,
// made on first use, and gather there.
import * as tf from '@tensorflow/tfjs-core';
import type { SubstrateRef } from './gpt';
import { gatherRows } from './wasm/layout';

/** Backends whose tensors live in this process's memory, where copying a batch's rows costs microseconds. */
export function substrateOnHost(backend = tf.getBackend()): boolean {
  return backend === 'wasm' || backend === 'cpu';
}

export class SubstrateRows {
  private device: tf.Tensor2D | null = null;

  constructor(private readonly substrate: SubstrateRef) {}

  /** Rows at int32 ids [N] as [N, dim]. */
  gather(ids: tf.Tensor1D): tf.Tensor2D {
    const s = this.substrate;
    if (!substrateOnHost()) {
      this.device ??= tf.keep(tf.tensor2d(s.matrix, [s.vocabSize, s.dim]));
      return gatherRows(this.device, ids);
    }
    const host = ids.dataSync();
    const d = s.dim;
    const out = new Float32Array(host.length * d);
    for (let i = 0; i < host.length; i++) {
      const id = host[i]!;
      if (!(id >= 0 && id < s.vocabSize))
        throw new RangeError(`token id ${id} at position ${i} is outside the vocabulary [0, ${s.vocabSize})`);
      out.set(s.matrix.subarray(id * d, id * d + d), i * d);
    }
    return tf.tensor2d(out, [host.length, d]);
  }

  dispose(): void {
    this.device?.dispose();
    this.device = null;
  }
}
