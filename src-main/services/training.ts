// Training and growth runs: validate the request against the catalog at once (datasets, substrate, shape), queue
// the 'train' / 'grow' job with ids reserved for the models it will write, register them when it is done.
import type { z } from 'zod';
import type { GrowPlan, GrowPlanRequest } from '../../src-shared/grow-plan';
import type { GrowParams, TrainParams } from '../../src-shared/params';
import {
  parseRunParams,
  type AppGrowRunParams,
  type GrowOutcome,
  type RunParams,
  type RunResult,
} from '../../src-shared/runs';
import { resolveConfig } from '../engine/model/config';
import { UserError } from '../common/errors';
import { newId } from '../store/index';
import type * as store from '../store/index';
import {
  GrowResult,
  TrainResult,
  type GrowJobParams,
  type ResolvedTraining,
  type TrainJobParams,
} from '../worker/job-types';
import {
  datasetTextFile,
  requireDataset,
  requireProject,
  requireSubstrate,
  substrateFile,
  tokenizerFile,
} from './catalog';
import type { ServiceContext } from './context';
import { planGrow } from './grow-plan';

type TrainReq = TrainParams;
type GrowReq = GrowParams;
type StoredParams = RunParams<'train'> | z.output<typeof AppGrowRunParams>;

export class TrainingService {
  constructor(
    private readonly c: ServiceContext,
    /** The workspace's backend choice, for the form's memory plan ('auto' when not given). */
    private readonly backendChoice: () => string = () => 'auto',
  ) {
    c.runs.register('train', {
      prepare: (run) => this.trainJob(run),
      result: TrainResult,
      complete: (run, r) => this.recordTrained(run, r),
    });
    c.runs.register('grow', {
      prepare: (run) => this.growJob(run),
      result: GrowResult,
      complete: (run, r) => this.recordGrown(run, r),
    });
  }

  private trainJob(run: store.Run): TrainJobParams {
    const p = parseRunParams('train', run.id, run.params);
    return { ...p, ...this.resolve(run, p, p.steps), modelDir: this.c.ws.paths.modelDir(p.modelId) };
  }

  private growJob(run: store.Run): GrowJobParams {
    const p = parseRunParams('grow', run.id, run.params);
    if (!('stageModelIds' in p))
      throw new UserError(`run ${run.id} was recorded by espalier demo; it cannot be run again`);
    const stageModels = p.stageModelIds.map((id) => ({ modelId: id, modelDir: this.c.ws.paths.modelDir(id) }));
    return { ...p, ...this.resolve(run, p, p.stages * p.stepsPerStage), stageModels };
  }

  /** Checks datasets, substrate and shape now, so a bad request fails in the form rather than in the worker. */
  private validate(req: TrainReq | GrowReq, layers: number): { substrate: store.SubstrateRecord } {
    const { ws } = this.c;
    requireProject(ws, req.projectId);
    // Two runs of one name give two "zh-expert · stage 1" models no one can tell apart.
    const name = req.name.trim().toLowerCase();
    if (
      ws.runs
        .list({ projectId: req.projectId })
        .some((r) => (r.kind === 'train' || r.kind === 'grow') && r.name.trim().toLowerCase() === name)
    ) {
      throw new UserError(
        `a run named "${req.name.trim()}" already exists in this project: give this one another name`,
      );
    }
    for (const id of [...req.datasetIds, ...req.valDatasetIds]) {
      const d = requireDataset(ws, id);
      if (d.projectId !== req.projectId) throw new UserError(`dataset "${d.name}" belongs to another project`);
      datasetTextFile(ws, d);
    }
    const substrate = requireSubstrate(ws, req.substrateId);
    const vocabSize = ws.tokenizers.get(substrate.tokenizerId)?.vocabSize ?? 1;
    const s = req.shape;
    resolveConfig({
      vocabSize,
      layers,
      dModel: s.dModel,
      heads: s.heads,
      contextLength: s.context,
      mlpRatio: s.mlpRatio,
      dropout: s.dropout,
      substrateDim: substrate.dim,
    });
    return { substrate };
  }

  /** Files and cadence shared by train and grow, resolved from the stored run: never stored themselves. */
  private resolve(run: store.Run, p: StoredParams, steps: number): ResolvedTraining {
    const { ws } = this.c;
    const sub = requireSubstrate(ws, p.substrateId);
    const files = (ids: readonly string[]) => ids.map((id) => datasetTextFile(ws, requireDataset(ws, id)));
    return {
      runDir: ws.paths.runDir(run.id),
      checkpointDir: ws.paths.checkpointDir(run.id),
      substrateFile: substrateFile(ws, sub),
      tokenizerFile: tokenizerFile(ws, sub.tokenizerId),
      train: files(p.datasetIds),
      val: files(p.valDatasetIds),
      checkpointEverySteps: this.c.checkpointEverySteps ?? Math.max(10, Math.round(steps / 10)),
      checkpointEverySeconds: this.c.checkpointEverySeconds ?? 120,
      provenance: {
        runId: run.id,
        seed: p.seed,
        datasets: p.datasetIds.map((id) => {
          const d = ws.datasets.get(id);
          return { id, name: d?.name ?? null, sha256: d?.sha256 ?? null };
        }),
      },
    };
  }

