// Repository round-trips on a real SQLite file: models, runs and evaluation results written, read back, updated
// and listed.
import { describe, expect, it } from 'vitest';
import { seed, SHA_A, SHA_B, SUB_ID, TOK_ID, useTempWorkspace } from './test-utils';
import type { Workspace } from './workspace';

let ws: Workspace;
useTempWorkspace((w) => (ws = w));

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
