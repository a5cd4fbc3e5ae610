// What would make a job fit when its memory plan does not, and the one-line refusal and log lines that say so.
import { UserError } from '../../common/errors';
import { resolveConfig, type ModelConfig } from '../model/config';
import { gib, memoryPlan, type MemoryPlan, type PlanInput } from './memory-plan';

export interface PlanAdvice {
  /** Smaller micro-batch, same windows per optimizer step. */
  gradAccum: { batch: number; accumulation: number; total: number } | null;
  /** Growth: every block below the last one frozen, as a growth run's final stage trains (with the micro-batch it needs). */
  growth: { total: number; batch: number; accumulation: number } | null;
  /** The largest power-of-two fraction of the context that fits. */
  context: { context: number; total: number } | null;
  /** On wasm, when only the 4 GiB heap is in the way: tfjs's plain-JavaScript backend keeps tensors in ordinary memory. */
  cpuBackend: boolean;
}

function fitsWith(input: PlanInput, change: Partial<PlanInput> & { config?: ModelConfig }): MemoryPlan | null {
  const p = memoryPlan({ ...input, ...change });
  return p.fits ? p : null;
}

export function planAdvice(input: PlanInput): PlanAdvice {
  const B = input.batch;
  const A = input.accumulation;
  /** The largest micro-batch (dividing the step's windows) with which `change` fits. */
  const withBatch = (
    change: Partial<PlanInput>,
    below: number,
  ): { batch: number; accumulation: number; total: number } | null => {
    for (let b = below; b >= 1; b--) {
      if ((B * A) % b !== 0) continue;
      const p = fitsWith(input, { ...change, batch: b, accumulation: (B * A) / b });
      if (p) return { batch: b, accumulation: (B * A) / b, total: p.bytes.total };
    }
    return null;
  };
  const gradAccum = withBatch({}, B - 1);
  const layers = input.config.layers;
  const g = layers > 1 && (input.frozenBlocks ?? 0) < layers - 1 ? withBatch({ frozenBlocks: layers - 1 }, B) : null;
  let context: PlanAdvice['context'] = null;
  for (let t = Math.floor(input.config.contextLength / 2); t >= 16 && !context; t = Math.floor(t / 2)) {
    const p = fitsWith(input, { config: resolveConfig({ ...input.config, contextLength: t }) });
    if (p) context = { context: t, total: p.bytes.total };
  }
  const cpuBackend = input.backend === 'wasm' && fitsWith(input, { backend: 'cpu' }) !== null;
  return { gradAccum, growth: g, context, cpuBackend };
}

/** "weights 1.2 GiB, substrate …": the plan's parts, largest first is not needed — the order is the reader's. */
export function planParts(p: MemoryPlan): string {
  const b = p.bytes;
  return `weights ${gib(b.weights)}, substrate ${gib(b.substrate)}, gradients ${gib(b.gradients)}, AdamW ${gib(b.optimizer)}, activations ${gib(b.activations)}, logits ${gib(b.logits)}, runtime ${gib(b.base)}, host copy of the weights ${gib(b.hostWeights)}${b.resumed > 0 ? `, checkpoint read to resume ${gib(b.resumed)}` : ''}`;
}

/** The log line every job starts with. */
export function planLine(p: MemoryPlan): string {
  const n = (x: number) => `${(x / 1e6).toFixed(1)} M`;
  const heap = p.limits.wasmHeap !== null ? `, wasm heap ${gib(p.bytes.backendHeap)} of ${gib(p.limits.wasmHeap)}` : '';
  return (
    `memory plan: ${n(p.params.total)} parameters (${n(p.params.trainable)} trainable, ${n(p.params.frozenBlocks)} in frozen blocks, ${n(p.params.frozenSubstrate)} substrate); ` +
    `peak ≈ ${gib(p.bytes.total)} (${planParts(p)}) for batch ${p.batch} × ${p.accumulation} × context ${p.context}; RAM available ${gib(p.limits.ram)}${heap}`
  );
}

/** One line: what does not fit, the numbers, and what would. */
export function refusalLine(p: MemoryPlan, a: PlanAdvice, flags: { grow: boolean }): string {
  const ways: string[] = [];
  if (a.gradAccum)
    ways.push(
      `--batch ${a.gradAccum.batch} --grad-accum ${a.gradAccum.accumulation} (same windows per step, ≈ ${gib(a.gradAccum.total)})`,
    );
  if (a.growth && !flags.grow) {
    const mb =
      a.growth.batch !== p.batch ? ` with --batch ${a.growth.batch} --grad-accum ${a.growth.accumulation}` : '';
    ways.push(`growth instead of monolithic training (espalier grow${mb}: the final stage ≈ ${gib(a.growth.total)})`);
  }
  if (a.context) ways.push(`--context ${a.context.context} (≈ ${gib(a.context.total)})`);
  if (a.cpuBackend) ways.push('--backend cpu (no 4 GiB heap, much slower)');
  const fix =
    ways.length > 0
      ? `; it would fit with ${ways.join(', or ')}`
      : '; nothing smaller in batch, context or frozen blocks fits: choose a smaller model or a machine with more memory';
  return `this job does not fit: it ${p.problems.join(' and ')} (${planParts(p)})${fix}`;
}

/** Logs the plan and, when it does not fit, throws the one-line refusal (before the job allocates anything). */
export function enforcePlan(input: PlanInput, log: (line: string) => void, flags: { grow: boolean }): MemoryPlan {
  const p = memoryPlan(input);
  log(planLine(p));
  if (!p.fits) throw new UserError(refusalLine(p, planAdvice(input), flags));
  return p;
}
