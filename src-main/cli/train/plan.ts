// The memory plan of a `train` or `grow` job from its options alone (a checkpoint's header when resuming): no
// data read, no tensor built. `--plan` prints it; every job logs it and refuses up front when it does not fit.
import type { BackendReport } from '../../engine/backend';
import { CHECKPOINT_FORMAT, type CheckpointMeta } from '../../engine/io/checkpoint';
import { readSafetensorsMetadata } from '../../engine/util/safetensors';
import { configFromJson, resolveConfig, type ModelConfig } from '../../engine/model/config';
import {
  memoryPlan,
  planAdvice,
  planLine,
  refusalLine,
  type MemoryPlan,
  type ModelPreset,
  type PlanAdvice,
  type PlanInput,
} from '../../engine/plan/index';
import { UserError } from '../../common/errors';
import { optStr, type CommandContext, type ParsedOptions } from '../command';
import { loadVocab } from '../vocab';
import { presetOf } from './preset';
import { resumeCheckpointFile } from './run-folder';
import { freshConfigInput, oneOf, positiveInt } from './steps';

export interface JobPlan {
  preset: { name: string; paperParams: number; paperText: string; params: number; deviation: number } | null;
  config: ModelConfig;
  plan: MemoryPlan;
  advice: PlanAdvice | null;
}

/** Vocabulary size and substrate width: from the files when given (their headers only), else the preset's. */
function sizes(opts: ParsedOptions, preset: ModelPreset | null): { vocabSize: number; substrateDim: number } {
  const vocab = optStr(opts, 'vocab');
  const sub = optStr(opts, 'substrate');
  const vocabSize = vocab ? loadVocab(vocab).size : preset?.config.vocabSize;
  if (vocabSize === undefined)
    throw new UserError("missing required option --vocab FILE (or --preset NAME for the paper's vocabulary size)");
  let substrateDim = preset?.config.substrateDim ?? positiveInt(opts, 'd-model');
  if (sub) {
    const dim = Number(readSafetensorsMetadata(sub, 'substrate file')['dim']);
    if (!Number.isInteger(dim) || dim < 1)
      throw new UserError(`${sub}: not an Espalier substrate (no "dim" in its metadata)`);
    substrateDim = dim;
  }
  if (substrateDim === undefined)
    throw new UserError('missing required option --substrate FILE (or --d-model D, or --preset NAME)');
  return { vocabSize, substrateDim };
}

/** A resumed run's architecture and batch, from its checkpoint's header. */
function resumedShape(dir: string): { config: ModelConfig; batch: number; accumulation: number; frozenBlocks: number } {
  const file = resumeCheckpointFile(dir);
  const md = readSafetensorsMetadata(file, 'checkpoint');
  if (md['format'] !== CHECKPOINT_FORMAT) throw new UserError(`${file}: not an Espalier checkpoint`);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(md['meta'] ?? '') as CheckpointMeta;
  } catch {
    throw new UserError(`${file}: the checkpoint's "meta" metadata is not JSON`);
  }
  const config = configFromJson(meta.config, `${file} (config)`);
  const frozen = new Set(meta.frozen.filter((n) => n.startsWith('blocks.')).map((n) => n.split('.')[1]));
  return { config, batch: meta.train.batchSize, accumulation: meta.train.accumulation, frozenBlocks: frozen.size };
}

/** The plan of `train` with these options; `frozenBlocks` for a growth stage, `layers` to override depth. */
export function trainJobPlan(
  opts: ParsedOptions,
  backend: BackendReport,
  over: { frozenBlocks?: number; layers?: number } = {},
): JobPlan {
  const preset = presetOf(opts);
  const resume = optStr(opts, 'resume');
  let input: PlanInput;
  const gpu = backend.adapter?.limits ?? null;
  // f16 storage (webgpu) changes the plan: float16 weight copies, float16 saved matmul inputs.
  const precision = oneOf(opts, 'precision', ['f32', 'f16'] as const);
  if (resume) {
    const r = resumedShape(resume);
    input = {
      config: r.config,
      batch: r.batch,
      accumulation: r.accumulation,
      frozenBlocks: r.frozenBlocks,
      backend: backend.backend,
      precision,
      gpu,
      chunkedHead: backend.native?.ok === true,
      resumed: true,
    };
  } else {
    const { vocabSize, substrateDim } = sizes(opts, preset);
    const cfgIn = freshConfigInput(opts, vocabSize, substrateDim);
    const config = resolveConfig({ ...cfgIn, ...(over.layers !== undefined ? { layers: over.layers } : {}) });
    input = {
      config,
      batch: positiveInt(opts, 'batch') ?? 16,
      accumulation: positiveInt(opts, 'accumulate') ?? positiveInt(opts, 'grad-accum') ?? 1,
      frozenBlocks: over.frozenBlocks ?? 0,
      backend: backend.backend,
      precision,
      gpu,
      chunkedHead: backend.native?.ok === true,
    };
  }
  const plan = memoryPlan(input);
  const total = plan.params.total;
  return {
    preset: preset
      ? {
          name: preset.name,
          paperParams: preset.paper.params,
          paperText: preset.paper.text,
          params: total,
          deviation: total / preset.paper.params - 1,
        }
      : null,
    config: input.config,
    plan,
    advice: plan.fits ? null : planAdvice(input),
  };
}

/** Refuses in one line, with the numbers and what would fit, a job whose plan does not fit. */
export function refuseUnfit(job: JobPlan, flags: { grow: boolean }): void {
  if (!job.plan.fits) throw new UserError(refusalLine(job.plan, job.advice!, flags));
}

/** Logs the plan (and the preset next to the paper's figure) once the inputs are known to be usable. */
export function logJobPlan(job: JobPlan, ctx: CommandContext): void {
  if (job.preset)
    ctx.log(
      `preset ${job.preset.name}: ${(job.preset.params / 1e6).toFixed(1)} M parameters with the substrate (the paper: ${job.preset.paperText})`,
    );
  ctx.log(planLine(job.plan));
}
