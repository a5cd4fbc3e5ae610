// runGrowth: the whole growth run — stages 1…N, then the baselines — resumable at the stage and step where it
// stopped, reporting through hooks. The run folder holds growth.json plus one folder per stage and baseline.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../io/model-folder-format';
import type { GPT } from '../model/gpt';
import { UserError } from '../../common/errors';
import { loadStageCheckpoint } from './checkpoint';
import type { GrowthHooks } from './hooks';
import { firstStageModel, insertTier, stageSeed } from './insert';
import type { LoraSet } from './lora';
import {
  finalDepth,
  resolvePlan,
  totalSteps,
  type GrowthBase,
  type GrowthModelInput,
  type GrowthPlan,
  type GrowthPlanInput,
} from './plan';
import { comparisonTable, summarise, type BaselineRecord, type ComparisonRow, type StageRecord } from './records';
import { CHECKPOINT_FILE, runUnit, spikeLoss, type GrowthData, type UnitSpec } from './stage';
import { openState, writeState, type RunState } from './state';

export interface GrowthRunOptions extends GrowthHooks {
  /** The run folder (created if missing); an existing run there is resumed. */
  out: string;
  /**
   * Delete each unit's checkpoint once the whole run is done: the exported model folders hold the weights, and a
   * finished run is never resumed (a workspace keeps each stage's weights once). Default false: keep them.
   */
  pruneCheckpoints?: boolean;
}

export interface GrowthResult {
  /** 'stopped' when shouldStop/signal ended the run early; run it again with the same plan to resume. */
  status: 'done' | 'stopped';
  out: string;
  stages: StageRecord[];
  baselines: { monolithic: BaselineRecord | null; trainableEmbedding: BaselineRecord | null };
  /** Growth first, then each baseline run (empty until the run is done). */
  comparison: ComparisonRow[];
  /** When stopped: the checkpoint the resume continues from. */
  resumeFrom: string | null;
}

type Phase = 'growth' | 'trainable-embedding';

interface StagesOutcome {
  status: 'done' | 'stopped';
  checkpoint: string | null;
}

/** Runs (or resumes) the stages of one growth sequence in `dir`; `done` holds records of finished stages. */
async function runStages(
  phase: Phase,
  plan: GrowthPlan,
  data: GrowthData,
  dir: string,
  done: StageRecord[],
  hooks: GrowthHooks,
  onRecord: (r: StageRecord) => void,
): Promise<StagesOutcome> {
  const model: GrowthModelInput = phase === 'growth' ? plan.model : { ...plan.model, embedding: 'trainable' };
  let carry: { model: GPT; lora: LoraSet | null } | null = null;
  const prefix = phase === 'growth' ? '' : 'baseline-trainable-embedding/';
  try {
    for (const st of plan.stages) {
      if (done.some((r) => r.stage === st.stage)) continue;
      const stageDir = (k: number) => join(dir, `stage-${k}`);
      const spec: UnitSpec = {
        ref: {
          phase,
          unit: `${prefix}stage-${st.stage}`,
          stage: st.stage,
          stages: plan.stages.length,
          depth: st.depth,
        },
        steps: st.steps,
        lr: st.lr,
        warmup: st.warmup,
        seed: stageSeed(plan.seed, st.stage),
        start: async () => {
          if (st.stage === 1 && plan.from) {
            const base = loadBase(plan.from, data);
            const lossBefore = await spikeLoss(base, null, data, plan);
            await base.params.readAll();
            const { lora, newBlocks } = insertTier(base, null, plan, st);
            return { model: base, lora, lossBefore, newBlocks };
          }
          if (st.stage === 1) {
            const m = firstStageModel(plan, data, plan.blocksPerStage, model);
            return { model: m, lora: null, lossBefore: null, newBlocks: Array.from({ length: m.layers }, (_, i) => i) };
          }
          const prev = carry ?? loadStageCheckpoint(join(stageDir(st.stage - 1), CHECKPOINT_FILE), data.substrate);
          carry = null;
          const lossBefore = await spikeLoss(prev.model, prev.lora, data, plan);
          // Inits that copy a block read it synchronously; on WebGPU only a host copy can be read that way.
          await prev.model.params.readAll();
          const { lora, newBlocks } = insertTier(prev.model, prev.lora, plan, st);
          return { model: prev.model, lora, lossBefore, newBlocks };
        },
      };
      const out = await runUnit(spec, stageDir(st.stage), plan, data, hooks);
      // A stage resumed from its own checkpoint did not take the carried model.
      disposeCarry(carry);
      carry = null;
      if (out.status === 'stopped') return { status: 'stopped', checkpoint: out.checkpoint };
      onRecord(out.record);
      hooks.onStageEnd?.(out.record);
      carry = { model: out.model, lora: out.lora };
    }
    return { status: 'done', checkpoint: null };
  } finally {
    disposeCarry(carry);
  }
}

