// Deletes: what cascades, what is kept with a null link, and what is refused because weights depend on it.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock, seed, SHA_A, SUB_ID, tempDir, TOK_ID } from './test-utils';
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

function model(projectId: string, name: string, extra: { parentId?: string; substrateId?: string | null } = {}) {
  const m = ws.models.create({
    projectId,
    kind: extra.parentId ? 'stage' : 'trained',
    name,
    depth: 1,
    tokenizerId: TOK_ID,
    substrateId: SUB_ID,
    ...extra,
  });
  mkdirSync(ws.paths.modelDir(m.id), { recursive: true });
  writeFileSync(ws.paths.modelWeights(m.id), 'weights');
  return m;
}

function count(table: string): number {
  return (ws.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('cascading deletes', () => {
  it('a project takes its datasets, models, merges, runs, metrics and evals — and their files', () => {
    const { project } = seed(ws);
    const other = ws.projects.create({ name: 'other' });
    const keep = model(other.id, 'kept');
    ws.datasets.create({
      projectId: project.id,
      name: 'd',
      sourcePath: '/d',
      textPath: 'datasets/d.txt',
      format: 'txt',
      sha256: SHA_A,
      bytes: 1,
      characters: 1,
      records: 1,
    });
    mkdirSync(ws.paths.datasetsDir, { recursive: true });
    writeFileSync(ws.paths.fromStored('datasets/d.txt'), 'text');
    const a = model(project.id, 'a');
    const b = model(project.id, 'b');
    ws.models.createMerge({ projectId: project.id, name: 'ab', experts: [{ modelId: a.id }, { modelId: b.id }] });
    const run = ws.runs.create({ projectId: project.id, kind: 'train', modelId: a.id });
    mkdirSync(ws.paths.checkpointDir(run.id), { recursive: true });
    ws.metrics.append([{ runId: run.id, name: 'loss', step: 1, value: 3 }]);
    ws.evals.record({
      modelId: a.id,
      runId: run.id,
      task: 't',
      protocol: 'p',
      datasetSha256: SHA_A,
      n: 1,
      metrics: {},
    });

    expect(ws.deleteProject(project.id)).toBe(true);
    expect(count('datasets') + count('model_experts') + count('runs') + count('metrics') + count('eval_results')).toBe(
      0,
    );
    expect(ws.models.list(other.id).map((m) => m.id)).toEqual([keep.id]);
    expect(count('models')).toBe(1);
    expect(existsSync(ws.paths.modelDir(a.id))).toBe(false);
    expect(existsSync(ws.paths.runDir(run.id))).toBe(false);
    expect(existsSync(ws.paths.fromStored('datasets/d.txt'))).toBe(false);
    expect(existsSync(ws.paths.modelWeights(keep.id))).toBe(true);
    // Shared, content-addressed entries stay.
    expect(ws.tokenizers.get(TOK_ID)).toBeDefined();
    expect(ws.substrates.get(SUB_ID)).toBeDefined();
    expect(ws.deleteProject(project.id)).toBe(false);
  });

  it('a model that is an expert of a merge cannot be deleted; the merge can, then the expert', () => {
    const { project } = seed(ws);
    const a = model(project.id, 'a');
    const b = model(project.id, 'b');
    const m = ws.models.createMerge({
      projectId: project.id,
      name: 'MoE',
      experts: [{ modelId: a.id }, { modelId: b.id }],
    });
    expect(() => ws.deleteModel(a.id)).toThrow(
      `cannot delete model ${a.id}: it is an expert of merged model(s) "MoE"; delete those first`,
    );
    expect(existsSync(ws.paths.modelWeights(a.id))).toBe(true);
    expect(ws.deleteModel(m.id)).toBe(true);
    expect(ws.deleteModel(a.id)).toBe(true);
    expect(existsSync(ws.paths.modelDir(a.id))).toBe(false);
  });

  it('a project whose models are experts of a merge elsewhere cannot be deleted, and nothing changes', () => {
    const { project } = seed(ws);
    const other = ws.projects.create({ name: 'composer' });
    const a = model(project.id, 'a');
    const b = model(project.id, 'b');
    ws.models.createMerge({ projectId: other.id, name: 'cross', experts: [{ modelId: a.id }, { modelId: b.id }] });
    expect(() => ws.deleteProject(project.id)).toThrow(/experts of merged model\(s\) "cross" \(project "composer"\)/);
    expect(ws.models.list(project.id)).toHaveLength(2);
    expect(existsSync(ws.paths.modelWeights(a.id))).toBe(true);
  });

  it('deleting a model keeps runs and child stages (null link) and drops its eval results', () => {
    const { project } = seed(ws);
    const s1 = model(project.id, 's1');
    const s2 = model(project.id, 's2', { parentId: s1.id });
    const run = ws.runs.create({ projectId: project.id, kind: 'grow', modelId: s1.id });
    ws.metrics.append([{ runId: run.id, name: 'loss', step: 1, value: 2 }]);
    ws.evals.record({ modelId: s1.id, task: 't', protocol: 'p', datasetSha256: SHA_A, n: 1, metrics: {} });
    ws.deleteModel(s1.id);
    expect(ws.models.require(s2.id).parentId).toBeNull();
    expect(ws.runs.require(run.id).modelId).toBeNull();
    expect(ws.metrics.count(run.id)).toBe(1);
    expect(count('eval_results')).toBe(0);
  });

  it('deleting a run drops its metrics and keeps its eval results; a running run is refused', () => {
    const { project } = seed(ws);
    const m = model(project.id, 'm');
    const run = ws.runs.create({ projectId: project.id, kind: 'eval', modelId: m.id });
    ws.metrics.append([{ runId: run.id, name: 'acc', step: 0, value: 0.2 }]);
    const e = ws.evals.record({
      modelId: m.id,
      runId: run.id,
      task: 't',
      protocol: 'p',
      datasetSha256: SHA_A,
      n: 1,
      metrics: {},
    });
    ws.runs.start(run.id);
    expect(() => ws.deleteRun(run.id)).toThrow(/is running; cancel it before deleting/);
    ws.runs.cancel(run.id);
    expect(ws.deleteRun(run.id)).toBe(true);
    expect(count('metrics')).toBe(0);
    expect(ws.evals.require(e.id).runId).toBeNull();
  });

  it('tokenizers and substrates in use cannot be deleted', () => {
    const { project } = seed(ws);
    model(project.id, 'uses-it');
    expect(() => ws.substrates.delete(SUB_ID)).toThrow(/model\(s\) "uses-it" are built on it/);
    expect(() => ws.tokenizers.delete(TOK_ID)).toThrow(/used by model "uses-it", substrate "glyph-32"/);
    expect(ws.substrates.get(SUB_ID)).toBeDefined();
  });

  it('deleting a dataset removes its extracted text, never the source file', () => {
    const { project } = seed(ws);
    const source = `${tmp.dir}/source.txt`;
    writeFileSync(source, 'hello');
    const d = ws.datasets.create({
      projectId: project.id,
      name: 'd',
      sourcePath: source,
      textPath: 'datasets/x.txt',
      format: 'txt',
      sha256: SHA_A,
      bytes: 5,
      characters: 5,
      records: 1,
    });
    mkdirSync(ws.paths.datasetsDir, { recursive: true });
    writeFileSync(ws.paths.fromStored('datasets/x.txt'), 'hello');
    expect(ws.deleteDataset(d.id)).toBe(true);
    expect(existsSync(ws.paths.fromStored('datasets/x.txt'))).toBe(false);
    expect(existsSync(source)).toBe(true);
  });
});
