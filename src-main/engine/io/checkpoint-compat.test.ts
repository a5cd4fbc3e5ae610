// The one checkpoint reader also reads version 1 (a growth stage's LoRA adapters as base64 JSON), written by
// the previous code into test/fixtures; re-saved, it becomes version 2 (adapters as tensors) with nothing lost.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStageCheckpoint, saveStageCheckpoint } from '../grow/checkpoint';
import { randomSubstrate, testBackend } from '../../../test/support/model';
import { makeWindows } from '../train/data';
import { Trainer } from '../train/trainer';
import { Rng } from '../util/rng';
import { readCheckpoint } from './checkpoint';
import { readSafetensors } from '../util/safetensors';

const V1 = fileURLToPath(new URL('../../../test/fixtures/checkpoint-v1/lora-stage.safetensors', import.meta.url));
// The fixture's model: vocab 29, d 16, 2 blocks (block 0 frozen, LoRA r=2 alpha=4 on it), substrate seed 7.
const substrate = randomSubstrate(29, 16, 7);

let dir: string;
beforeAll(async () => {
  await testBackend();
  dir = mkdtempSync(join(tmpdir(), 'espalier-ckpt-compat-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

describe('checkpoint reader versions', () => {
  it('reads a version-1 growth stage with base64 LoRA weights, and re-saves it as version 2 exactly', () => {
    expect(readCheckpoint(V1).meta.version).toBe(1);
    const old = loadStageCheckpoint<{ lossBefore: number; curve: number[] }>(V1, substrate);
    expect(old.trainer.step).toBe(2);
    expect(old.notes).toEqual({ lossBefore: 3.5, curve: [1, 2] });
    expect(old.lora).not.toBeNull();
    expect([old.lora!.rank, old.lora!.alpha]).toEqual([2, 4]);
    expect(old.lora!.targets()).toHaveLength(6);
    const trainedB = tf.tidy(() => tf.max(tf.abs(old.lora!.get('blocks.0.mlp.w1')!.b.variable)).dataSync()[0]!);
    expect(trainedB).toBeGreaterThan(0);

    const path = join(dir, 'v2.safetensors');
    const opts = readCheckpoint(V1).meta.train;
    saveStageCheckpoint(path, old, opts);
    const raw = readSafetensors(path);
    expect(raw.metadata['meta']).not.toContain('base64');
    expect(JSON.parse(raw.metadata['meta']!)).toMatchObject({
      version: 2,
      adapter: { kind: 'lora', rank: 2, alpha: 4 },
    });
    expect(raw.tensors.has('adapter.blocks.0.attn.wq.lora_a')).toBe(true);

    const back = loadStageCheckpoint<{ lossBefore: number; curve: number[] }>(path, substrate);
    expect(back.notes).toEqual(old.notes);
    expect(back.trainer).toEqual(old.trainer);
    const [a, b] = [old.lora!.toHost(), back.lora!.toHost()];
    for (const n of Object.keys(a)) expect(same(a[n]!.data, b[n]!.data), n).toBe(true);
    const [wa, wb] = [old.model.params.toHost(), back.model.params.toHost()];
    for (const n of Object.keys(wa)) expect(same(wa[n]!.data, wb[n]!.data), n).toBe(true);

    // Both continue training identically from the restored state.
    const rng = new Rng(1);
    const ids = Int32Array.from({ length: 200 }, () => Math.floor(rng.next() * 29));
    const data = { train: makeWindows(ids, 8), val: null };
    const losses = [old, back].map((c) => {
      const t = new Trainer({ model: c.model, adapter: c.lora }, data, opts, c.trainer);
      const l = [t.trainStep().loss, t.trainStep().loss];
      t.dispose();
      return l;
    });
    expect(losses[1]).toEqual(losses[0]);
    for (const c of [old, back]) {
      c.model.dispose();
      c.lora!.dispose();
    }
  });
});
