// Evaluation: an 'eval' job scores models on a dataset with a labelled protocol ('paper': generate and compare,
// the paper's way; 'loglik': the field's standard), records one result per model and keeps per-item records.
import type { z } from 'zod';
import { parseRunParams, type RunResult } from '../../src-shared/runs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InvokeRequest, InvokeResponse } from '../../src-shared/contract';
import type { EvalResult } from '../../src-shared/domain';
import { UserError } from '../common/errors';
import type * as store from '../store/index';
import { EvalRunResult } from '../../src-shared/runs';
import type { EvalReport } from '../../src-shared/domain';
import { itemsFiles } from '../lib/eval-items';
import { EvalJobResult, type EvalItem } from '../worker/job-types';
import { datasetSourceFile, datasetTextFile, requireDataset, requireModel, requireProject, specFor } from './catalog';
import type { ServiceContext } from './context';
import { evalDto } from './dto';
import { NotFoundError } from '../common/errors';
import { READ_LIMITS, readJsonCapped } from '../engine/util/read-capped';

type StartReq = Omit<InvokeRequest<'evals.start'>, 'runs' | 'seed'> & { runs: number; seed: number };
type Task = StartReq['task'];
type Protocol = StartReq['protocol'];

/**
 * The engine's protocol for a task and a contract protocol. Perplexity is log-likelihood only and translation
 * (BLEU) generation only, whatever was asked; QA's "loglik" is the field's standard SQuAD v2 EM/F1 scoring.
 */
function protocols(
  task: Task,
  asked: Protocol,
): { engine: 'loglik' | 'paper' | 'squad' | 'holdout'; recorded: Protocol } {
  if (asked === 'holdout' && task !== 'ppl')
    throw new UserError(
      `protocol holdout rescores a model's training hold-out: it is for perplexity (task ppl), not ${task}`,
    );
  if (task === 'ppl')
    return asked === 'holdout' ? { engine: 'holdout', recorded: 'holdout' } : { engine: 'loglik', recorded: 'loglik' };
  if (task === 'bleu') return { engine: 'paper', recorded: 'paper' };
  if (task === 'qa')
    return asked === 'paper' ? { engine: 'paper', recorded: 'paper' } : { engine: 'squad', recorded: 'loglik' };
  return { engine: asked, recorded: asked };
}

export class EvalsService {
  constructor(private readonly c: ServiceContext) {
    c.runs.register('eval', {
      prepare: (run) => {
        const p = parseRunParams('eval', run.id, run.params);
        const d = requireDataset(c.ws, p.datasetId);
        const task = p.task;
        return {
          task,
          protocol: p.engineProtocol,
          // Perplexity reads the extracted text; the other tasks their structured source file (MMLU CSV, SQuAD JSON, TSV).
          dataPath: task === 'ppl' ? datasetTextFile(c.ws, d) : datasetSourceFile(c.ws, d),
          ...(p.pair !== undefined ? { pair: p.pair } : {}),
          ...(p.limit !== undefined ? { limit: p.limit } : {}),
          runs: p.runs,
          seed: p.seed,
          models: p.modelIds.map((id) => specFor(c.ws, id)),
          itemsDir: this.itemsDir(run.id),
          ...(p.engineProtocol === 'holdout' ? { validationData: this.validationData(p.modelIds) } : {}),
        };
      },
      result: EvalJobResult,
      complete: (run, r) => this.record(run, r),
    });
  }

