// What a growth run records per stage and per baseline, and the one comparison table over them.
import type { ParamReport } from '../model/param-report';
import type { UnitRef } from './hooks';

export interface StageRecord extends UnitRef {
  steps: number;
  /** Indices of the blocks this stage trained (the new tier). */
  newBlocks: number[];
  /** Parameters updated by this stage (new blocks, final norm, head, LoRA adapters, a trainable table). */
  trainableParams: number;
  frozenParams: number;
  loraParams: number;
  /** The paper's counts of the stage's model (paramReport): LoRA adapters count as trainable. */
  params: ParamReport;
  tokens: number;
  seconds: number;
  /** Estimated training FLOPs (formula in flops.ts). */
  flops: number;
  /** Loss on the fixed spike batch at the end of the previous stage; null for a fresh model. */
  lossBeforeInsert: number | null;
  /** The same batch right after the new blocks were inserted (for a fresh model: its initial loss). */
  lossAfterInsert: number;
  trainLoss: number;
  valLoss: number | null;
  /** Training loss after every step. */
  curve: number[];
  valCurve: { step: number; valLoss: number }[];
  prefixCache: boolean;
  /** The resumable checkpoint file (weights, adapters) at the end of the stage. */
  checkpoint: string;
  /** The exported, usable model folder ("depth k"); LoRA adapters are merged into it. */
  model: string;
}

export interface BaselineRecord {
  kind: 'monolithic' | 'trainable-embedding';
  depth: number;
  steps: number;
  valLoss: number | null;
  /** Monolithic: all of them; trainable embedding: the final stage's. */
  trainableParams: number;
  totalParams: number;
  tokens: number;
  seconds: number;
  flops: number;
  /** The final model folder. */
  model: string;
  /** Per-stage records of the trainable-embedding growth (one record for the monolithic model). */
  stages: StageRecord[];
}

export interface ComparisonRow {
  name: string;
  depth: number;
  valLoss: number | null;
  /** Parameters updated in the last stage (every parameter for a monolithic model). */
  trainableParams: number;
  totalParams: number;
  tokens: number;
  flops: number;
  seconds: number;
}

/** Parameters of a stage's whole model (adapters are merged away on export, so they do not count). */
export function modelParams(r: StageRecord): number {
  return r.trainableParams - r.loraParams + r.frozenParams;
}

type Totals = Omit<BaselineRecord, 'kind' | 'stages'>;

/** A sequence of stages as one run: the last stage's model and loss, everything spent summed. */
function totals(stages: StageRecord[]): Totals {
  const last = stages[stages.length - 1]!;
  const sum = (f: (s: StageRecord) => number) => stages.reduce((a, s) => a + f(s), 0);
  return {
    depth: last.depth,
    steps: sum((s) => s.steps),
    valLoss: last.valLoss,
    trainableParams: last.trainableParams,
    // The one parameter-count definition (param-report.ts): the frozen substrate is in the total, as every
    // other command prints it. Records written before stages carried their report fall back to the model's own.
    totalParams: last.params?.total ?? modelParams(last),
    tokens: sum((s) => s.tokens),
    seconds: Math.round(sum((s) => s.seconds) * 100) / 100,
    flops: sum((s) => s.flops),
    model: last.model,
  };
}

export function summarise(kind: BaselineRecord['kind'], stages: StageRecord[]): BaselineRecord {
  return { kind, ...totals(stages), stages };
}

const ROW_NAMES = {
  monolithic: 'monolithic (end-to-end)',
  'trainable-embedding': 'growth, trainable embedding',
} as const;

export function comparisonTable(growth: StageRecord[], baselines: BaselineRecord[]): ComparisonRow[] {
  const row = (name: string, r: Totals): ComparisonRow => ({
    name,
    depth: r.depth,
    valLoss: r.valLoss,
    trainableParams: r.trainableParams,
    totalParams: r.totalParams,
    tokens: r.tokens,
    flops: r.flops,
    seconds: r.seconds,
  });
  return [row('growth, frozen substrate', totals(growth)), ...baselines.map((b) => row(ROW_NAMES[b.kind], b))];
}

/** The comparison as fixed-width text lines. */
export function formatComparison(rows: ComparisonRow[]): string {
  const head = ['model', 'depth', 'val loss', 'trainable', 'total params', 'FLOPs', 'seconds'];
  const cells = rows.map((r) => [
    r.name,
    String(r.depth),
    r.valLoss === null ? '—' : r.valLoss.toFixed(4),
    String(r.trainableParams),
    String(r.totalParams),
    r.flops.toExponential(2),
    r.seconds.toFixed(1),
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(width[i]!) : x.padStart(width[i]!))).join('  ');
  return [line(head), ...cells.map(line)].join('\n');
}
