// Repository round-trips on a real SQLite file: every table written, read back, updated and listed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock, seed, SHA_A, SHA_B, SUB_ID, tempDir, TOK_ID } from './test-utils';
import { Workspace } from './workspace';

let tmp: ReturnType<typeof tempDir>;
let ws: Workspace;
beforeEach(() => {
  tmp = tempDir();
  ws = Workspace.open(tmp.dir, { now: fakeClock() });
});
afterEach(() => {
  ws.close();
  tmp.cleanup();
});

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

describe('models', () => {
  it('round-trip trained models, growth stages with lineage, and merges with ordered experts', () => {
    const { project } = seed(ws);
    const s1 = ws.models.create({
      projectId: project.id,
      kind: 'stage',
      name: 'grow d1',
      depth: 1,
      tokenizerId: TOK_ID,
      substrateId: SUB_ID,
      config: { dModel: 64 },
      paramsTotal: 100,
      paramsTrainable: 60,
    });
    expect(s1).toMatchObject({
      kind: 'stage',
      depth: 1,
      parentId: null,
      folder: `models/${s1.id}`,
      config: { dModel: 64 },
      experts: [],
    });
    const s2 = ws.models.create({
      projectId: project.id,
      kind: 'stage',
      name: 'grow d2',
      parentId: s1.id,
      depth: 2,
      tokenizerId: TOK_ID,
      substrateId: SUB_ID,
    });
    const s3 = ws.models.create({
      id: 'mdl_reserved',
      projectId: project.id,
      kind: 'stage',
      name: 'grow d3',
      parentId: s2.id,
      depth: 3,
      tokenizerId: TOK_ID,
      substrateId: SUB_ID,
    });
    expect(s3.id).toBe('mdl_reserved');
    expect(ws.models.lineage(s3.id).map((m) => m.depth)).toEqual([1, 2, 3]);
    expect(ws.models.children(s1.id).map((m) => m.id)).toEqual([s2.id]);

    const a = ws.models.create({
      projectId: project.id,
      kind: 'trained',
      name: 'EN+RU',
      depth: 4,
      tokenizerId: TOK_ID,
      substrateId: SUB_ID,
      paramsTotal: 1000,
      provenance: { datasets: [SHA_A] },
    });
    const b = ws.models.create({
      projectId: project.id,
      kind: 'trained',
      name: 'EN+ZH',
      depth: 4,
      tokenizerId: TOK_ID,
      substrateId: SUB_ID,
      paramsTotal: 1000,
    });
    const merge = ws.models.createMerge({
      projectId: project.id,
      name: 'MoE',
      experts: [{ modelId: b.id }, { modelId: a.id, weight: 2 }],
      config: { mode: 'logits' },
    });
    expect(merge).toMatchObject({
      kind: 'merge',
      folder: null,
      depth: 4,
      tokenizerId: TOK_ID,
      substrateId: SUB_ID,
      paramsTotal: 2000,
      paramsTrainable: 0,
    });
    expect(merge.experts).toEqual([
      { modelId: b.id, weight: 1 },
      { modelId: a.id, weight: 2 },
    ]);
    expect(ws.models.get(merge.id)).toEqual(merge);
    expect(ws.models.list(project.id).find((m) => m.id === merge.id)).toEqual(merge);
    expect(ws.models.list(project.id, { kind: 'trained' }).map((m) => m.name)).toEqual(['EN+RU', 'EN+ZH']);
    expect(ws.models.mergesUsing(a.id).map((m) => m.id)).toEqual([merge.id]);
    expect(ws.models.update(a.id, { name: 'EN+RU v2', paramsTrainable: 7 })).toMatchObject({
      name: 'EN+RU v2',
      paramsTrainable: 7,
      provenance: { datasets: [SHA_A] },
    });
    expect(() => ws.models.createMerge({ projectId: project.id, name: 'solo', experts: [{ modelId: a.id }] })).toThrow(
      /at least two experts/,
    );
  });

  it('refuse to merge experts on different substrates, naming both', () => {
    const { project } = seed(ws);
    const a = ws.models.create({
      projectId: project.id,
      kind: 'trained',
      name: 'frozen',
      depth: 1,
      tokenizerId: TOK_ID,
      substrateId: SUB_ID,
    });
    const b = ws.models.create({
      projectId: project.id,
      kind: 'trained',
      name: 'unfrozen',
      depth: 1,
      tokenizerId: TOK_ID,
      substrateId: null,
    });
    expect(() =>
      ws.models.createMerge({ projectId: project.id, name: 'm', experts: [{ modelId: a.id }, { modelId: b.id }] }),
    ).toThrow(`cannot merge: experts use different substrates ("frozen": ${SUB_ID}, "unfrozen": trainable table)`);
  });
});

