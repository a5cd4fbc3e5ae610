// Repository round-trips on a real SQLite file: projects, datasets, tokenizers and substrates written, read back,
// updated and listed (models, runs and evaluation results: repos-models-runs.test.ts).
import { describe, expect, it } from 'vitest';
import { seed, SHA_A, SHA_B, SUB_ID, TOK_ID, useTempWorkspace } from './test-utils';
import type { Workspace } from './workspace';

let ws: Workspace;
useTempWorkspace((w) => (ws = w));

describe('projects', () => {
  it('round-trip, rename, list in creation order, refuse duplicate names', () => {
    const a = ws.projects.create({ name: '  EN+RU expert ', description: 'paper §4' });
    expect(a).toMatchObject({ name: 'EN+RU expert', description: 'paper §4' });
    expect(a.id).toMatch(/^prj_[a-z2-9]{12}$/);
    const b = ws.projects.create({ name: 'EN+ZH expert' });
    expect(ws.projects.get(a.id)).toEqual(a);
    expect(ws.projects.byName('EN+ZH expert')?.id).toBe(b.id);
    expect(ws.projects.list().map((p) => p.id)).toEqual([a.id, b.id]);
    expect(() => ws.projects.create({ name: 'EN+ZH expert' })).toThrow(
      /a project named "EN\+ZH expert" already exists/,
    );
    expect(() => ws.projects.create({ name: '' })).toThrow(/invalid project: name: must not be empty/);
    const renamed = ws.projects.update(a.id, { name: 'renamed' });
    expect(renamed).toMatchObject({ name: 'renamed', description: 'paper §4' });
    expect(renamed.updatedAt).toBeGreaterThan(a.updatedAt);
    expect(() => ws.projects.update(a.id, { name: 'EN+ZH expert' })).toThrow(/already exists/);
    expect(ws.projects.get('prj_missing')).toBeUndefined();
    expect(() => ws.projects.require('prj_missing')).toThrow(/no project with id prj_missing/);
  });
});

describe('datasets', () => {
  it('round-trip with statistics, scripts and languages; filter by split; find by hash; update', () => {
    const { project } = seed(ws);
    const d = ws.datasets.create({
      projectId: project.id,
      name: 'faq-ru',
      sourcePath: '/data/debian-faq.ru.txt',
      textPath: 'datasets/x.txt',
      format: 'txt',
      sha256: SHA_A,
      textSha256: SHA_A,
      bytes: 268046,
      characters: 184294,
      records: 4246,
      tokens: 90000,
      tokenizerId: TOK_ID,
      scripts: { Latin: 52563, Cyrillic: 81519, Common: 50212 },
      language: 'ru',
      languages: { en: 0.392, ru: 0.608 },
    });
    expect(d).toMatchObject({
      split: 'train',
      field: null,
      format: 'txt',
      language: 'ru',
      languages: { ru: 0.608 },
      scripts: { Cyrillic: 81519 },
    });
    const v = ws.datasets.create({
      projectId: project.id,
      name: 'val',
      sourcePath: '/v.jsonl',
      format: 'jsonl',
      field: 'text',
      split: 'val',
      sha256: SHA_B,
      bytes: 1,
      characters: 1,
      records: 1,
    });
    expect(v).toMatchObject({
      tokens: null,
      tokenizerId: null,
      textPath: null,
      scripts: {},
      languages: {},
      language: null,
    });
    expect(ws.datasets.get(d.id)).toEqual(d);
    expect(ws.datasets.list(project.id).map((x) => x.name)).toEqual(['faq-ru', 'val']);
    expect(ws.datasets.list(project.id, { split: 'val' }).map((x) => x.name)).toEqual(['val']);
    expect(ws.datasets.findBySha256(project.id, SHA_A).map((x) => x.id)).toEqual([d.id]);
    expect(ws.datasets.update(v.id, { split: 'test', tokens: 5, tokenizerId: TOK_ID })).toMatchObject({
      split: 'test',
      tokens: 5,
      tokenizerId: TOK_ID,
      name: 'val',
    });
    expect(() =>
      ws.datasets.create({
        projectId: project.id,
        name: 'val',
        sourcePath: '/x',
        format: 'txt',
        sha256: SHA_B,
        bytes: 1,
        characters: 1,
        records: 1,
      }),
    ).toThrow(/already has a dataset named "val"/);
    expect(() =>
      ws.datasets.create({
        projectId: project.id,
        name: 'bad',
        sourcePath: '/x',
        format: 'txt',
        sha256: 'nothex',
        bytes: 1,
        characters: 1,
        records: 1,
      }),
    ).toThrow(/invalid dataset: sha256: must be a lowercase hex SHA-256/);
    expect(() =>
      ws.datasets.create({
        projectId: 'prj_nope',
        name: 'x',
        sourcePath: '/x',
        format: 'txt',
        sha256: SHA_B,
        bytes: 1,
        characters: 1,
        records: 1,
      }),
    ).toThrow(/unknown project prj_nope/);
  });
});

describe('tokenizers and substrates', () => {
  it('register idempotently by content id and list', () => {
    const { tokenizer, substrate } = seed(ws);
    expect(tokenizer).toMatchObject({ id: TOK_ID, vocabSize: 1000, kind: 'unicode-ngram', metadata: {} });
    expect(substrate).toMatchObject({ id: SUB_ID, tokenizerId: TOK_ID, dim: 64, kind: 'glyph' });
    const again = ws.tokenizers.register({
      id: TOK_ID,
      name: 'other name',
      kind: 'unicode-ngram',
      vocabSize: 1000,
      file: 'x',
      metadata: { a: 1 },
    });
    expect(again).toEqual(tokenizer);
    expect(() => ws.tokenizers.register({ id: TOK_ID, name: 'x', kind: 'k', vocabSize: 7, file: 'x' })).toThrow(
      /registered with 1000 tokens, not 7/,
    );
    expect(ws.tokenizers.list()).toHaveLength(1);
    const s2 = ws.substrates.register({
      id: '3'.repeat(64),
      tokenizerId: TOK_ID,
      name: 'binary',
      kind: 'binary',
      dim: 16,
      file: 'f',
      metadata: { bits: 16 },
    });
    expect(s2.metadata).toEqual({ bits: 16 });
    expect(ws.substrates.list({ tokenizerId: TOK_ID }).map((s) => s.name)).toEqual(['glyph-32', 'binary']);
    expect(() =>
      ws.substrates.register({
        id: '4'.repeat(64),
        tokenizerId: '9'.repeat(64),
        name: 'x',
        kind: 'glyph',
        dim: 4,
        file: 'f',
      }),
    ).toThrow(/is not registered/);
  });
});
