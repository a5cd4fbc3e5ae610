// Parameter counts as the paper reports them: trainable, frozen blocks and the frozen substrate apart, and a
// total that includes the substrate (the frozen table is a constant, not a parameter tensor, in the model).
import { mlpWidth, type ModelConfig } from './config';
import type { GPT } from './gpt';

export interface ParamReport {
  trainable: number;
  /** Frozen transformer blocks (earlier growth stages). */
  frozenBlocks: number;
  /** The frozen embedding table (vocab × substrate dim) and a frozen projection to d-model, if any. */
  frozenSubstrate: number;
  /** Anything else frozen (e.g. a frozen head or final norm). */
  frozenOther: number;
  /** Every frozen number: blocks + substrate + other. */
  frozen: number;
  /** Trainable + frozen, substrate included. */
  total: number;
}

export function paramReport(m: GPT): ParamReport {
  const entries = m.params.list().map((e) => ({ name: e.name, size: e.variable.size, frozen: e.frozen }));
  return paramReportOf(entries, m.config.embedding === 'frozen' ? m.substrate.vocabSize * m.substrate.dim : 0);
}

/**
 * The same counts from named tensor sizes (a model folder's weights and its frozen list) and the substrate table's
 * size when the model reads it frozen: how a folder nobody loaded is counted (import, cards).
 */
export function paramReportOf(
  tensors: readonly { name: string; size: number; frozen: boolean }[],
  substrateSize: number,
): ParamReport {
  let trainable = 0;
  let frozenBlocks = 0;
  let frozenSubstrate = substrateSize;
  let frozenOther = 0;
  for (const e of tensors) {
    if (!e.frozen) trainable += e.size;
    else if (e.name.startsWith('blocks.')) frozenBlocks += e.size;
    else if (e.name.startsWith('embed.')) frozenSubstrate += e.size;
    else frozenOther += e.size;
  }
  const frozen = frozenBlocks + frozenSubstrate + frozenOther;
  return { trainable, frozenBlocks, frozenSubstrate, frozenOther, frozen, total: trainable + frozen };
}

/**
 * The same counts from a config alone (no tensors built): for memory plans of models too big to create.
 * `frozenBlocks` lowest blocks are frozen (a growth stage); the embedding trains only in the trainable control.
 */
export function paramReportFromConfig(cfg: ModelConfig, frozenBlocks = 0): ParamReport {
  const d = cfg.dModel;
  const norm = cfg.norm === 'layernorm' ? 2 * d : d;
  const block = 4 * d * d + 2 * d * mlpWidth(cfg) + 2 * norm;
  const nFrozen = Math.min(Math.max(0, frozenBlocks), cfg.layers);
  const table = cfg.vocabSize * cfg.substrateDim;
  const proj = cfg.inputProjection === 'frozen-random' ? cfg.substrateDim * d : 0;
  const outer = norm + d * cfg.vocabSize + (cfg.embedding === 'trainable' ? table : 0);
  const trainable = (cfg.layers - nFrozen) * block + outer;
  const frozenSubstrate = (cfg.embedding === 'frozen' ? table : 0) + proj;
  const frozen = nFrozen * block + frozenSubstrate;
  return {
    trainable,
    frozenBlocks: nFrozen * block,
    frozenSubstrate,
    frozenOther: 0,
    frozen,
    total: trainable + frozen,
  };
}

/** "581,312 parameters (364,608 trainable; frozen: 0 in blocks, 216,704 substrate)": every command prints it so. */
export function describeParams(r: ParamReport): string {
  const n = (x: number) => x.toLocaleString('en');
  return `${n(r.total)} parameters (${n(r.trainable)} trainable; frozen: ${n(r.frozenBlocks)} in blocks, ${n(r.frozenSubstrate)} substrate${r.frozenOther ? `, ${n(r.frozenOther)} other` : ''})`;
}
