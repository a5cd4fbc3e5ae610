// Registers what `espalier demo` made in the workspace, so the app shows it: a project with its datasets, the
// tokenizer and substrate, one finished 'grow' run per expert (loss curves), the stages as chained models, the
// merges, and every evaluation (labelled with the protocol as the app labels it).
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { RUN_METRICS } from '../../src-shared/contract';
import { EvalProtocol, EvalTask, type EvalReport } from '../../src-shared/domain';
import type { GrowOutcome, RunParams } from '../../src-shared/runs';
import type { DemoEval, DemoResult, ExpertGrowth } from '../demo/index';
import {
  prepareData,
  type EvalResult as EngineEvalResult,
  type EvalTask as EngineEvalTask,
} from '../engine/eval/index';
import { HEADS_FILE } from '../engine/compose/tuned-heads';
import { folderParamReport } from '../engine/io/folder-params';
import { newId, type Workspace } from '../store/index';
import type * as store from '../store/index';
import { benchmarkRecord, datasetRecord } from '../lib/datasets/record';
import { saveEvalItems } from '../lib/eval-items';
import { READ_LIMITS, readJsonCapped } from '../engine/util/read-capped';
import { copyDemoFiles, type CopiedFiles, type ImportedDataset } from './demo-files';

export interface DemoRegistration {
  projectId: string;
  projectName: string;
  datasetIds: Record<string, string>;
  tokenizerId: string;
  substrateId: string;
  runIds: Record<string, string>;
  /** Catalog id per model name ("RU d1", "merge (logits)", …). */
  modelIds: Record<string, string>;
  evalIds: string[];
}

const EngineProtocol = z.enum(['loglik', 'paper', 'squad']);

function uniqueProjectName(ws: Workspace, base: string): string {
  if (!ws.projects.byName(base)) return base;
  for (let i = 2; ; i++) if (!ws.projects.byName(`${base} (${i})`)) return `${base} (${i})`;
}

/** The app records SQuAD EM/F1 as QA's "loglik" (the field's standard) and everything else as it is (services/evals.ts). */
function recordedProtocol(task: string, protocol: string): string {
  return task === 'qa' && protocol === 'squad' ? 'loglik' : protocol;
}

interface EvalGroup {
  key: string;
  task: string;
  /** As the app records it. */
  protocol: string;
  runId: string;
  evals: DemoEval[];
  /** What each evaluation left out and how degenerate its outputs were (QA). */
  reports: Map<DemoEval, EvalReport>;
}

/**
 * Groups the evaluations of registered datasets by task and dataset (one app 'eval' run each) and writes each
 * model's per-item records where the app's 'evals.items' channel reads them: runs/<runId>/eval-items/<modelId>.json.
 */
async function evalGroups(
  ws: Workspace,
  r: DemoResult,
  modelIds: Record<string, string>,
  registered: ReadonlySet<string>,
): Promise<EvalGroup[]> {
  const groups = new Map<string, EvalGroup>();
  for (const e of r.evals) {
    if (!modelIds[e.model] || !registered.has(e.datasetSha256)) continue;
    let g = groups.get(e.key);
    if (!g)
      groups.set(
        e.key,
        (g = {
          key: e.key,
          task: e.task,
          protocol: recordedProtocol(e.task, e.protocol),
          runId: newId('run'),
          evals: [],
          reports: new Map(),
        }),
      );
    g.evals.push(e);
  }
  for (const g of groups.values()) {
    const first = g.evals[0]!;
    if (first.task === 'ppl' || !first.file) continue;
    const prepared = await prepareData({
      task: first.task as EngineEvalTask,
      data: first.data,
      ...(first.pair ? { pair: first.pair } : {}),
    });
    const dir = join(ws.paths.runDir(g.runId), 'eval-items');
    for (const e of g.evals) {
      if (!e.file || !existsSync(e.file)) continue;
      const saved = readJsonCapped(e.file, 'evaluation items file', READ_LIMITS.text) as Pick<
        EngineEvalResult,
        'items' | 'runs' | 'accounting' | 'degenerate' | 'chance' | 'n'
      >;
      const { report } = saveEvalItems(dir, modelIds[e.model]!, prepared, { ...saved, protocol: e.protocol }, e.limit);
      if (report) g.reports.set(e, report);
    }
  }
  return [...groups.values()];
}

