// Export to and import from Hugging Face transformers, end to end on models over real English/Russian/Chinese text:
// AutoModelForCausalLM reproduces Espalier's logits and greedy continuation; import(export(m)) is m again
// (same substrate and tokenizer ids, so it merges with experts on that substrate and evaluates).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeModel, openEvalModel } from '../src-main/cli/eval-model';
import { initBackend } from '../src-main/engine/backend';
import { runEval } from '../src-main/engine/eval/run';
import { saveResult } from '../src-main/engine/eval/results';
import { generateIds } from '../src-main/engine/generate/generate';
import { exportHf, importHf } from '../src-main/engine/hf/index';
import { exportModel, loadModel, readModelMeta } from '../src-main/engine/io';
import type { ModelConfigInput } from '../src-main/engine/model/config';
import { GPT } from '../src-main/engine/model/gpt';
import { randomSubstrate } from './support/model';
import { buildTokenizer, tokenizerToJson, type Tokenizer } from '../src-main/engine/tokenizer';
import { ROOT, runCli } from './helpers/cli';
import { corpusText } from './helpers/fixtures';
import { requirePython } from './helpers/python';

const dir = mkdtempSync(join(tmpdir(), 'espalier-hf-model-'));
const p = (name: string): string => join(dir, name);
const NEW = 12;

interface HfPrompt {
  logits: number[][];
  greedy: number[];
}
interface HfOut {
  architecture: string;
  config: Record<string, unknown>;
  rope: Record<string, unknown>;
  prompts: HfPrompt[];
  tokenizer_ids?: number[][];
}
interface Mine {
  logits: Float32Array;
  greedy: number[];
}

let tok: Tokenizer;
let prompts: number[][];
let lines: string[];
const mine: Record<string, Mine[]> = {};
let hf: { proj: HfOut; plain: HfOut };
let exported: Record<string, unknown>;
let imported: Record<string, unknown>;

function cli(args: string[]): Record<string, unknown> {
  const r = runCli([...args, '--json']);
  if (r.code !== 0) throw new Error(`espalier ${args.join(' ')} failed:\n${r.stderr}`);
  return r.json();
}

function save(name: string, config: Partial<ModelConfigInput>, subDim: number, seed: number): string {
  const sub = randomSubstrate(tok.size, subDim, 1, tok.id);
  const m = GPT.create({
    config: {
      vocabSize: tok.size,
      layers: 2,
      dModel: 32,
      heads: 4,
      contextLength: 48,
      mlpRatio: 4,
      initStd: 0.25,
      ...config,
    },
    substrate: sub,
    tokenizerId: tok.id,
    seed,
  });
  m.freezeBlock(0);
  exportModel(p(name), m, {
    tokenizerJson: tokenizerToJson(tok),
    training: { growth: { stage: 2, steps: 40, valLoss: 5.25 } },
  });
  m.dispose();
  return p(name);
}

async function espalier(folder: string): Promise<Mine[]> {
  const { model } = loadModel(folder);
  const out: Mine[] = [];
  for (const ids of prompts) {
    const logits = tf.tidy(() => model.logits(tf.tensor2d(ids, [1, ids.length], 'int32')));
    const g = await generateIds(model, [Int32Array.from(ids)], { maxTokens: NEW, temperature: 0, topK: 0, topP: 1 });
    out.push({ logits: logits.dataSync() as Float32Array, greedy: [...g.ids[0]!] });
    logits.dispose();
  }
  model.dispose();
  return out;
}

function maxDiff(a: Float32Array, rows: number[][]): number {
  const flat = rows.flat();
  expect(flat.length).toBe(a.length);
  let m = 0;
  flat.forEach((v, i) => (m = Math.max(m, Math.abs(v - a[i]!))));
  return m;
}

