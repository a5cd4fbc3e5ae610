// An exported folder loads in the independent PyTorch implementation (bench/torch_reference.py) and gives
// the same logits. Needs the project's Python with torch (`bash scripts/python-env.sh`); fails naming it otherwise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { torchLogitsDiff } from '../../../bench/torch_check';
import { GPT } from '../model/gpt';
import { randomSubstrate, testBackend, TEST_TOKENIZER_ID } from '../../../test/support/model';
import { exportModel } from './model-folder-format';
import { requirePython } from '../../../test/helpers/python';

let dir: string;
let python: string;
beforeAll(async () => {
  python = requirePython(['torch']);
  await testBackend();
  dir = mkdtempSync(join(tmpdir(), 'espalier-torch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PyTorch reference', () => {
  for (const [name, cfg] of [
    ['rmsnorm, frozen substrate', {}],
    [
      'layernorm, projected substrate, trainable embedding, input scale',
      { norm: 'layernorm', embedding: 'trainable', substrateDim: 24, inputScale: 1.7 },
    ],
  ] as const) {
    it(`gives Espalier's logits (${name})`, () => {
      const V = 61;
      const m = GPT.create({
        config: { vocabSize: V, layers: 2, dModel: 32, heads: 4, contextLength: 16, mlpRatio: 3, ...cfg },
        substrate: randomSubstrate(V, 'substrateDim' in cfg ? cfg.substrateDim : 32, 3),
        tokenizerId: TEST_TOKENIZER_ID,
        seed: 2,
        // Larger weights than the default init, so attention and the MLP matter to the logits.
      });
      for (const e of m.params.list()) if (/\.(w[qkvo]|w1|w2)$/.test(e.name)) e.variable.assign(tf.mul(e.variable, 10));
      const out = join(dir, name.replace(/\W+/g, '-'));
      exportModel(out, m, { tokenizerJson: '{}' });
      const ids = [3, 17, 42, 5, 60, 0, 9, 9, 31, 12, 7, 58];
      const input = tf.tensor2d(ids, [1, ids.length], 'int32');
      const logits = m.logits(input);
      const diff = torchLogitsDiff(python, out, ids, logits.dataSync() as Float32Array);
      console.log(`torch-reference.test (${name}): max |Espalier − PyTorch| = ${diff.toExponential(3)}`);
      expect(diff).toBeLessThan(1e-4);
      tf.dispose([input, logits]);
      m.dispose();
    });
  }
});