describe('runs', () => {
  it('move through the job states, with guarded transitions', () => {
    const { project } = seed(ws);
    const r = ws.runs.create({
      projectId: project.id,
      kind: 'grow',
      name: 'grow to 6',
      params: { stages: 6 },
      totalSteps: 600,
    });
    expect(r).toMatchObject({
      status: 'queued',
      params: { stages: 6 },
      attempts: 0,
      progress: 0,
      step: 0,
      totalSteps: 600,
      startedAt: null,
      error: null,
    });
    const running = ws.runs.start(r.id, 4242);
    expect(running).toMatchObject({ status: 'running', attempts: 1, workerPid: 4242 });
    expect(running.startedAt).not.toBeNull();
    expect(ws.runs.setProgress(r.id, { progress: 0.25, step: 150 })).toBe(true);
    ws.runs.setCheckpoint(r.id, `runs/${r.id}/checkpoints/150`, 150);
    expect(ws.runs.require(r.id)).toMatchObject({
      progress: 0.25,
      step: 150,
      totalSteps: 600,
      checkpoint: `runs/${r.id}/checkpoints/150`,
      checkpointStep: 150,
    });
    const failed = ws.runs.fail(r.id, 'worker exited with SIGKILL');
    expect(failed).toMatchObject({ status: 'failed', error: 'worker exited with SIGKILL', workerPid: null });
    expect(failed.finishedAt).not.toBeNull();
    expect(ws.runs.setProgress(r.id, { progress: 0.9 })).toBe(false);
    expect(() => ws.runs.finish(r.id)).toThrow(`run ${r.id} is failed; it cannot become done`);
    // Resume: back to the queue with its checkpoint, then done.
    const requeued = ws.runs.resume(r.id);
    expect(requeued).toMatchObject({
      status: 'queued',
      checkpointStep: 150,
      finishedAt: null,
      error: 'worker exited with SIGKILL',
    });
    ws.runs.start(r.id);
    const done = ws.runs.finish(r.id);
    expect(done).toMatchObject({ status: 'done', progress: 1, attempts: 2, error: null });
    expect(() => ws.runs.resume(r.id)).toThrow(/is done; it cannot become queued/);
  });

  it('claim the oldest queued run, fail orphans at startup, pause and cancel, and filter lists', () => {
    const { project } = seed(ws);
    const a = ws.runs.create({ projectId: project.id, kind: 'train' });
    const b = ws.runs.create({ projectId: project.id, kind: 'eval' });
    const c = ws.runs.create({ projectId: project.id, kind: 'import' });
    expect(ws.runs.claimNext(1)?.id).toBe(a.id);
    expect(ws.runs.claimNext(1)?.id).toBe(b.id);
    expect(ws.runs.failOrphans('Espalier stopped while the job ran')).toEqual([a.id, b.id]);
    expect(ws.runs.require(a.id)).toMatchObject({ status: 'failed', error: 'Espalier stopped while the job ran' });
    ws.runs.start(c.id);
    expect(ws.runs.pause(c.id).status).toBe('paused');
    expect(ws.runs.cancel(c.id).status).toBe('cancelled');
    expect(ws.runs.claimNext()).toBeUndefined();
    expect(ws.runs.list({ status: 'failed' }).map((r) => r.id)).toEqual([a.id, b.id]);
    expect(ws.runs.list({ projectId: project.id, kind: 'import' }).map((r) => r.id)).toEqual([c.id]);
    expect(ws.runs.list({ limit: 2 }).map((r) => r.id)).toEqual([c.id, b.id]);
    expect(ws.runs.list({ status: ['failed', 'cancelled'] })).toHaveLength(3);
  });
});

describe('eval results', () => {
  it('round-trip with protocol, ci and seed; list by model, task and run', () => {
    const { project } = seed(ws);
    const m = ws.models.create({
      projectId: project.id,
      kind: 'trained',
      name: 'm',
      depth: 1,
      tokenizerId: TOK_ID,
      substrateId: SUB_ID,
    });
    const run = ws.runs.create({ projectId: project.id, kind: 'eval', modelId: m.id });
    const e = ws.evals.record({
      modelId: m.id,
      runId: run.id,
      task: 'mmlu',
      protocol: 'paper-generate',
      datasetSha256: SHA_A,
      n: 14042,
      metrics: { accuracy: 0.2344, std: null },
      ci95: 0.004,
      runs: 10,
      seed: 7,
    });
    expect(e).toMatchObject({
      task: 'mmlu',
      protocol: 'paper-generate',
      n: 14042,
      metrics: { accuracy: 0.2344, std: null },
      ci95: 0.004,
      runs: 10,
      seed: 7,
      runId: run.id,
    });
    ws.evals.record({
      modelId: m.id,
      task: 'mmlu',
      protocol: 'loglik',
      datasetSha256: SHA_A,
      n: 14042,
      metrics: { accuracy: 0.25 },
    });
    ws.evals.record({
      modelId: m.id,
      task: 'squad-v2',
      protocol: 'paper-substring',
      datasetSha256: SHA_B,
      n: 100,
      metrics: { em: 0.19 },
    });
    expect(ws.evals.get(e.id)).toEqual(e);
    expect(ws.evals.listByModel(m.id)).toHaveLength(3);
    expect(ws.evals.listByModel(m.id, { task: 'mmlu' })).toHaveLength(2);
    expect(ws.evals.listByTask(project.id, 'mmlu', { protocol: 'loglik' }).map((x) => x.metrics['accuracy'])).toEqual([
      0.25,
    ]);
    expect(ws.evals.listByRun(run.id).map((x) => x.id)).toEqual([e.id]);
    expect(() =>
      ws.evals.record({ modelId: 'mdl_nope', task: 't', protocol: 'p', datasetSha256: SHA_A, n: 1, metrics: {} }),
    ).toThrow(/unknown model mdl_nope/);
  });
});
