// Files read through schemas: a hand-edited model config or substrate file is refused naming the file and field.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromJson } from '../model/config';
import { writeSafetensors } from './safetensors';
import { readModelMeta } from '../io/model-folder-format';
import { loadSubstrate, saveSubstrate, substrateId, type Substrate } from '../substrate/format';
import { randomMatrix } from '../substrate/codes';

const dir = mkdtempSync(join(tmpdir(), 'espalier-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function substrate(): Substrate {
  const matrix = randomMatrix(8, 4, 3);
  const id = substrateId('tok', matrix);
  return {
    id,
    kind: 'random',
    dim: 4,
    vocabSize: 8,
    matrix,
    meta: {
      format: 'espalier-substrate',
      id,
      kind: 'random',
      dim: 4,
      vocabSize: 8,
      tokenizerId: 'tok',
      builderVersion: 1,
      seed: 3,
    },
  };
}

describe('configFromJson', () => {
  it('names the field whose type is wrong, then the value rules resolveConfig applies', () => {
    expect(() => configFromJson({ vocabSize: 10, dModel: '64' }, 'm/config.json "config"')).toThrow(
      /^m\/config\.json "config" \(model config\): "dModel": .*expected number/i,
    );
    expect(() => configFromJson({ vocabSize: 10, norm: 'batchnorm' }, 'm/config.json')).toThrow(/"norm": /);
    expect(() => configFromJson([], 'm/config.json')).toThrow(
      /m\/config\.json \(model config\): the value: .*expected object/i,
    );
    expect(() => configFromJson({ vocabSize: 10, dModel: 30, heads: 4 }, 'm/config.json')).toThrow(
      'm/config.json: model config: heads (4) must divide dModel (30)',
    );
    expect(configFromJson({ vocabSize: 10, dModel: 32, heads: 2, someFutureKey: true }, 'm').dModel).toBe(32);
  });
});

describe('loadSubstrate metadata', () => {
  it('round-trips numbers written as strings and keeps keys it does not know', () => {
    const sub = substrate();
    const p = join(dir, 'ok.safetensors');
    writeSafetensors(
      p,
      { embeddings: { shape: [8, 4], data: sub.matrix } },
      { ...Object.fromEntries(Object.entries(sub.meta).map(([k, v]) => [k, String(v)])), laterKey: 'x' },
    );
    const back = loadSubstrate(p);
    expect(back.meta).toMatchObject({ dim: 4, vocabSize: 8, seed: 3, kind: 'random', laterKey: 'x' });
    saveSubstrate(join(dir, 'copy.safetensors'), back);
    expect(loadSubstrate(join(dir, 'copy.safetensors')).meta).toEqual(back.meta);
  });

  it('refuses a non-numeric size or an unknown kind, naming the file and the field', () => {
    const sub = substrate();
    const meta = Object.fromEntries(Object.entries(sub.meta).map(([k, v]) => [k, String(v)]));
    const bad = join(dir, 'bad.safetensors');
    writeSafetensors(bad, { embeddings: { shape: [8, 4], data: sub.matrix } }, { ...meta, dim: 'four' });
    expect(() => loadSubstrate(bad)).toThrow(`${bad} (substrate metadata): "dim": expected a number`);
    writeSafetensors(bad, { embeddings: { shape: [8, 4], data: sub.matrix } }, { ...meta, kind: 'learned' });
    expect(() => loadSubstrate(bad)).toThrow(new RegExp(`substrate metadata\\): "kind": `));
  });
});

describe('readModelMeta', () => {
  const folder = join(dir, 'model');
  mkdirSync(folder, { recursive: true });
  const good = {
    format: 'espalier-model',
    version: 1,
    config: { vocabSize: 8, dModel: 4, heads: 2 },
    substrate: { id: 'x', dim: 4, vocabSize: 8, file: 'substrate.safetensors' },
    tokenizerId: 'tok',
  };
  const write = (o: unknown): void => writeFileSync(join(folder, 'config.json'), JSON.stringify(o));

  it('fills what older folders left out and resolves the config', () => {
    write(good);
    const m = readModelMeta(folder);
    expect(m.frozen).toEqual([]);
    expect(m.config).toMatchObject({ vocabSize: 8, dModel: 4, heads: 2, layers: 2 });
  });

  it('names the field that is missing, mistyped or too new', () => {
    const path = join(folder, 'config.json');
    write({ ...good, version: 9 });
    expect(() => readModelMeta(folder)).toThrow(`${path}: "version": is newer than this Espalier reads (1)`);
    write({ ...good, tokenizerId: undefined });
    expect(() => readModelMeta(folder)).toThrow(new RegExp(`^${path}: "tokenizerId": `));
    write({ ...good, substrate: { ...good.substrate, dim: '4' } });
    expect(() => readModelMeta(folder)).toThrow(`${path}: "substrate.dim": `);
    write({ ...good, config: { ...good.config, layers: 'two' } });
    expect(() => readModelMeta(folder)).toThrow(`${path} "config" (model config): "layers": `);
  });
});
