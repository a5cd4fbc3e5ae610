// Sharded Hugging Face exports: above --max-shard-size the weights go into model-0000N-of-0000M.safetensors with
// model.safetensors.index.json, exactly as save_pretrained lays them out; the real transformers loads the folder
// and continues prompts greedily as Espalier does; `import --format hf` reads the shards back to the same model.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIds } from '../src-main/engine/generate/generate';
import { planShards } from '../src-main/engine/hf/index';
import { exportModel, loadModel, readSafetensors } from '../src-main/engine/io';
import { GPT } from '../src-main/engine/model/gpt';
import { buildTokenizer, tokenizerToJson, type Tokenizer } from '../src-main/engine/tokenizer';
import { randomSubstrate, testBackend } from './support/model';
import { ROOT, runCli } from './helpers/cli';
import { corpusText } from './helpers/fixtures';
import { requirePython } from './helpers/python';

const dir = mkdtempSync(join(tmpdir(), 'espalier-hf-shards-'));
const p = (name: string): string => join(dir, name);
const NEW = 10;
let tok: Tokenizer;
let prompts: number[][];

async function greedy(folder: string): Promise<{ greedy: number[][]; logits: Float32Array[] }> {
  const { model } = loadModel(folder);
  const out = { greedy: [] as number[][], logits: [] as Float32Array[] };
  for (const ids of prompts) {
    const l = tf.tidy(() => model.logits(tf.tensor2d(ids, [1, ids.length], 'int32')));
    out.logits.push(l.dataSync() as Float32Array);
    l.dispose();
    const g = await generateIds(model, [Int32Array.from(ids)], { maxTokens: NEW, temperature: 0, topK: 0, topP: 1 });
    out.greedy.push([...g.ids[0]!]);
  }
  model.dispose();
  return out;
}

let exported: Record<string, unknown>;
let mine: Awaited<ReturnType<typeof greedy>>;
let back: Awaited<ReturnType<typeof greedy>>;
let hf: { architecture: string; prompts: { greedy: number[]; logits: number[][] }[] };

beforeAll(async () => {
  const python = requirePython(['torch', 'transformers']);
  await testBackend();
  const plain = corpusText('en.txt').slice(3000, 15000);
  tok = buildTokenizer([plain], { ngrams: 300 });
  prompts = [plain.slice(100, 220), plain.slice(4000, 4100)].map((s) => [...tok.encode(s)].slice(0, 20));
  const sub = randomSubstrate(tok.size, 32, 5, tok.id);
  const m = GPT.create({
    config: { vocabSize: tok.size, layers: 3, dModel: 32, heads: 4, contextLength: 48, mlpRatio: 4, initStd: 0.25 },
    substrate: sub,
    tokenizerId: tok.id,
    seed: 21,
  });
  m.freezeBlock(0);
  exportModel(p('m'), m, { tokenizerJson: tokenizerToJson(tok) });
  m.dispose();
  // 0.03 MB: each block (8 × 4 KB matrices and norms) is about 25 KB, so the model splits into several shards.
  const r = runCli([
    'export',
    '--format',
    'hf',
    '--model',
    p('m'),
    '--out',
    p('hf'),
    '--max-shard-size',
    '0.03',
    '--json',
  ]);
  if (r.code !== 0) throw new Error(r.stderr);
  exported = r.json();
  const imp = runCli(['import', '--format', 'hf', '--from', p('hf'), '--out', p('back'), '--json']);
  if (imp.code !== 0) throw new Error(imp.stderr);
  mine = await greedy(p('m'));
  back = await greedy(p('back'));
  writeFileSync(p('jobs.json'), JSON.stringify([{ folder: p('hf'), prompts, new: NEW }]));
  const py = spawnSync(python, [join(ROOT, 'test/python/hf_model.py'), p('jobs.json')], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (py.status !== 0) throw new Error(`hf_model.py failed:\n${py.stderr}`);
  hf = (JSON.parse(py.stdout) as (typeof hf)[])[0]!;
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sharded Hugging Face export', () => {
  it("writes save_pretrained's layout: numbered shards under the size limit and an index mapping every tensor", () => {
    const files = exported['files'] as string[];
    const shards = files.filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f));
    expect(shards.length).toBeGreaterThan(2);
    expect(files).toContain('model.safetensors.index.json');
    expect(files).not.toContain('model.safetensors');
    expect(shards).toEqual(
      shards.map(
        (_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`,
      ),
    );
    const index = JSON.parse(readFileSync(p('hf/model.safetensors.index.json'), 'utf8')) as {
      metadata: { total_size: number };
      weight_map: Record<string, string>;
    };
    let total = 0;
    const seen = new Set<string>();
    for (const s of shards) {
      const f = readSafetensors(p(`hf/${s}`));
      expect(f.metadata).toEqual({ format: 'pt' });
      for (const [name, t] of f.tensors) {
        expect(index.weight_map[name], name).toBe(s);
        total += t.data.byteLength;
        seen.add(name);
      }
      // A shard holds more than the limit only when one tensor alone does (the 32×V embedding and head here).
      if (f.tensors.size > 1) expect(statSync(p(`hf/${s}`)).size).toBeLessThan(30_000 + 4096);
    }
    expect(index.metadata.total_size).toBe(total);
    expect([...seen].sort()).toEqual(Object.keys(index.weight_map).sort());
    expect(readdirSync(p('hf')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('loads in transformers (AutoModelForCausalLM, no custom code) and continues prompts greedily as Espalier does', () => {
    expect(hf.architecture).toBe('ArceeForCausalLM');
    hf.prompts.forEach((h, i) => {
      expect(h.greedy, `prompt ${i}`).toEqual(mine.greedy[i]);
      const flat = h.logits.flat();
      expect(Math.max(...flat.map((v, j) => Math.abs(v - mine.logits[i]![j]!)))).toBeLessThan(1e-4);
    });
  });

  it('imports the shards back into the same model (identical logits and continuation)', () => {
    expect(back.greedy).toEqual(mine.greedy);
    back.logits.forEach((l, i) => expect(l).toEqual(mine.logits[i]));
  });

  it('plans shards in order, a tensor larger than the limit alone in its shard', () => {
    const t = (n: number) => ({ dtype: 'F32' as const, shape: [n], data: new Float32Array(n) });
    expect(planShards({ a: t(10), b: t(10), c: t(100), d: t(5), e: t(5) }, 80)).toEqual([
      ['a', 'b'],
      ['c'],
      ['d', 'e'],
    ]);
    expect(planShards({ a: t(10) }, 1e9)).toEqual([['a']]);
  });
});
