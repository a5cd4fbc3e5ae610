// Gradients against the independent PyTorch implementation (bench/torch_reference.py grads): an exported
// folder's loss and every trainable tensor's gradient agree, on the native matrix path and on the wasm one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requirePython } from '../../../test/helpers/python';
import { GPT } from '../model/gpt';
import { setNativeMatmulEnabled } from '../model/native/matmul';
import { randomSubstrate, testBackend, TEST_TOKENIZER_ID } from '../../../test/support/model';
import { exportModel } from './model-folder-format';

const SCRIPT = fileURLToPath(new URL('../../../bench/torch_reference.py', import.meta.url));

let dir: string;
let py: string;
beforeAll(async () => {
  py = requirePython(['torch']);
  await testBackend();
  dir = mkdtempSync(join(tmpdir(), 'espalier-torch-grads-'));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => setNativeMatmulEnabled(true));

describe('PyTorch gradients', () => {
  const V = 61;
  const ids = [3, 17, 42, 5, 60, 0, 9, 9, 31, 12, 7, 58, 44, 2, 19, 23, 50];
  let model: GPT;
  let torch: { loss: number; grads: Record<string, number[]> };

  beforeAll(() => {
    model = GPT.create({
      config: { vocabSize: V, layers: 2, dModel: 32, heads: 4, contextLength: 16, mlpRatio: 3 },
      substrate: randomSubstrate(V, 32, 3),
      tokenizerId: TEST_TOKENIZER_ID,
      seed: 2,
    });
    // Larger weights than the default init, so attention and the MLP matter to the gradients.
    for (const e of model.params.list())
      if (/\.(w[qkvo]|w1|w2)$/.test(e.name)) e.variable.assign(tf.mul(e.variable, 6));
    const out = join(dir, 'model');
    exportModel(out, model, { tokenizerJson: '{}' });
    const args = ['grads', out, '--ids', ids.slice(0, -1).join(','), '--targets', ids.slice(1).join(',')];
    const r = spawnSync(py, [SCRIPT, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`torch_reference.py grads failed: ${r.stderr}`);
    torch = JSON.parse(r.stdout) as typeof torch;
    // Importing torch takes a minute or more on a busy 2-core machine.
  }, 300_000);
  afterAll(() => model.dispose());

  for (const path of ['native', 'wasm'] as const) {
    it(`match Espalier's loss and gradients (${path} matrix products)`, () => {
      setNativeMatmulEnabled(path === 'native');
      const T = ids.length - 1;
      const tokens = tf.tensor2d(ids.slice(0, T), [1, T], 'int32');
      const targets = tf.tensor1d(ids.slice(1), 'int32');
      const ctx = { grads: true };
      const trainable = model.params.trainable();
      const { value, grads } = tf.variableGrads(
        () => model.headLoss(model.blocks(model.embed(tokens, ctx), 0, model.layers, 1, T, ctx), targets, ctx),
        trainable.map((e) => e.variable),
      );
      expect(Math.abs(value.dataSync()[0]! - torch.loss)).toBeLessThan(1e-4);
      expect(Object.keys(torch.grads).sort()).toEqual(trainable.map((e) => e.name).sort());
      for (const e of trainable) {
        const mine = grads[e.variable.name]!.dataSync();
        const ref = torch.grads[e.name]!;
        expect(mine.length, e.name).toBe(ref.length);
        let scale = 0;
        let diff = 0;
        for (let i = 0; i < ref.length; i++) {
          scale = Math.max(scale, Math.abs(ref[i]!));
          diff = Math.max(diff, Math.abs(mine[i]! - ref[i]!));
        }
        expect(diff / Math.max(scale, 1e-12), e.name).toBeLessThan(1e-3);
      }
      tf.dispose([value, ...Object.values(grads), tokens, targets]);
    });
  }
});
