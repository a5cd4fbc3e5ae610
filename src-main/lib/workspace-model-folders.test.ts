// Model folders in a workspace reference the one shared substrate file; folders written the old way (with their
// own copy) still load and can be converted; exports come out self-contained.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel, loadModel } from '../engine/io';
import { saveSubstrate } from '../engine/substrate';
import { buildTokenizer, tokenizerToJson } from '../engine/tokenizer';
import { randomTokens, testBackend, tinyModel } from '../../test/support/model';
import { loadModelSpec } from './model-spec';
import { copySelfContained, loadModelFolder, referenceSubstrate, saveModelFolder } from './workspace-model-folders';

const root = mkdtempSync(join(tmpdir(), 'espalier-workspace-model-folders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(testBackend);

const tok = buildTokenizer(['the quick brown fox jumps over the lazy dog'], { ngrams: 0 });
const config = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { substrate: { id: string; file: string } };

function sameLogits(a: ReturnType<typeof tinyModel>, b: ReturnType<typeof tinyModel>): void {
  const t = randomTokens(2, 8, 37, 4);
  const [la, lb] = [a.logits(t), b.logits(t)];
  expect(tf.max(tf.abs(tf.sub(la, lb))).dataSync()[0]).toBe(0);
  tf.dispose([t, la, lb]);
}

describe('model folders in a workspace', () => {
  it('reference the shared substrate instead of copying it, and load without help', () => {
    const ws = join(root, 'ws1');
    const m = tinyModel();
    const shared = join(ws, 'substrates', `${m.substrate.id}.safetensors`);
    mkdirSync(join(ws, 'substrates'), { recursive: true });
    saveSubstrate(shared, m.substrate as Parameters<typeof saveSubstrate>[1]);
    const dir = join(ws, 'models', 'mdl_a');
    mkdirSync(join(ws, 'models'), { recursive: true });
    saveModelFolder(dir, m, tok, {}, shared);
    expect(existsSync(join(dir, 'substrate.safetensors'))).toBe(false);
    expect(config(dir).substrate).toEqual(
      expect.objectContaining({ id: m.substrate.id, file: `../../substrates/${m.substrate.id}.safetensors` }),
    );
    const back = loadModelFolder(dir);
    sameLogits(m, back);
    back.dispose();

    // Export: a self-contained folder that loads after the workspace is gone; the source is untouched.
    const out = join(root, 'exported');
    return copySelfContained(dir, out).then(() => {
      expect(config(out).substrate.file).toBe('substrate.safetensors');
      expect(config(dir).substrate.file).toBe(`../../substrates/${m.substrate.id}.safetensors`);
      renameSync(ws, join(root, 'ws1-moved-away'));
      const exported = loadModel(out).model;
      sameLogits(m, exported);
      exported.dispose();
      // The workspace folder left behind (its substrate gone): the message says what to do.
      const orphan = join(root, 'ws1-moved-away', 'models', 'mdl_a');
      rmSync(join(root, 'ws1-moved-away', 'substrates'), { recursive: true });
      expect(() => loadModel(orphan)).toThrow(/references the shared substrate .* export the model/);
      m.dispose();
    });
  });

  it('still loads a folder written the old way (its own substrate copy), and can drop the copy', async () => {
    const ws = join(root, 'ws2');
    const m = tinyModel({}, 7);
    const dir = join(ws, 'models', 'mdl_old');
    exportModel(dir, m, { tokenizerJson: tokenizerToJson(tok) });
    expect(config(dir).substrate.file).toBe('substrate.safetensors');
    const shared = join(ws, 'substrates', `${m.substrate.id}.safetensors`);
    mkdirSync(join(ws, 'substrates'), { recursive: true });
    saveSubstrate(shared, m.substrate as Parameters<typeof saveSubstrate>[1]);
    // As the app loads catalog models: through a spec naming the registered substrate file.
    const spec = {
      kind: 'gpt' as const,
      id: 'mdl_old',
      name: 'old',
      dir,
      substrateFile: shared,
      tokenizerFile: join(dir, 'tokenizer.json'),
    };
    const viaSpec = await loadModelSpec(spec);
    sameLogits(m, viaSpec as ReturnType<typeof tinyModel>);
    viaSpec.dispose();
    const own = loadModelFolder(dir);
    sameLogits(m, own);
    own.dispose();

    referenceSubstrate(dir, shared);
    expect(existsSync(join(dir, 'substrate.safetensors'))).toBe(false);
    const after = loadModelFolder(dir);
    sameLogits(m, after);
    after.dispose();
    // A file holding another substrate is refused, changing nothing.
    const other = tinyModel({}, 8);
    const wrong = join(ws, 'substrates', 'other.safetensors');
    const otherSub = { ...other.substrate, id: 'x' } as Parameters<typeof saveSubstrate>[1];
    saveSubstrate(wrong, { ...otherSub, meta: { ...otherSub.meta, id: 'not-this-one' } });
    expect(() => referenceSubstrate(dir, wrong)).toThrow(/the model's substrate is .* holds not-this-o/);
    expect(config(dir).substrate.file).toBe(`../../substrates/${m.substrate.id}.safetensors`);
    other.dispose();
    m.dispose();
  });
});
