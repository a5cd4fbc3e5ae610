// Issue 28 item 10: a second training or growth run of a name the project already has is refused at once, so
// the catalog never holds two "zh-expert · stage 1" models no one can tell apart; the queue message counts
// stages in words that agree ("1 stage").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestApp, type Seeded, type TestApp } from '../../test/support/app';

let app: TestApp;
let s: Seeded;
beforeAll(() => {
  app = startTestApp();
  s = seedProject(app, 'names');
});
afterAll(() => app.dispose());

describe('run names', () => {
  it('refuses a growth or training run whose name the project already has', async () => {
    app.workspace.runs.create({ projectId: s.projectId, kind: 'grow', name: 'zh-expert', params: {} });
    const req = {
      projectId: s.projectId,
      datasetIds: [s.datasetId],
      substrateId: s.substrateId,
      shape: { dModel: 16, heads: 2, context: 16, mlpRatio: 2 },
      batch: 2,
    };
    const grow = await app.raw('runs.startGrow', { ...req, stages: 1, stepsPerStage: 2, name: ' ZH-expert ' });
    expect(grow.error?.message).toBe(
      'a run named "ZH-expert" already exists in this project: give this one another name',
    );
    const train = await app.raw('runs.startTrain', { ...req, name: 'zh-expert', steps: 2 });
    expect(train.error?.message).toMatch(/a run named "zh-expert" already exists/);
    expect(app.workspace.runs.list({ projectId: s.projectId })).toHaveLength(1);
  });
});
