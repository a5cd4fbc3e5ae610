// merge.json round trips: references instead of weights, relative paths, ids, merges of merges, and the
// errors a user can cause (bad file, cycle, an expert retrained in place).
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomTable } from '../../../test/helpers/toy-lm';
import { BigramLM } from '../../../test/oracles/bigram';
import type { CausalLM } from '../model/lm';
import { MergedLM } from './merged';
import { isIdRef, loadAnyModel, loadMergedModel, readMergeSpec, saveMerge } from './spec';
import { initBackend } from '../backend';

// Models are built while the suite is collected, so the backend must be up before that.
await initBackend({ backend: 'wasm', threads: 1 });

const V = 8;
const root = mkdtempSync(join(tmpdir(), 'espalier-merge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Expert folders with a marker file; the loader maps a resolved folder (or an id) to an in-memory model. */
const models = new Map<string, CausalLM>();
function expertDir(name: string, model: CausalLM): string {
  const dir = join(root, 'experts', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), `{"fake":"${name}"}`);
  models.set(resolve(dir), model);
  return dir;
}
const loaded: string[] = [];
async function loader(ref: string): Promise<CausalLM> {
  loaded.push(ref);
  const m = models.get(ref.startsWith('catalog:') ? ref : resolve(ref));
  if (!m) throw new Error(`no model at ${ref}`);
  return m;
}

function probsAt(m: CausalLM, ids: number[]): number[] {
  const x = tf.tensor2d(ids, [1, ids.length], 'int32');
  const p = tf.tidy(() => tf.softmax(m.logits(x)));
  const d = Array.from(p.dataSync());
  tf.dispose([x, p]);
  return d;
}

describe('merge on disk', () => {
  const ids = { substrateId: 'S', tokenizerId: 'T' };
  const ru = new BigramLM(randomTable(V, 1), ids);
  const zh = new BigramLM(randomTable(V, 2), ids);
  const en = new BigramLM(randomTable(V, 3), ids);
  const ruDir = expertDir('ru', ru);
  const zhDir = expertDir('zh', zh);
  models.set('catalog:en', en);
  afterAll(() => [ru, zh, en].forEach((m) => m.dispose()));

  it('saves references, not weights, and loads back the same model', async () => {
    const out = join(root, 'merges', 'ruzh');
    const merged = new MergedLM([ru, zh], { mode: 'weighted', weights: [3, 1] });
    const spec = saveMerge(out, merged, [ruDir, zhDir]);
    expect(spec).toMatchObject({
      kind: 'merge',
      mode: 'weighted',
      weights: [0.75, 0.25],
      substrateId: 'S',
      tokenizerId: 'T',
    });
    expect(spec.experts).toEqual(['../../experts/ru', '../../experts/zh']);
    expect(Date.parse(spec.created)).not.toBeNaN();
    expect(readdirSync(out).sort()).toEqual(['merge.json', 'tokenizer.json']);
    expect(readFileSync(join(out, 'tokenizer.json'), 'utf8')).toContain('"ru"');
    expect(readMergeSpec(out)).toEqual(spec);

    loaded.length = 0;
    const back = await loadMergedModel(out, loader);
    expect(loaded).toEqual([resolve(ruDir), resolve(zhDir)]);
    expect(back.mode).toBe('weighted');
    expect(probsAt(back, [1, 2, 3])).toEqual(probsAt(merged, [1, 2, 3]));
  });

  it('loads a merge of merges and passes ids through', async () => {
    const inner = join(root, 'merges', 'inner');
    saveMerge(inner, new MergedLM([ru, zh]), [ruDir, zhDir]);
    const outer = join(root, 'merges', 'outer');
    const spec = saveMerge(outer, new MergedLM([await loadMergedModel(inner, loader), en], { mode: 'probs' }), [
      inner,
      'catalog:en',
    ]);
    expect(spec.experts).toEqual(['../inner', 'catalog:en']);
    const m = (await loadAnyModel(outer, loader)) as MergedLM;
    expect(m.experts[0]).toBeInstanceOf(MergedLM);
    expect(m.experts[1]).toBe(en);
    const want = new MergedLM([new MergedLM([ru, zh]), en], { mode: 'probs' });
    probsAt(m, [4, 5]).forEach((p, i) => expect(p).toBeCloseTo(probsAt(want, [4, 5])[i]!, 6));
    expect(await loadAnyModel(ruDir, loader)).toBe(ru);
  });

  it('tells the user what is wrong with a merge folder', async () => {
    const bad = join(root, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'merge.json'), '{not json');
    expect(() => readMergeSpec(bad)).toThrow(/merge\.json: the merge spec is not valid JSON/);
    writeFileSync(
      join(bad, 'merge.json'),
      JSON.stringify({
        kind: 'merge',
        mode: 'median',
        experts: ['a', 'b'],
        weights: [],
        substrateId: 'S',
        tokenizerId: 'T',
      }),
    );
    expect(() => readMergeSpec(bad)).toThrow(/field "mode" must be one of logits, weighted, probs, confidence/);
    expect(() => readMergeSpec(join(root, 'nowhere'))).toThrow(/merge\.json: merge spec not found/);

    const cyc = join(root, 'cycle');
    mkdirSync(cyc, { recursive: true });
    writeFileSync(
      join(cyc, 'merge.json'),
      JSON.stringify({
        kind: 'merge',
        mode: 'logits',
        experts: ['.', ruDir],
        weights: [0.5, 0.5],
        substrateId: 'S',
        tokenizerId: 'T',
      }),
    );
    await expect(loadMergedModel(cyc, loader)).rejects.toThrow(/cycle/);

    const stale = join(root, 'stale');
    mkdirSync(stale, { recursive: true });
    writeFileSync(
      join(stale, 'merge.json'),
      JSON.stringify({
        kind: 'merge',
        mode: 'logits',
        experts: [ruDir, zhDir],
        weights: [0.5, 0.5],
        substrateId: 'S0',
        tokenizerId: 'T',
      }),
    );
    await expect(loadMergedModel(stale, loader)).rejects.toThrow(
      /now has substrate S, tokenizer T, but the merge was made with substrate S0, tokenizer T; merge again/,
    );

    const trained = join(root, 'trained');
    mkdirSync(trained, { recursive: true });
    writeFileSync(join(trained, 'model.safetensors'), '');
    expect(() => saveMerge(trained, new MergedLM([ru, zh]), [ruDir, zhDir])).toThrow(/holds a trained model/);
  });

  it('tells ids from paths', () => {
    expect(isIdRef('catalog:42')).toBe(true);
    expect(isIdRef('C:\\models\\ru')).toBe(false);
    expect(isIdRef('./models/ru')).toBe(false);
    expect(isIdRef('/abs/ru')).toBe(false);
  });
});
