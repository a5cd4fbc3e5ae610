// The paper's loop through the contract, with tiny sizes: a demo world project ('world' job), a glyph substrate,
// two experts, a logit-averaging merge (preview job, save, export), playground generation and an evaluation.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MergePreviewResult } from '../../src-shared/contract';
import { startTestApp, waitForRun, type TestApp } from '../../test/support/app';
import { unifontPath } from '../../test/helpers/fixtures';

let app: TestApp;
beforeAll(() => {
  app = startTestApp();
});
afterAll(() => app.dispose());

async function done(runId: string) {
  const r = await waitForRun(app, runId, undefined, 120_000);
  expect(r.status, `${r.kind}: ${r.error ?? ''}`).toBe('done');
  return r;
}

describe('demo world → substrate → experts → merge → evaluation', () => {
  it('runs the whole loop', async () => {
    expect(await app.call('app.info', {})).toMatchObject({ name: 'Espalier', mode: 'browser' });
    const sys = await app.call('system.info', {});
    expect(sys.backend).toBe('wasm');
    expect(sys.workspace).toBe(app.workspace.root);

    const demo = await app.call('projects.createDemo', { name: 'Demo', scale: 'quick', seed: 3 });
    const projectId = demo.project.id;
    await done(demo.runId);
    const datasets = await app.call('datasets.list', { projectId });
    const byName = (n: string) => datasets.find((d) => d.name === n)!;
    expect(
      datasets
        .filter((d) => d.split === 'train')
        .map((d) => d.name)
        .sort(),
    ).toEqual(['en-ru train', 'en-zh train']);
    expect(byName('multiple choice').split).toBe('test');
    // The world's evaluation files are benchmarks, counted by item; its corpora are text.
    expect(byName('multiple choice')).toMatchObject({
      kind: 'benchmark',
      benchmark: { task: 'mc', format: 'mmlu-csv', items: expect.any(Number) },
    });
    expect(byName('multiple choice').benchmark!.items).toBeGreaterThan(0);
    expect(
      datasets
        .filter((d) => d.kind === 'benchmark')
        .map((d) => d.benchmark!.task)
        .sort(),
    ).toEqual(expect.arrayContaining(['bleu', 'mc', 'qa']));
    expect(datasets.filter((d) => d.benchmark?.task === 'bleu').every((d) => d.benchmark!.pair !== null)).toBe(true);
    expect(datasets.filter((d) => d.kind === 'text').every((d) => d.split !== 'test')).toBe(true);
    expect(byName('en-ru held-out').split).toBe('val');

    // Glyph substrate from GNU Unifont 15.0.01 (test/helpers/fixtures), given explicitly; a missing one is refused at once.
    expect(
      (await app.raw('substrates.build', { projectId, kind: 'glyph', fontPath: '/nonexistent/unifont.hex' })).error
        ?.message,
    ).toMatch(/font file not found.*Unifont/);
    const sb = await done(
      (await app.call('substrates.build', { projectId, kind: 'glyph', dim: 16, ngrams: 100, fontPath: unifontPath() }))
        .runId,
    );
    const subs = await app.call('substrates.list', { projectId });
    expect(subs).toHaveLength(1);
    const sub = subs[0]!;
    expect(sub).toMatchObject({
      kind: 'glyph',
      dim: 16,
      fontSha256: expect.any(String),
      id: (sb.result as { substrateId: string }).substrateId,
    });
    expect((await app.call('projects.list', {})).find((p) => p.id === projectId)).toMatchObject({
      substrateId: sub.id,
      tokenizerId: sub.tokenizerId,
    });
    expect(
      (await app.call('datasets.list', { projectId })).find((d) => d.name === 'en-ru train')!.tokens,
    ).toBeGreaterThan(0);
    const look = await app.call('substrates.lookup', { substrateId: sub.id, token: 'Ж' });
    expect(look.tokenIds).toHaveLength(1);
    expect(look.bitmap).toHaveLength(32); // the default 32-pixel grid
    expect(look.bitmap.flat().some((b) => b === 1)).toBe(true);
    expect(look.nearest.length).toBeGreaterThan(0);

    const train = (name: string, data: string) =>
      app.call('runs.startTrain', {
        projectId,
        name,
        datasetIds: [byName(data).id],
        substrateId: sub.id,
        layers: 1,
        shape: { dModel: 16, heads: 2, context: 16, mlpRatio: 2 },
        steps: 15,
        batch: 4,
      });
    expect(
      (
        await app.raw('runs.startTrain', {
          projectId,
          name: 'bad',
          datasetIds: [byName('en-ru train').id],
          substrateId: sub.id,
          shape: { dModel: 18, heads: 4 },
        })
      ).error?.message,
    ).toMatch(/heads/);
    const [ru, zh] = [await train('expert ru', 'en-ru train'), await train('expert zh', 'en-zh train')];
    await done(ru.runId);
    await done(zh.runId);
    const experts = await app.call('models.list', { projectId });
    expect(experts.map((m) => m.name)).toEqual(['expert ru', 'expert zh']);
    const ids = experts.map((m) => m.id);
    expect((await app.call('runs.list', { projectId })).map((r) => r.kind)).toEqual([
      'world',
      'substrate',
      'train',
      'train',
    ]);

    expect(await app.call('merge.check', { expertIds: ids })).toEqual({
      compatible: true,
      reason: null,
      incompatible: {},
    });
    const pv = await done(
      (
        await app.call('merge.preview', {
          expertIds: ids,
          datasetIds: [byName('en-ru held-out').id, byName('en-zh held-out').id],
          sampleText: 'Anna lives in',
        })
      ).runId,
    );
    const preview = MergePreviewResult.parse(pv.result);
    expect(preview.rows.map((r) => r.model)).toEqual([
      'expert ru',
      'expert ru',
      'expert zh',
      'expert zh',
      'merge',
      'merge',
    ]);
    expect(preview.tokens.length).toBeGreaterThan(0);
    expect(preview.tokens[0]!.probs).toHaveLength(2);

    const merge = await app.call('merge.save', { name: 'ru+zh', expertIds: ids });
    expect(merge).toMatchObject({
      kind: 'merge',
      experts: ids,
      mergeMode: 'logits',
      mergeWeights: [0.5, 0.5],
      folder: '',
    });
    expect((await app.raw('models.delete', { id: ids[0]! })).error?.message).toMatch(/expert of merged model/);

    const gen = await app.call('playground.generate', {
      modelIds: [ids[0]!, merge.id],
      prompt: 'Anna',
      sampling: { maxTokens: 8, seed: 2 },
    });
    expect(gen.outputs.map((o) => o.modelId)).toEqual([ids[0], merge.id]);
    expect(gen.outputs.every((o) => typeof o.text === 'string' && o.tokensPerSec > 0)).toBe(true);

    const ev = await done(
      (
        await app.call('evals.start', {
          projectId,
          modelIds: [ids[0]!, merge.id],
          datasetId: byName('multiple choice').id,
          task: 'mc',
          protocol: 'paper',
          runs: 2,
          limit: 4,
        })
      ).runId,
    );
    expect((ev.result as { evalIds: string[] }).evalIds).toHaveLength(2);
    const results = await app.call('evals.list', { projectId });
    expect(results.map((r) => [r.modelId, r.task, r.protocol, r.n, r.runs])).toEqual([
      [ids[0], 'mc', 'paper', 4, 2],
      [merge.id, 'mc', 'paper', 4, 2],
    ]);
    expect(results[0]!.datasetName).toBe('multiple choice');
    expect(results[0]!.metrics['acc']).toBeGreaterThanOrEqual(0);
    const items = await app.call('evals.items', { evalId: results[1]!.id, limit: 3 });
    expect(items.total).toBe(4);
    expect(items.items).toHaveLength(3);
    expect(items.items[0]).toMatchObject({
      prompt: expect.stringMatching(/^Question:/),
      choices: expect.any(Array),
      expected: expect.stringMatching(/^[A-D]$/),
    });
    expect(results[0]!.report?.chance).toBeCloseTo(0.25, 12);

    // QA says what it left out, per reason, through the contract: the paper's filter, then the limit.
    const qaRun = await done(
      (
        await app.call('evals.start', {
          projectId,
          modelIds: [ids[0]!],
          datasetId: byName('qa ru').id,
          task: 'qa',
          protocol: 'paper',
          runs: 1,
          limit: 2,
        })
      ).runId,
    );
    const qa = (await app.call('evals.list', { projectId })).find((r) => r.runId === qaRun.id)!;
    const rep = qa.report!;
    expect(rep.scored).toBe(2);
    const dropped = rep.steps.filter((s) => s.effect === 'dropped');
    expect(dropped.map((s) => s.step)).toEqual(expect.arrayContaining(['unanswerable', 'limit']));
    expect(dropped.reduce((a, s) => a + s.count, 0)).toBe(rep.inFile - 2);
    expect(qa.metrics['skipped']).toBe(dropped.filter((s) => s.step !== 'limit').reduce((a, s) => a + s.count, 0));
    const left = await app.call('evals.items', { evalId: qa.id, limit: 500, view: 'left-out' });
    expect(left.total).toBe(rep.steps.reduce((a, s) => a + s.count, 0));
    expect(left.items.every((i) => typeof i.reason === 'string' && typeof i.line === 'number')).toBe(true);

    const { folder } = await app.call('models.export', { id: merge.id, dest: join(app.dir, 'export') });
    const spec = JSON.parse(readFileSync(join(folder, 'merge.json'), 'utf8')) as { experts: string[]; mode: string };
    expect(spec.mode).toBe('logits');
    for (const e of spec.experts) expect(existsSync(join(folder, e, 'model.safetensors'))).toBe(true);
    expect(existsSync(join(folder, 'tokenizer.json'))).toBe(true);

    expect(await app.call('models.rename', { id: merge.id, name: 'ru+zh merged' })).toMatchObject({
      name: 'ru+zh merged',
    });
    expect(await app.call('models.delete', { id: merge.id })).toEqual({
      ok: true,
      freedBytes: 0,
      substrateFreed: false,
    });
    expect(app.seen.filter((e) => e.channel === 'models.changed').length).toBeGreaterThanOrEqual(4);

    const grow = await app.raw('runs.startGrow', {
      projectId,
      name: 'grown',
      datasetIds: [byName('en-ru train').id],
      substrateId: sub.id,
      shape: { dModel: 16, heads: 2, context: 16 },
    });
    if (!grow.ok) expect(grow.error?.message).toMatch(/growth is not available/);
    // Seven jobs, each given up to 120 s by done(): the whole loop needs more than the default per-test limit on a busy machine.
  }, 600_000);
});