  /** The memory plan of the Growth form's current values, as the job will enforce it when it starts. */
  planGrow(req: GrowPlanRequest): GrowPlan {
    return planGrow(this.c.ws, req, this.backendChoice());
  }

  startTrain(req: TrainReq): { runId: string } {
    this.validate(req, req.layers);
    const params = { ...req, modelId: newId('mdl') };
    const run = this.c.runs.enqueue({
      projectId: req.projectId,
      kind: 'train',
      name: req.name,
      params,
      totalSteps: req.steps,
      message: `queued: ${req.steps} steps`,
    });
    return { runId: run.id };
  }

  async startGrow(req: GrowReq): Promise<{ runId: string }> {
    this.validate(req, req.blocksPerStage);
    const params = { ...req, stageModelIds: Array.from({ length: req.stages }, () => newId('mdl')) };
    const total = req.stages * req.stepsPerStage;
    const run = this.c.runs.enqueue({
      projectId: req.projectId,
      kind: 'grow',
      name: req.name,
      params,
      totalSteps: total,
      message: `queued: ${req.stages} stage${req.stages === 1 ? '' : 's'}`,
    });
    return { runId: run.id };
  }

  private register(
    run: store.Run,
    m: z.infer<typeof TrainResult> | z.infer<typeof GrowResult>['stages'][number],
    kind: 'trained' | 'stage',
    name: string,
    parentId: string | null,
  ): store.Model {
    const { ws } = this.c;
    const p =
      run.kind === 'grow' ? parseRunParams('grow', run.id, run.params) : parseRunParams('train', run.id, run.params);
    if (!('substrateId' in p))
      throw new UserError(`run ${run.id} was recorded by espalier demo; it registers no models`);
    const sub = requireSubstrate(ws, p.substrateId);
    return ws.models.create({
      id: m.modelId,
      projectId: run.projectId,
      kind,
      name,
      parentId,
      depth: m.depth,
      tokenizerId: sub.tokenizerId,
      substrateId: sub.id,
      config: m.config,
      // The paper's breakdown (frozen blocks, substrate) has no column of its own; the catalog reads it from here.
      provenance: { runId: run.id, kind: run.kind, datasetIds: p.datasetIds, seed: p.seed, params: m.params },
      paramsTotal: m.params.total,
      paramsTrainable: m.params.trainable,
    });
  }

  private recordTrained(run: store.Run, r: z.output<typeof TrainResult>): RunResult<'train'> {
    const model = this.register(run, r, 'trained', run.name || 'model', null);
    this.c.ws.runs.setModel(run.id, model.id);
    this.c.bus.emit('models.changed', { projectId: run.projectId });
    const val = r.valLoss !== null ? `, val loss ${r.valLoss.toFixed(3)}` : '';
    this.c.ws.runs.setMessage(run.id, `done: ${r.steps} steps, loss ${r.trainLoss?.toFixed(3) ?? '–'}${val}`);
    return {
      modelId: model.id,
      steps: r.steps,
      trainLoss: r.trainLoss,
      valLoss: r.valLoss,
      tokensPerSec: r.tokensPerSec,
      ...(r.backend ? { backend: r.backend } : {}),
    };
  }

  private recordGrown(run: store.Run, r: z.output<typeof GrowResult>): z.output<typeof GrowOutcome> {
    const base = run.name || 'grown';
    const ids = this.c.ws.transaction(() => {
      let parent: string | null = null;
      return r.stages.map((s) => {
        parent = this.register(run, s, 'stage', s.name ?? `${base} · stage ${s.stage}`, parent).id;
        return parent;
      });
    });
    this.c.ws.runs.setModel(run.id, ids[ids.length - 1]!);
    this.c.bus.emit('models.changed', { projectId: run.projectId });
    // Replaces the worker's last progress line ("registering the stages"), as a finished training run does.
    const loss = r.trainLoss != null ? `, loss ${r.trainLoss.toFixed(3)}` : '';
    const val = r.valLoss != null ? `, val loss ${r.valLoss.toFixed(3)}` : '';
    this.c.ws.runs.setMessage(run.id, `done: ${ids.length} stage${ids.length === 1 ? '' : 's'}${loss}${val}`);
    return {
      modelIds: ids,
      modelId: ids[ids.length - 1],
      trainLoss: r.trainLoss ?? null,
      valLoss: r.valLoss ?? null,
      ...(r.backend ? { backend: r.backend } : {}),
    };
  }
}