async function ppl(folder: string): Promise<number> {
  const m = await openEvalModel(folder);
  try {
    const r = await runEval(
      { model: m.model, tokenizer: m.tokenizer },
      { task: 'ppl', data: p('eval.txt') },
      { modelId: m.modelId },
    );
    if (folder === p('plain')) saveResult(folder, r);
    const v = r.metrics['ppl'];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${folder}: perplexity ${String(v)}`);
    return v;
  } finally {
    disposeModel(m.model);
  }
}

beforeAll(async () => {
  const python = requirePython(['torch', 'transformers']);
  await initBackend({ backend: 'wasm', threads: 1 });
  const [en, ru, zh] = (['en.txt', 'ru.txt', 'zh.txt'] as const).map(corpusText) as [string, string, string];
  const text = { en: en.slice(2000, 14000), ru: ru.slice(2000, 14000), zh: zh.slice(2000, 8000) };
  tok = buildTokenizer([text.en, text.ru, text.zh], { ngrams: 400 });
  prompts = [text.en.slice(300, 400), text.ru.slice(500, 600), text.zh.slice(100, 140)].map((s) =>
    [...tok.encode(s)].slice(0, 24),
  );
  // Real lines of all three texts plus the whole excerpts, for AutoTokenizer against Espalier's encoder.
  lines = [text.en, text.ru, text.zh].flatMap((t) =>
    t
      .split('\n')
      .filter((l) => l.trim())
      .slice(0, 40),
  );
  writeFileSync(p('eval.txt'), `${text.en.slice(0, 1500)}\n${text.ru.slice(0, 1500)}\n${text.zh.slice(0, 800)}\n`);

  save('proj', { substrateDim: 24, inputProjection: 'frozen-random', inputScale: 1.7 }, 24, 11);
  save('plain', {}, 32, 12);
  save('expert', {}, 32, 13);
  await ppl(p('plain'));
  exportHf(p('proj'), p('proj-hf'));
  exported = cli(['export', '--format', 'hf', '--model', p('plain'), '--out', p('plain-hf')]);
  imported = cli(['import', '--format', 'hf', '--from', p('plain-hf'), '--out', p('plain-back')]);
  for (const name of ['proj', 'plain', 'plain-back']) mine[name] = await espalier(p(name));

  const jobs = ['proj-hf', 'plain-hf'].map((f) => ({
    folder: p(f),
    prompts,
    new: NEW,
    texts: f === 'plain-hf' ? lines : [],
  }));
  writeFileSync(p('jobs.json'), JSON.stringify(jobs));
  const r = spawnSync(python, [join(ROOT, 'test/python/hf_model.py'), p('jobs.json')], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`hf_model.py failed:\n${r.stderr}`);
  const [proj, plain] = JSON.parse(r.stdout) as [HfOut, HfOut];
  hf = { proj, plain };
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export --format hf', () => {
  it('writes the transformers files, and AutoModelForCausalLM loads them as ArceeForCausalLM with the mapped settings', () => {
    expect(exported).toMatchObject({ layers: 2, embedding: 'substrate' });
    expect(exported['files']).toEqual([
      'README.md',
      'config.json',
      'espalier.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const cfg = JSON.parse(readFileSync(p('plain-hf/config.json'), 'utf8')) as Record<string, unknown>;
    expect(cfg).not.toHaveProperty('auto_map');
    expect(hf.plain.architecture).toBe('ArceeForCausalLM');
    expect(hf.plain.config).toEqual({
      hidden_act: 'gelu_pytorch_tanh',
      mlp_bias: false,
      attention_bias: false,
      tie_word_embeddings: false,
      rms_norm_eps: 1e-5,
      head_dim: 8,
      num_hidden_layers: 2,
    });
    expect(hf.plain.rope).toMatchObject({ rope_type: 'default', rope_theta: 10000 });
  });

  it('gives the same logits (within 1e-4) and greedy continuation on English, Russian and Chinese prompts', () => {
    for (const [name, out] of [
      ['plain', hf.plain],
      ['proj', hf.proj],
    ] as const) {
      out.prompts.forEach((h, i) => {
        expect(maxDiff(mine[name]![i]!.logits, h.logits), `${name} prompt ${i}`).toBeLessThan(1e-4);
        expect(h.greedy, `${name} prompt ${i}`).toEqual(mine[name]![i]!.greedy);
      });
    }
    // A projection and input scale have no transformers field: they are folded into the exported table.
    expect(JSON.parse(readFileSync(p('proj-hf/espalier.json'), 'utf8'))).toMatchObject({ embedding: 'folded' });
  });

  it("gives AutoTokenizer exactly Espalier's ids on real English, Russian and Chinese lines", () => {
    const ids = hf.plain.tokenizer_ids!;
    expect(ids.length).toBe(lines.length);
    lines.forEach((l, i) => expect(ids[i], l).toEqual([...tok.encode(l)]));
  });

  it('writes a model card naming the substrate, the tokenizer, the growth and the evaluation with its protocol', () => {
    const card = readFileSync(p('plain-hf/README.md'), 'utf8');
    const meta = readModelMeta(p('plain'));
    expect(card).toContain('library_name: transformers');
    expect(card).toContain('kind: `random`');
    expect(card).toContain(meta.substrate.id);
    expect(card).toContain(meta.tokenizerId);
    expect(card).toMatch(/\| 2 \| 40 \| 5\.2500 \| Espalier \|/);
    expect(card).toMatch(/\| ppl \| loglik \|/);
    expect(card).toContain('eval.txt');
  });

  it('refuses a LayerNorm model (no exact transformers twin) with the reason, and never overwrites a folder', () => {
    const sub = randomSubstrate(tok.size, 32, 1, tok.id);
    const ln = GPT.create({
      config: { vocabSize: tok.size, layers: 1, dModel: 32, heads: 4, norm: 'layernorm' },
      substrate: sub,
      tokenizerId: tok.id,
    });
    exportModel(p('ln'), ln, { tokenizerJson: tokenizerToJson(tok) });
    ln.dispose();
    expect(() => exportHf(p('ln'), p('ln-hf'))).toThrow(/norm is "layernorm".*RMSNorm only/);
    expect(existsSync(p('ln-hf'))).toBe(false);
    expect(() => exportHf(p('plain'), p('plain-hf'))).toThrow(/is not empty/);
  });
});

describe('import --format hf', () => {
  it('brings the model back with the same substrate and tokenizer ids, frozen tiers and growth history', () => {
    const orig = readModelMeta(p('plain'));
    const back = readModelMeta(p('plain-back'));
    expect(imported).toMatchObject({
      layers: 2,
      substrateId: orig.substrate.id,
      tokenizerId: orig.tokenizerId,
      substrateRestored: true,
    });
    expect(back.substrate).toMatchObject({ id: orig.substrate.id, kind: 'random' });
    expect(back.frozen).toEqual(orig.frozen.filter((n) => n.startsWith('blocks.')));
    expect(back.config).toEqual(orig.config);
    expect(back.training?.['history']).toEqual([{ depth: 2, steps: 40, valLoss: 5.25, trainer: 'Espalier' }]);
  });

  it('generates identically to the original (import(export(m)) = m)', () => {
    mine['plain-back']!.forEach((b, i) => {
      const a = mine['plain']![i]!;
      expect(b.greedy).toEqual(a.greedy);
      expect(maxDiff(b.logits, [Array.from(a.logits)])).toBe(0);
    });
  });

  it('merges with an expert on the same substrate and evaluates like the original; the merge itself does not export', async () => {
    const merged = cli(['merge', '--expert', p('plain-back'), '--expert', p('expert'), '--out', p('merge-b')]);
    expect(merged).toMatchObject({ kind: 'merge', substrateId: readModelMeta(p('expert')).substrate.id });
    // A merge has no single-model twin in transformers: refused with the reason.
    expect(() => exportHf(p('merge-b'), p('merge-hf'))).toThrow(
      /cannot export a merge.*averages its experts.*export each expert/,
    );
    expect(existsSync(p('merge-hf'))).toBe(false);
    const [a, b, m] = [await ppl(p('plain')), await ppl(p('plain-back')), await ppl(p('merge-b'))];
    expect(Number.isFinite(m)).toBe(true);
    expect(b).toBe(a);
  }, 60_000);

  it('refuses foreign architectures, naming the field', () => {
    const cfg = JSON.parse(readFileSync(p('plain-hf/config.json'), 'utf8')) as Record<string, unknown>;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ architectures: ['LlamaForCausalLM'], model_type: 'llama' }, /field "architectures" is \["LlamaForCausalLM"\]/],
      [{ hidden_act: 'silu' }, /field "hidden_act" is "silu"/],
      [{ tie_word_embeddings: true }, /field "tie_word_embeddings" is true/],
      [{ num_key_value_heads: 2 }, /field "num_key_value_heads" is 2/],
    ];
    for (const [patch, msg] of cases) {
      writeFileSync(p('plain-hf/config.json'), JSON.stringify({ ...cfg, ...patch }));
      expect(() => importHf(p('plain-hf'), p('foreign'))).toThrow(msg);
      expect(existsSync(p('foreign'))).toBe(false);
    }
    writeFileSync(p('plain-hf/config.json'), JSON.stringify(cfg));
  });
});