/** The registered datasets: ids by file name (for the registration) and by content hash (for evaluations). */
interface RegisteredDatasets {
  byFile: Record<string, string>;
  bySha: Map<string, string>;
}

/** Every model's catalog id, reserved before the transaction: the per-item files are named after them. */
function reserveModelIds(r: DemoResult, stageIds: ReadonlyMap<string, string>): Record<string, string> {
  const modelIds: Record<string, string> = {};
  for (const g of r.growth) for (const s of g.stages) modelIds[`${g.expert} d${s.depth}`] = stageIds.get(s.model)!;
  for (const m of r.merges) modelIds[m.name] = newId('mdl');
  return modelIds;
}

function createProject(ws: Workspace, r: DemoResult): store.Project {
  const base =
    r.source === 'world' ? `Demo world (seed ${r.seed})` : `Demo: ${r.corpora.map((c) => c.name).join(' + ')}`;
  const description =
    r.source === 'world'
      ? `espalier demo${r.mode === 'quick' ? ' --quick' : ''} --seed ${r.seed}: two experts grown on the demo world's en-ru and en-zh corpora, merged and evaluated. Report: ${r.report.markdown}`
      : `espalier demo on ${r.corpora.map((c) => c.source).join(' and ')}. Report: ${r.report.markdown}`;
  return ws.projects.create({ name: uniqueProjectName(ws, base), description });
}

function registerTokenizerAndSubstrate(ws: Workspace, r: DemoResult, projectId: string, files: CopiedFiles): void {
  ws.tokenizers.register({
    id: r.tokenizer.id,
    name: `unicode + ${r.tokenizer.ngrams} n-grams`,
    kind: 'unicode-ngram',
    vocabSize: r.tokenizer.vocabSize,
    file: ws.paths.toStored(files.tokenizerFile),
    metadata: {
      ngrams: r.tokenizer.ngrams,
      projectId,
      datasetIds: r.corpora.map((c) => files.imported.find((d) => d.file === c.train)?.id),
      demo: r.out,
    },
  });
  ws.substrates.register({
    id: r.substrate.id,
    tokenizerId: r.tokenizer.id,
    name: `${r.substrate.kind} ${r.substrate.dim}d · ${r.tokenizer.vocabSize} tokens`,
    kind: r.substrate.kind,
    dim: r.substrate.dim,
    file: ws.paths.toStored(files.substrateFile),
    metadata: { vocabSize: r.tokenizer.vocabSize, fontPath: r.substrate.font, note: r.substrate.note, projectId },
  });
  ws.projects.setSubstrate(projectId, r.substrate.id);
}

function registerDatasets(
  ws: Workspace,
  r: DemoResult,
  projectId: string,
  imported: readonly ImportedDataset[],
): RegisteredDatasets {
  const byFile: Record<string, string> = {};
  const bySha = new Map<string, string>();
  for (const d of imported) {
    const place = { id: d.id, projectId, name: d.name, split: d.split };
    const rec =
      'kind' in d.stats
        ? benchmarkRecord(d.stats, place)
        : datasetRecord(d.stats, { ...place, textPath: ws.paths.toStored(d.destination), tokenizerId: r.tokenizer.id });
    ws.datasets.create({ ...rec, sourcePath: ws.paths.toStored(d.file) });
    byFile[basename(d.file)] = d.id;
    bySha.set(d.stats.sha256, d.id);
  }
  return { byFile, bySha };
}

