// The Trainer's gradients equal an independent PyTorch implementation's (bench/torch_reference.py `grads`)
// for growth-stage shapes: a frozen prefix, a frozen block between trainable ones, and LoRA on frozen blocks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePython } from '../../../test/helpers/python';
import { LoraSet } from '../grow/lora';
import { exportModel } from '../io/model-folder-format';
import { writeSafetensors } from '../util/safetensors';
import { GPT } from '../model/gpt';
import { randomSubstrate, testBackend, TEST_TOKENIZER_ID } from '../../../test/support/model';
import { Rng } from '../util/rng';
import { batchOf, makeWindows } from './data';
import { Trainer } from './trainer';

const SCRIPT = fileURLToPath(new URL('../../../bench/torch_reference.py', import.meta.url));
const V = 61;
const T = 12;
const B = 2;

let python: string;
let dir: string;
beforeAll(async () => {
  python = requirePython(['torch']);
  await testBackend();
  dir = mkdtempSync(join(tmpdir(), 'espalier-torch-grads-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 3-block model with weights large enough that attention and the MLP shape the gradients. */
function model(): GPT {
  const m = GPT.create({
    config: { vocabSize: V, layers: 3, dModel: 32, heads: 4, contextLength: T, mlpRatio: 2 },
    substrate: randomSubstrate(V, 32, 5),
    tokenizerId: TEST_TOKENIZER_ID,
    seed: 4,
  });
  for (const e of m.params.list()) if (/\.(w[qkvo]|w1|w2)$/.test(e.name)) e.variable.assign(tf.mul(e.variable, 8));
  return m;
}

interface TorchGrads {
  loss: number;
  grads: Record<string, number[]>;
}

/** Espalier's loss and gradients through the Trainer, and PyTorch's for the same folder, batch and frozen set. */
function compare(
  name: string,
  m: GPT,
  lora: LoraSet | null,
): { ours: Map<string, Float32Array>; theirs: TorchGrads; loss: number } {
  const rng = new Rng(9);
  const ids = Int32Array.from({ length: B * T + 1 }, () => Math.floor(rng.next() * V));
  const data = { train: makeWindows(ids, T), val: null };
  const trainer = new Trainer({ model: m, adapter: lora }, data, { steps: 1, batchSize: B, lr: 1e-3 });
  const batch = batchOf(data.train, [0, 1]);
  const { loss, grads } = trainer.gradients(batch);
  const ours = new Map([...grads].map(([n, g]) => [n, Float32Array.from(g.dataSync() as Float32Array)]));
  const lossValue = loss.dataSync()[0]!;
  tf.dispose([loss, ...grads.values()]);
  trainer.dispose();

  const folder = join(dir, name);
  exportModel(folder, m, { tokenizerJson: '{}' });
  const args = [
    SCRIPT,
    'grads',
    folder,
    '--ids',
    Array.from(batch.inputs).join(','),
    '--targets',
    Array.from(batch.targets).join(','),
    '--batch',
    String(B),
  ];
  args.push(
    '--frozen',
    m.params
      .list()
      .filter((e) => e.frozen)
      .map((e) => e.name)
      .join(','),
  );
  if (lora) {
    const file = join(folder, 'lora.safetensors');
    writeSafetensors(file, lora.toHost());
    args.push('--lora', file, '--lora-scale', String(lora.scale));
  }
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`torch_reference.py grads failed: ${r.stderr}`);
  return { ours, theirs: JSON.parse(r.stdout) as TorchGrads, loss: lossValue };
}

function expectSameGradients(label: string, c: ReturnType<typeof compare>): void {
  expect([...c.ours.keys()].sort()).toEqual(Object.keys(c.theirs.grads).sort());
  expect(Math.abs(c.loss - c.theirs.loss)).toBeLessThan(1e-4);
  let worst = 0;
  for (const [n, g] of c.ours) {
    const ref = c.theirs.grads[n]!;
    const scale = Math.max(1e-3, ...ref.map(Math.abs));
    let diff = 0;
    g.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - ref[i]!))));
    worst = Math.max(worst, diff / scale);
    expect(diff / scale, n).toBeLessThan(2e-3);
  }
  console.log(
    `torch-gradients.test (${label}): ${c.ours.size} tensors, worst |Espalier − PyTorch| / max|grad| = ${worst.toExponential(2)}`,
  );
}

describe('Trainer gradients against PyTorch', () => {
  it('a growth stage: blocks 0–1 frozen (forward-only prefix), block 2, final norm and head train', () => {
    const m = model();
    m.freezeBlock(0);
    m.freezeBlock(1);
    const c = compare('frozen-prefix', m, null);
    expect([...c.ours.keys()].some((n) => n.startsWith('blocks.0.') || n.startsWith('blocks.1.'))).toBe(false);
    expectSameGradients('frozen prefix', c);
    m.dispose();
  });

  it('a frozen block between trainable ones passes the gradient through without getting one', () => {
    const m = model();
    m.freezeBlock(1);
    const c = compare('frozen-middle', m, null);
    expect(c.ours.has('blocks.0.mlp.w1')).toBe(true);
    expect(c.ours.has('blocks.1.mlp.w1')).toBe(false);
    expectSameGradients('frozen middle block', c);
    m.dispose();
  });

  it('a LoRA stage: adapters on frozen blocks 0–1 train with block 2 and the head', () => {
    const m = model();
    m.freezeBlock(0);
    m.freezeBlock(1);
    const lora = new LoraSet(4, 8);
    const rng = new Rng(3);
    for (const i of [0, 1]) lora.addBlock(m, i, rng);
    // Fresh adapters have B = 0 (so A gets no gradient); give B values so both factors are checked.
    for (const e of lora.entries())
      if (e.name.endsWith('.lora_b')) e.variable.assign(tf.randomNormal(e.variable.shape, 0, 0.3, 'float32', 11));
    const c = compare('lora', m, lora);
    expect([...c.ours.keys()].filter((n) => n.includes('.lora_'))).toHaveLength(24);
    expectSameGradients('LoRA stage', c);
    lora.dispose();
    m.dispose();
  });
});
