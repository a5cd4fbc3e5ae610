// The Growth form's memory plan before Start: the engine's plan (engine/plan) for the form's current values on
// the workspace's backend, the same one the grow/train job enforces when it starts, plus the paper's presets.
import type { GrowPlan, GrowPlanRequest, PaperPreset } from '../../src-shared/grow-plan';
import { resolveConfig } from '../engine/model/config';
import { paramReportFromConfig } from '../engine/model/param-report';
import { memoryPlan, planAdvice, planLine, PRESETS, refusalLine } from '../engine/plan/index';
import { UserError } from '../common/errors';
import type { Workspace } from '../store/index';
import { requireProject, requireSubstrate } from './catalog';

/** The paper's configurations with Espalier's count for each (the substrate included, as the paper counts). */
export function paperPresets(): PaperPreset[] {
  return Object.values(PRESETS).map((p) => {
    const c = p.config;
    return {
      name: p.name,
      description: p.description,
      layers: c.layers,
      dModel: c.dModel,
      heads: c.heads,
      context: c.contextLength,
      mlpRatio: c.mlpRatio ?? 4,
      vocabSize: c.vocabSize,
      substrateDim: c.substrateDim,
      params: paramReportFromConfig(resolveConfig(c)).total,
      paperParams: p.paper.params,
      paperText: p.paper.text,
    };
  });
}

/**
 * The backend a job would start on. 'auto' picks at the job's start (a GPU where one works); the form plans for the
 * CPU path (wasm), the one with the tightest limit, and says so — the job re-plans on the backend it really gets.
 */
function plannedBackend(choice: string): { backend: string; note: string } {
  if (choice === 'auto')
    return {
      backend: 'wasm',
      note: "backend 'auto': planned for the CPU path (tfjs-wasm, 4 GiB heap); the job re-plans on the backend it starts",
    };
  return { backend: choice, note: `the workspace's backend '${choice}'` };
}

export function planGrow(ws: Workspace, req: GrowPlanRequest, backendChoice: string, availableRam?: number): GrowPlan {
  requireProject(ws, req.projectId);
  const substrate = requireSubstrate(ws, req.substrateId);
  const vocabSize = ws.tokenizers.get(substrate.tokenizerId)?.vocabSize;
  if (!vocabSize) throw new UserError(`substrate "${substrate.name}" has no tokenizer recorded; rebuild the substrate`);
  const s = req.shape;
  const grow = req.mode === 'grow';
  const depth = grow ? req.stages * req.blocksPerStage : req.layers;
  const config = resolveConfig({
    vocabSize,
    layers: depth,
    dModel: s.dModel,
    heads: s.heads,
    contextLength: s.context,
    mlpRatio: s.mlpRatio,
    norm: s.norm,
    substrateDim: substrate.dim,
    embedding: req.embeddings,
  });
  // As the grow job plans: the final stage (every lower block frozen), or the monolithic baseline when it trains one.
  const frozenBlocks = grow && req.baseline !== 'monolithic' ? depth - req.blocksPerStage : 0;
  const { backend, note } = plannedBackend(backendChoice);
  const input = {
    config,
    batch: req.batch,
    accumulation: req.gradAccum,
    frozenBlocks,
    backend,
    ...(availableRam !== undefined ? { availableRam } : {}),
  };
  const p = memoryPlan(input);
  const unit = !grow
    ? `the monolithic model (${depth} blocks)`
    : frozenBlocks > 0
      ? `the final stage (${depth} blocks, ${frozenBlocks} frozen)`
      : `the ${depth}-block model`;
  return {
    backend,
    backendNote: note,
    unit,
    vocabSize,
    params: {
      total: p.params.total,
      trainable: p.params.trainable,
      frozenBlocks: p.params.frozenBlocks,
      frozenSubstrate: p.params.frozenSubstrate,
    },
    bytes: {
      weights: p.bytes.weights,
      hostWeights: p.bytes.hostWeights,
      substrate: p.bytes.substrate,
      gradients: p.bytes.gradients,
      optimizer: p.bytes.optimizer,
      activations: p.bytes.activations,
      logits: p.bytes.logits,
      base: p.bytes.base,
      total: p.bytes.total,
      backendHeap: p.bytes.backendHeap,
    },
    limits: { ram: p.limits.ram, wasmHeap: p.limits.wasmHeap },
    fits: p.fits,
    problems: p.problems,
    line: planLine(p),
    advice: p.fits ? null : refusalLine(p, planAdvice(input), { grow }),
    presets: paperPresets(),
  };
}
