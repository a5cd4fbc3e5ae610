// scale/grow.py under `torchrun --nproc_per_node 2` on CPU (gloo): a few DDP steps on a tiny exported model over real
// text leave the embedding and the existing layer bit-identical, and the result imports back with one more layer.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src-main/engine/backend';
import { exportHf, importHf, type HfImportResult } from '../src-main/engine/hf/index';
import { exportModel, loadModel, readModelMeta } from '../src-main/engine/io';
import { readSafetensors } from '../src-main/engine/util/safetensors';
import { GPT } from '../src-main/engine/model/gpt';
import { randomSubstrate } from './support/model';
import { buildTokenizer, tokenizerToJson } from '../src-main/engine/tokenizer';
import { makeWindows } from '../src-main/engine/train';
import { holdoutSplit } from '../src-main/engine/train/holdout';
import { sha256Hex } from '../src-main/engine/util/hash';
import { ROOT } from './helpers/cli';
import { corpusText } from './helpers/fixtures';
import { requirePython } from './helpers/python';

const dir = mkdtempSync(join(tmpdir(), 'espalier-scale-grow-'));
const p = (name: string): string => join(dir, name);
const T = 32;

let records: Record<string, unknown>[] = [];
let run: { status: number | null; stderr: string };
let back: HfImportResult;
let text: string;
let encode: (t: string) => Int32Array;

beforeAll(async () => {
  const python = requirePython(['torch', 'transformers', 'tokenizers', 'safetensors']);
  await initBackend({ backend: 'wasm', threads: 1 });
  // Characters outside the BMP make UTF-16 offsets (JavaScript's) differ from code-point offsets (Python's).
  text = `${corpusText('en.txt').slice(3000, 15000)}\n𝔈𝔰𝔭𝔞𝔩𝔦𝔢𝔯 🌳 𝔤𝔯𝔬𝔴𝔰\n\n${corpusText('ru.txt').slice(30000, 36000)}\n`;
  writeFileSync(p('data.txt'), text);
  const tok = buildTokenizer([text], { ngrams: 200 });
  encode = (t) => tok.encode(t);
  const sub = randomSubstrate(tok.size, 32, 1, tok.id);
  const m = GPT.create({
    config: { vocabSize: tok.size, layers: 1, dModel: 32, heads: 4, contextLength: T, mlpRatio: 2 },
    substrate: sub,
    tokenizerId: tok.id,
    seed: 4,
  });
  exportModel(p('m'), m, {
    tokenizerJson: tokenizerToJson(tok),
    training: { growth: { stage: 1, steps: 10, valLoss: 6.5 } },
  });
  m.dispose();
  exportHf(p('m'), p('hf'));
  // The interpreter's own torchrun (the .venv's), else the same entry point through the interpreter.
  const torchrun = join(dirname(python), 'torchrun');
  const [cmd, pre] = existsSync(torchrun) ? [torchrun, []] : [python, ['-m', 'torch.distributed.run']];
  const r = spawnSync(
    cmd,
    [
      ...pre,
      '--standalone',
      '--nproc_per_node',
      '2',
      join(ROOT, 'scale/grow.py'),
      '--model',
      p('hf'),
      '--data',
      p('data.txt'),
      '--steps',
      '3',
      '--batch',
      '4',
      '--out',
      p('grown'),
    ],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' }, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 },
  );
  run = { status: r.status, stderr: r.stderr };
  records = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  if (r.status === 0) back = importHf(p('grown'), p('back'));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scale/grow.py with torchrun', () => {
  it('trains a new layer with DDP on 2 processes and reports Espalier-style validation losses', () => {
    expect(run.status, run.stderr).toBe(0);
    const start = records.find((r) => r['event'] === 'start')!;
    expect(start).toMatchObject({ processes: 2, parallel: 'DDP', layers: 2, context: T });
    // Espalier's fixed hold-out: the same cut and held-out text, the same held-out token ids and window counts.
    const split = holdoutSplit(text);
    expect(split.record.documentBoundary).toBe(true);
    expect(start['holdout']).toEqual(split.record);
    const val = encode(split.val);
    expect(start['valTokens']).toBe(val.length);
    expect(start['valTokensSha256']).toBe(sha256Hex(new Uint8Array(val.buffer, val.byteOffset, val.byteLength)));
    expect(start['valWindows']).toBe(makeWindows(val, T).starts.length);
    expect(start['trainWindows']).toBe(makeWindows(encode(split.train), T).starts.length);
    const steps = records.filter((r) => typeof r['step'] === 'number');
    expect(steps.map((r) => r['step'])).toEqual([1, 2, 3]);
    for (const r of steps) expect(Number.isFinite(r['loss'])).toBe(true);
    const saved = records.find((r) => r['event'] === 'saved')!;
    expect(saved).toMatchObject({ layers: 2, out: p('grown') });
    expect(saved['valLoss']).toBeGreaterThan(0);
  });

  it('leaves the embedding and the existing layer bit-identical and trains the new layer, final norm and head', () => {
    const before = readSafetensors(p('hf/model.safetensors')).tensors;
    const after = readSafetensors(p('grown/model.safetensors')).tensors;
    const bytes = (t: { data: ArrayBufferView }): Buffer =>
      Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const same = (name: string): boolean => bytes(before.get(name)!).equals(bytes(after.get(name)!));
    const frozen = [...before.keys()].filter(
      (k) => k.startsWith('model.layers.0.') || k === 'model.embed_tokens.weight',
    );
    expect(frozen.length).toBe(9);
    for (const name of frozen) expect(same(name), name).toBe(true);
    expect(same('lm_head.weight')).toBe(false);
    expect([...after.keys()].filter((k) => k.startsWith('model.layers.1.')).length).toBe(8);
  });

  it('imports back as an Espalier model with one more layer on the same substrate and tokenizer', () => {
    const orig = readModelMeta(p('m'));
    expect(back).toMatchObject({
      layers: 2,
      substrateId: orig.substrate.id,
      tokenizerId: orig.tokenizerId,
      substrateRestored: true,
    });
    const meta = readModelMeta(p('back'));
    expect(meta.frozen.filter((n) => n.startsWith('blocks.0.')).length).toBe(8);
    expect(meta.frozen.some((n) => n.startsWith('blocks.1.'))).toBe(false);
    const history = meta.training?.['history'] as { depth: number; trainer: string }[];
    expect(history.map((h) => h.depth)).toEqual([1, 2]);
    expect(history[1]!.trainer).toMatch(/scale\/grow\.py \(2 processes, DDP\)/);
    const { model } = loadModel(p('back'));
    expect(model.layers).toBe(2);
    model.dispose();
  });
});