  /** The datasets each app run validated on (its training texts' tails, or its validation sets), for 'holdout'. */
  private validationData(modelIds: readonly string[]): Record<string, { train: string[]; val: string[] }> {
    const { ws } = this.c;
    const out: Record<string, { train: string[]; val: string[] }> = {};
    for (const id of modelIds) {
      const runId = ws.models.get(id)?.provenance['runId'];
      const run = typeof runId === 'string' ? ws.runs.get(runId) : undefined;
      const params = run && (run.kind === 'grow' || run.kind === 'train') ? run.params : null;
      const ids = (k: string): string[] =>
        Array.isArray(params?.[k]) ? (params[k] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
      if (!params || ids('datasetIds').length === 0) continue;
      // A dataset deleted since: nothing to rescore; the worker then refuses with the reason.
      try {
        out[id] = {
          train: ids('datasetIds').map((d) => datasetTextFile(ws, requireDataset(ws, d))),
          val: ids('valDatasetIds').map((d) => datasetTextFile(ws, requireDataset(ws, d))),
        };
      } catch {
        continue;
      }
    }
    return out;
  }

  private itemsDir(runId: string): string {
    return join(this.c.ws.paths.runDir(runId), 'eval-items');
  }

  start(req: StartReq): { runId: string } {
    const { ws, runs } = this.c;
    requireProject(ws, req.projectId);
    const d = requireDataset(ws, req.datasetId);
    if (d.kind === 'benchmark' && d.task !== req.task)
      throw new UserError(
        `"${d.name}" is a benchmark for task ${d.task}, not ${req.task}: evaluate it with task ${d.task}, or choose another dataset`,
      );
    const models = req.modelIds.map((id) => requireModel(ws, id));
    if (req.task === 'ppl') datasetTextFile(ws, d);
    else datasetSourceFile(ws, d);
    // A translation benchmark knows its pair when its name or its scripts told it at import.
    if (req.task === 'bleu' && !req.pair && d.pair) req = { ...req, pair: d.pair };
    if (
      req.task === 'bleu' &&
      !req.pair &&
      !/(?:^|[^A-Za-z])[a-z]{2}-[a-z]{2}(?:[^A-Za-z]|$)/.test(d.sourcePath.split(/[\\/]/).pop() ?? '')
    ) {
      throw new UserError(`dataset "${d.name}": give the language pair (e.g. en-ru); it is not in the file name`);
    }
    const p = protocols(req.task, req.protocol);
    // The holdout protocol scores the recorded windows, all of them: a token limit does not apply.
    if (p.engine === 'holdout' && req.limit !== undefined) {
      const { limit: _ignored, ...all } = req;
      req = all;
    }
    const params = {
      ...req,
      engineProtocol: p.engine,
      protocol: p.recorded,
      datasetName: d.name,
      datasetSha256: d.sha256,
    };
    const name = `${req.task} (${p.recorded}) on ${d.name}: ${models.map((m) => m.name).join(', ')}`.slice(0, 300);
    const run = runs.enqueue({
      projectId: req.projectId,
      kind: 'eval',
      name,
      params,
      message: `queued: ${req.task} evaluation`,
    });
    return { runId: run.id };
  }

  private record(run: store.Run, r: z.output<typeof EvalJobResult>): RunResult<'eval'> {
    const { ws } = this.c;
    const p = parseRunParams('eval', run.id, run.params);
    const ids = ws.transaction(() =>
      r.results.map(
        (x) =>
          ws.evals.record({
            modelId: x.modelId,
            runId: run.id,
            task: p.task,
            protocol: p.protocol,
            datasetSha256: x.datasetSha256,
            n: x.n,
            metrics: x.metrics,
            ci95: x.ci95,
            runs: Math.max(1, x.runs),
            seed: x.seed,
          }).id,
      ),
    );
    ws.runs.setMessage(run.id, `${ids.length} result(s) recorded`);
    const reports: Record<string, EvalReport> = {};
    r.results.forEach((x, i) => {
      if (x.report) reports[ids[i]!] = x.report;
    });
    return { evalIds: ids, ...(Object.keys(reports).length > 0 ? { reports } : {}) };
  }

  /** The report a run recorded for an eval (runs read tolerantly: an older or odd result has none). */
  private report(e: store.EvalResult, runs: Map<string, store.Run | undefined>): EvalReport | undefined {
    if (!e.runId) return undefined;
    if (!runs.has(e.runId)) runs.set(e.runId, this.c.ws.runs.get(e.runId));
    const parsed = EvalRunResult.safeParse(runs.get(e.runId)?.result);
    return parsed.success ? parsed.data.reports?.[e.id] : undefined;
  }

  private datasetName(e: store.EvalResult, projectId: string): string {
    const run = e.runId ? this.c.ws.runs.get(e.runId) : undefined;
    if (typeof run?.params['datasetName'] === 'string') return run.params['datasetName'];
    const d = this.c.ws.datasets.findBySha256(projectId, e.datasetSha256)[0];
    return d?.name ?? `dataset ${e.datasetSha256.slice(0, 8)}`;
  }

  list(req: { projectId: string }): EvalResult[] {
    requireProject(this.c.ws, req.projectId);
    const all = (['ppl', 'mc', 'qa', 'bleu'] as const).flatMap((t) => this.c.ws.evals.listByTask(req.projectId, t));
    all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    const runs = new Map<string, store.Run | undefined>();
    return all.map((e) => {
      const report = this.report(e, runs);
      const limit = e.runId ? runs.get(e.runId)?.params['limit'] : undefined;
      return {
        ...evalDto(e, this.datasetName(e, req.projectId)),
        ...(report ? { report } : {}),
        ...(typeof limit === 'number' && limit > 0 ? { limit } : {}),
      };
    });
  }

  items(req: {
    evalId: string;
    offset: number;
    limit: number;
    view?: 'scored' | 'left-out';
  }): InvokeResponse<'evals.items'> {
    const e = this.c.ws.evals.get(req.evalId);
    if (!e) throw new NotFoundError('eval result', req.evalId);
    const files = e.runId ? itemsFiles(this.itemsDir(e.runId), e.modelId) : null;
    const file = files ? (req.view === 'left-out' ? files.leftOut : files.scored) : null;
    if (!file || !existsSync(file)) return { total: 0, items: [] };
    const items = readJsonCapped(file, 'evaluation items file', READ_LIMITS.text) as EvalItem[];
    return { total: items.length, items: items.slice(req.offset, req.offset + req.limit) };
  }
}
