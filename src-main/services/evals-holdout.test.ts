// The app's 'holdout' perplexity protocol (issue 31 item 1): one model grown by `espalier grow`, exported and
// imported into the app, scored by the app's Evaluate path (service → worker eval job) on its recorded hold-out,
// equals the grow log's held-out loss and `eval --protocol holdout` to 1e-5; the result is labelled 'holdout'.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/helpers/cli';
import { seedProject, startTestApp, waitForRun, type TestApp } from '../../test/support/app';
import { growTwoStages, worldText, writeInputs } from '../../test/helpers/cli-inputs';

const dir = mkdtempSync(join(tmpdir(), 'espalier-app-holdout-'));
const p = (name: string): string => join(dir, name);
let app: TestApp;
let growLoss: number;
let cliLoss: number;
let stage2: string;

beforeAll(() => {
  const text = worldText();
  writeInputs(dir, text, { ngrams: 100 });
  const grow = growTwoStages(p);
  if (grow.code !== 0) throw new Error(grow.stderr);
  const stage = grow.json<{ stages: { valLoss: number; checkpoint: string }[] }>().stages[1]!;
  growLoss = stage.valLoss;
  stage2 = stage.checkpoint;
  const ev = runCli(['eval', '--model', stage2, '--task', 'ppl', '--protocol', 'holdout', '--json']);
  if (ev.code !== 0) throw new Error(ev.stderr);
  cliLoss = ev.json<{ loss: number }>().loss;
  const exp = runCli(['export', '--format', 'hf', '--model', stage2, '--out', p('hf')]);
  if (exp.code !== 0) throw new Error(exp.stderr);
  app = startTestApp();
}, 600_000);
afterAll(async () => {
  await app?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("the app's holdout protocol", () => {
  it('scores the grown model on its recorded hold-out: the grow log, eval --protocol holdout and the app agree to 1e-5', async () => {
    const project = await app.call('projects.create', { name: 'holdout' });
    const imp = await app.call('datasets.import', { projectId: project.id, path: p('data.txt'), name: 'corpus' });
    const impRun = await waitForRun(app, imp.runId, undefined, 120_000);
    expect(impRun.error).toBeNull();
    const dataset = (await app.call('datasets.list', { projectId: project.id })).find((d) => d.name === 'corpus')!;
    const model = await app.call('models.import', {
      projectId: project.id,
      from: p('hf'),
      format: 'hf',
      name: 'grown stage 2',
    });
    const { runId } = await app.call('evals.start', {
      projectId: project.id,
      modelIds: [model.id],
      datasetId: dataset.id,
      task: 'ppl',
      protocol: 'holdout',
    });
    const run = await waitForRun(app, runId, undefined, 180_000);
    expect(run.error).toBeNull();
    const [r] = (await app.call('evals.list', { projectId: project.id })).filter((e) => e.modelId === model.id);
    expect(r!.protocol).toBe('holdout');
    expect(r!.task).toBe('ppl');
    const nll = r!.metrics['nll']!;
    const losses = { grow: growLoss, cli: cliLoss, app: nll };
    for (const [k, x] of Object.entries(losses))
      expect(Math.abs(x - cliLoss), `${k}: ${JSON.stringify(losses)}`).toBeLessThan(1e-5);
    expect(r!.metrics['ppl']).toBeCloseTo(Math.exp(nll), 10);
    expect(r!.metrics['windows']).toBeGreaterThan(0);
    // Run's log names the protocol beside the loss.
    const logs = await app.call('runs.logs', { runId });
    expect(logs.map((l) => l.line).join('\n')).toMatch(
      /perplexity — holdout: \d+ (of \d+ )?evenly spread held-out windows of 16 tokens/,
    );
  }, 300_000);

  it("rescores an app-grown model on its run's validation (the datasets' tails) as the run reported it, to 1e-5", async () => {
    const s = seedProject(app, 'app-grown');
    const { runId } = await app.call('runs.startGrow', {
      projectId: s.projectId,
      name: 'grown in app',
      datasetIds: [s.datasetId],
      substrateId: s.substrateId,
      shape: { dModel: 16, heads: 2, context: 16, mlpRatio: 2 },
      stages: 2,
      stepsPerStage: 3,
      batch: 4,
    });
    const run = await waitForRun(app, runId, undefined, 180_000);
    expect(run.error).toBeNull();
    const result = run.result as { modelId: string; valLoss: number };
    const folder = JSON.parse(
      readFileSync(join(app.workspace.paths.modelDir(result.modelId), 'config.json'), 'utf8'),
    ) as { training: { growth: { valLoss: number } } };
    const ev = await app.call('evals.start', {
      projectId: s.projectId,
      modelIds: [result.modelId],
      datasetId: s.datasetId,
      task: 'ppl',
      protocol: 'holdout',
    });
    const done = await waitForRun(app, ev.runId, undefined, 120_000);
    expect(done.error).toBeNull();
    const r = (await app.call('evals.list', { projectId: s.projectId })).find((e) => e.modelId === result.modelId)!;
    expect(r.protocol).toBe('holdout');
    const losses = { run: result.valLoss, folder: folder.training.growth.valLoss, app: r.metrics['nll']! };
    for (const [k, x] of Object.entries(losses))
      expect(Math.abs(x - losses.app), `${k}: ${JSON.stringify(losses)}`).toBeLessThan(1e-5);
    const logs = await app.call('runs.logs', { runId: ev.runId });
    expect(logs.map((l) => l.line).join('\n')).toContain("the held-out tails of the run's 1 training dataset(s)");
  }, 300_000);

  it('refuses a model whose folder records no hold-out, and holdout for another task, saying why', async () => {
    const s = seedProject(app, 'app-trained');
    const { runId } = await app.call('runs.startTrain', {
      projectId: s.projectId,
      name: 'tiny',
      datasetIds: [s.datasetId],
      substrateId: s.substrateId,
      layers: 1,
      shape: { dModel: 16, heads: 2, context: 16, mlpRatio: 2 },
      steps: 2,
      batch: 2,
    });
    const trained = await waitForRun(app, runId, undefined, 120_000);
    expect(trained.error).toBeNull();
    const modelId = (trained.result as { modelId: string }).modelId;
    const ev = await app.call('evals.start', {
      projectId: s.projectId,
      modelIds: [modelId],
      datasetId: s.datasetId,
      task: 'ppl',
      protocol: 'holdout',
    });
    const failed = await waitForRun(app, ev.runId, undefined, 120_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('records no hold-out to rescore');
    const mc = await app.raw('evals.start', {
      projectId: s.projectId,
      modelIds: [modelId],
      datasetId: s.datasetId,
      task: 'mc',
      protocol: 'holdout',
    });
    expect(mc.ok).toBe(false);
    expect(mc.error!.message).toContain('protocol holdout');
  }, 300_000);
});
