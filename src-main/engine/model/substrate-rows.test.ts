// The substrate's rows read from its host matrix on the CPU backends: the same rows tf.gather takes from a
// device copy of the table, a clear error for an id outside the vocabulary, and no table on the wasm heap.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomSubstrate, testBackend, tinyModel } from '../../../test/support/model';
import { SubstrateRows, substrateOnHost } from './substrate-rows';

beforeAll(testBackend);

describe('SubstrateRows', () => {
  it('gathers the rows tf.gather takes from the table', () => {
    expect(substrateOnHost()).toBe(true);
    const s = randomSubstrate(50, 12, 4);
    const rows = new SubstrateRows(s);
    const ids = tf.tensor1d([3, 0, 49, 3, 17], 'int32');
    const table = tf.tensor2d(s.matrix, [50, 12]);
    const [a, b] = [rows.gather(ids), tf.gather(table, ids)];
    expect(a.shape).toEqual([5, 12]);
    expect(a.dataSync()).toEqual(b.dataSync());
    const bad = tf.tensor1d([1, 50], 'int32');
    expect(() => rows.gather(bad)).toThrow('token id 50 at position 1 is outside the vocabulary [0, 50)');
    tf.dispose([ids, table, a, b, bad]);
    rows.dispose();
  });

  it('keeps no copy of the table on the wasm heap', () => {
    const before = tf.memory().numBytes;
    const m = tinyModel({ vocabSize: 4096, dModel: 16, substrateDim: 64 });
    const params = m.params.list().reduce((a, e) => a + 4 * e.variable.size, 0);
    // The model's tensors are its parameters alone; the 4096 × 64 table stays in the substrate's host matrix.
    expect(tf.memory().numBytes - before).toBe(params);
    expect(params).toBeLessThan(4 * 4096 * 64);
    const x = m.embed(tf.tensor2d([[1, 4095]], [1, 2], 'int32'));
    expect(x.value.shape).toEqual([2, 16]);
    x.value.dispose();
    m.dispose();
  });
});