/** The folder a run grows from, checked to be the model the plan names (a resume must not pick up another one). */
function loadBase(from: GrowthBase, data: GrowthData): GPT {
  const { model, meta } = loadModel(from.dir, { substrate: data.substrate });
  const problem =
    meta.createdAt !== from.createdAt
      ? `was replaced (created ${meta.createdAt}, the run started from one created ${from.createdAt})`
      : model.layers !== from.layers
        ? `has ${model.layers} blocks, the run started from ${from.layers}`
        : model.config.embedding === 'trainable'
          ? 'trains its embedding table; growth keeps the substrate frozen'
          : '';
  if (problem) {
    model.dispose();
    throw new UserError(`${from.dir}: ${problem}`);
  }
  return model;
}

function disposeCarry(c: { model: GPT; lora: LoraSet | null } | null): void {
  c?.model.dispose();
  c?.lora?.dispose();
}

async function runMonolithic(
  plan: GrowthPlan,
  data: GrowthData,
  dir: string,
  hooks: GrowthHooks,
): Promise<{ record: BaselineRecord | null; checkpoint: string | null }> {
  const depth = finalDepth(plan);
  const spec: UnitSpec = {
    ref: { phase: 'monolithic', unit: 'baseline-monolithic', stage: 1, stages: 1, depth },
    steps: totalSteps(plan),
    lr: plan.stages[0]!.lr,
    seed: stageSeed(plan.seed, 0, 0x3011),
    start: async () => {
      const m = firstStageModel(plan, data, depth);
      return { model: m, lora: null, lossBefore: null, newBlocks: Array.from({ length: depth }, (_, i) => i) };
    },
  };
  const out = await runUnit(spec, dir, plan, data, hooks);
  if (out.status === 'stopped') return { record: null, checkpoint: out.checkpoint };
  hooks.onStageEnd?.(out.record);
  out.model.dispose();
  return { record: summarise('monolithic', [out.record]), checkpoint: null };
}

/**
 * Grows a model stage by stage in `opts.out` and trains the plan's baselines on the same token budget.
 * Calling it again on the same folder with the same plan and data resumes where the last call stopped.
 */
export async function runGrowth(
  planInput: GrowthPlanInput | GrowthPlan,
  data: GrowthData,
  opts: GrowthRunOptions,
): Promise<GrowthResult> {
  const plan =
    'blocksPerStage' in planInput && Array.isArray(planInput.stages)
      ? (planInput as GrowthPlan)
      : resolvePlan(planInput as GrowthPlanInput);
  const dir = opts.out;
  mkdirSync(dir, { recursive: true });
  const state: RunState = openState(dir, plan, data);
  const save = () => writeState(dir, state);
  const result = (
    status: 'done' | 'stopped',
    resumeFrom: string | null,
    comparison: ComparisonRow[] = [],
  ): GrowthResult => {
    state.status = status;
    save();
    return {
      status,
      out: dir,
      stages: state.stages,
      baselines: { monolithic: state.baselines.monolithic, trainableEmbedding: state.baselines['trainable-embedding'] },
      comparison,
      resumeFrom,
    };
  };

  const growth = await runStages('growth', plan, data, dir, state.stages, opts, (r) => {
    state.stages.push(r);
    save();
  });
  if (growth.status === 'stopped') return result('stopped', growth.checkpoint);

  for (const kind of plan.baselines) {
    if (state.baselines[kind]) continue;
    if (kind === 'monolithic') {
      const m = await runMonolithic(plan, data, join(dir, 'baseline-monolithic'), opts);
      if (!m.record) return result('stopped', m.checkpoint);
      state.baselines.monolithic = m.record;
    } else {
      const e = await runStages(
        'trainable-embedding',
        plan,
        data,
        join(dir, 'baseline-trainable-embedding'),
        state.embeddingStages,
        opts,
        (r) => {
          state.embeddingStages.push(r);
          save();
        },
      );
      if (e.status === 'stopped') return result('stopped', e.checkpoint);
      state.baselines['trainable-embedding'] = summarise('trainable-embedding', state.embeddingStages);
    }
    save();
  }
  const baselines = plan.baselines.map((k) => state.baselines[k]).filter((b): b is BaselineRecord => b !== null);
  const done = result('done', null, comparisonTable(state.stages, baselines));
  if (opts.pruneCheckpoints) {
    for (const r of [...state.stages, ...state.embeddingStages]) rmSync(r.checkpoint, { force: true });
    rmSync(join(dir, 'baseline-monolithic', CHECKPOINT_FILE), { force: true });
  }
  return done;
}