/** The loss curves of every stage on one global step axis, as a growth run streams them. */
function growthCurves(runId: string, g: ExpertGrowth): store.MetricPoint[] {
  const points: store.MetricPoint[] = [];
  let offset = 0;
  for (const [k, s] of g.stages.entries()) {
    s.curve.forEach((loss, i) => {
      points.push({ runId, name: RUN_METRICS.trainLoss, step: offset + i + 1, value: loss });
      points.push({ runId, name: RUN_METRICS.stage, step: offset + i + 1, value: k + 1 });
    });
    for (const v of s.valCurve)
      points.push({ runId, name: RUN_METRICS.valLoss, step: offset + v.step, value: v.valLoss });
    offset += s.steps;
  }
  return points;
}

/** One finished 'grow' run per expert with its curves, its stages as chained 'stage' models; returns the run id. */
function registerGrowth(
  ws: Workspace,
  r: DemoResult,
  g: ExpertGrowth,
  projectId: string,
  datasets: RegisteredDatasets,
  stageIds: ReadonlyMap<string, string>,
): string {
  const corpus = r.corpora.find((c) => c.expert === g.expert)!;
  const total = g.stages.reduce((a, s) => a + s.steps, 0);
  const datasetIds = [datasets.byFile[basename(corpus.train)]!];
  const params: RunParams<'grow'> = {
    demo: r.out,
    expert: g.expert,
    datasetIds,
    valDatasetIds: [datasets.byFile[basename(corpus.val)]!],
    stages: g.stages.length,
    stepsPerStage: g.stages[0]!.steps,
    preset: r.preset,
    seed: g.seed,
  };
  const run = ws.runs.create({ projectId, kind: 'grow', name: `expert ${g.expert} (demo)`, params, totalSteps: total });
  ws.runs.start(run.id);
  ws.metrics.append(growthCurves(run.id, g));
  let parent: string | null = null;
  for (const s of g.stages) {
    const id = stageIds.get(s.model)!;
    const cfg = readJsonCapped(join(ws.paths.modelDir(id), 'config.json'), 'model config') as {
      config?: Record<string, unknown>;
    };
    // The one parameter-count definition (the frozen substrate in the total), counted from the stage's folder.
    const params = folderParamReport(ws.paths.modelDir(id));
    ws.models.create({
      id,
      projectId,
      kind: 'stage',
      name: `expert ${g.expert} · depth ${s.depth}`,
      parentId: parent,
      depth: s.depth,
      tokenizerId: r.tokenizer.id,
      substrateId: r.substrate.id,
      config: cfg.config ?? {},
      provenance: { runId: run.id, kind: 'grow', demo: r.out, datasetIds, seed: g.seed, valLoss: s.valLoss, params },
      paramsTotal: params.total,
      paramsTrainable: params.trainable,
    });
    parent = id;
  }
  ws.runs.setProgress(run.id, { progress: 1, step: total, totalSteps: total });
  ws.runs.finish(run.id);
  ws.runs.setModel(run.id, parent);
  const result: z.output<typeof GrowOutcome> = { modelIds: g.stages.map((s) => stageIds.get(s.model)!), demo: r.out };
  ws.runs.setResult(run.id, result);
  ws.runs.setMessage(
    run.id,
    `demo: ${g.stages.length} stages, val loss ${g.stages[g.stages.length - 1]!.valLoss?.toFixed(3) ?? '–'}`,
  );
  return run.id;
}

/** The merges as catalog entries over the experts' final stages (equal weights, as the demo ran them). */
function registerMerges(ws: Workspace, r: DemoResult, projectId: string, modelIds: Record<string, string>): void {
  const finals = r.growth.map((g) => modelIds[`${g.expert} d${g.stages[g.stages.length - 1]!.depth}`]!);
  for (const m of r.merges) {
    ws.models.createMerge({
      id: modelIds[m.name]!,
      projectId,
      name: m.name,
      experts: finals.map((modelId) => ({ modelId, weight: 1 / finals.length })),
      // A tuned merge names its heads file (in the demo's merge folder), so the app loads it tuned, as it was evaluated.
      config: {
        mode: m.mode,
        weights: finals.map(() => 1 / finals.length),
        ...(m.tuned
          ? {
              heads: {
                file: ws.paths.toStored(join(m.dir, HEADS_FILE)),
                zeroShotLoss: m.tuned.zeroShotLoss,
                tunedLoss: m.tuned.tunedLoss,
                steps: m.tuned.steps,
              },
            }
          : {}),
      },
      provenance: { demo: r.out, folder: m.dir, experts: r.growth.map((g) => `expert ${g.expert}`) },
    });
  }
}

