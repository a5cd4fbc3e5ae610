// Issue 28 item 5: a perplexity's limit counts tokens, and two perplexities of one model on one dataset differ
// by it — so every listed result carries the limit its run used (absent when none was set).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestApp, type TestApp } from '../../test/support/app';

let app: TestApp;
beforeAll(() => {
  app = startTestApp();
});
afterAll(() => app.dispose());

describe('evals.list', () => {
  it('names the limit each run used beside its number', async () => {
    const s = seedProject(app, 'limits');
    const ws = app.workspace;
    const m = ws.models.create({
      projectId: s.projectId,
      kind: 'trained',
      name: 'ru-expert',
      depth: 1,
      tokenizerId: s.tokenizerId,
      substrateId: s.substrateId,
    });
    const base = {
      projectId: s.projectId,
      modelIds: [m.id],
      datasetId: 'd',
      task: 'ppl',
      protocol: 'loglik',
      engineProtocol: 'loglik',
      runs: 1,
      seed: 1,
      datasetName: 'ru held-out',
      datasetSha256: 'a'.repeat(64),
    };
    const limited = ws.runs.create({
      projectId: s.projectId,
      kind: 'eval',
      name: 'ppl limited',
      params: { ...base, limit: 2000 },
    });
    const whole = ws.runs.create({ projectId: s.projectId, kind: 'eval', name: 'ppl whole', params: base });
    ws.evals.record({
      modelId: m.id,
      runId: limited.id,
      task: 'ppl',
      protocol: 'loglik',
      datasetSha256: 'a'.repeat(64),
      n: 2000,
      metrics: { ppl: 41.2 },
    });
    ws.evals.record({
      modelId: m.id,
      runId: whole.id,
      task: 'ppl',
      protocol: 'loglik',
      datasetSha256: 'a'.repeat(64),
      n: 9100,
      metrics: { ppl: 37.9 },
    });
    const list = await app.call('evals.list', { projectId: s.projectId });
    const byPpl = Object.fromEntries(list.map((e) => [String(e.metrics['ppl']), e.limit]));
    expect(byPpl).toEqual({ '41.2': 2000, '37.9': undefined });
  });
});