/** One finished 'eval' run per dataset and protocol (as the app makes them) with its results; returns the result ids. */
function registerEvalGroup(
  ws: Workspace,
  r: DemoResult,
  g: EvalGroup,
  projectId: string,
  datasets: RegisteredDatasets,
  modelIds: Record<string, string>,
): string[] {
  const first = g.evals[0]!;
  const datasetId = datasets.bySha.get(first.datasetSha256)!;
  const d = ws.datasets.require(datasetId);
  const params: RunParams<'eval'> = {
    task: EvalTask.parse(g.task),
    protocol: EvalProtocol.parse(g.protocol),
    engineProtocol: EngineProtocol.parse(first.protocol),
    datasetId,
    datasetName: d.name,
    datasetSha256: d.sha256,
    modelIds: g.evals.map((e) => modelIds[e.model]!),
    runs: Math.max(1, first.runs),
    seed: first.seed,
    demo: r.out,
  };
  const run = ws.runs.create({
    id: g.runId,
    projectId,
    kind: 'eval',
    name: `${g.task} (${g.protocol}) on ${d.name}: ${g.evals.map((e) => e.model).join(', ')}`.slice(0, 300),
    params,
  });
  ws.runs.start(run.id);
  const ids = g.evals.map((e) => {
    const metrics = Object.fromEntries(Object.entries(e.metrics).filter(([, v]) => v === null || Number.isFinite(v)));
    const ci95 = e.ci95 !== null && Number.isFinite(e.ci95) ? e.ci95 : null;
    return ws.evals.record({
      modelId: modelIds[e.model]!,
      runId: run.id,
      task: e.task,
      protocol: g.protocol,
      datasetSha256: e.datasetSha256,
      n: e.n,
      metrics,
      ci95,
      runs: Math.max(1, e.runs),
      seed: e.seed,
    }).id;
  });
  ws.runs.finish(run.id);
  const reports = Object.fromEntries(
    g.evals.flatMap((e, i) => (g.reports.has(e) ? [[ids[i]!, g.reports.get(e)!]] : [])),
  );
  ws.runs.setResult(run.id, { evalIds: ids, ...(Object.keys(reports).length > 0 ? { reports } : {}) });
  ws.runs.setMessage(run.id, `${g.evals.length} result(s) recorded`);
  return ids;
}

/** Registers a finished demo run in the workspace: files first (slow), then every row in one transaction. */
export async function registerDemo(ws: Workspace, r: DemoResult): Promise<DemoRegistration> {
  const files = await copyDemoFiles(ws, r);
  const modelIds = reserveModelIds(r, files.stageIds);
  const groups = await evalGroups(ws, r, modelIds, new Set(files.imported.map((d) => d.stats.sha256)));
  return ws.transaction(() => {
    const project = createProject(ws, r);
    registerTokenizerAndSubstrate(ws, r, project.id, files);
    const datasets = registerDatasets(ws, r, project.id, files.imported);
    const runIds: Record<string, string> = {};
    for (const g of r.growth) runIds[g.expert] = registerGrowth(ws, r, g, project.id, datasets, files.stageIds);
    registerMerges(ws, r, project.id, modelIds);
    const evalIds: string[] = [];
    for (const g of groups) {
      evalIds.push(...registerEvalGroup(ws, r, g, project.id, datasets, modelIds));
      runIds[`eval ${g.key}`] = g.runId;
    }
    return {
      projectId: project.id,
      projectName: project.name,
      datasetIds: datasets.byFile,
      tokenizerId: r.tokenizer.id,
      substrateId: r.substrate.id,
      runIds,
      modelIds,
      evalIds,
    };
  });
}
