// Memory plans of the two conversions, from the model's config alone: `export --format hf` streams (one weight
// tensor read and, where transformers wants it transposed, copied at a time), while `import --format hf` holds every
// converted tensor until the model folder is written. Both hold the embedding table and the substrate whole.
import { mlpWidth, type ModelConfig } from '../model/config';
import { paramReportFromConfig } from '../model/param-report';

/** Node and the CLI's modules without a training backend's heap (measured: see docs/scale-on-one-machine.md). */
export const IO_BASE_BYTES = 210 * 2 ** 20;

function largestTensorBytes(cfg: ModelConfig): number {
  const d = cfg.dModel;
  return 4 * Math.max(d * mlpWidth(cfg), cfg.vocabSize * d, cfg.vocabSize * cfg.substrateDim, d * d);
}

/** `export --format hf`: the substrate and the embedding written from it, plus one tensor read and its transpose. */
export function exportPlanBytes(cfg: ModelConfig): number {
  const table = 4 * cfg.vocabSize * cfg.substrateDim;
  const embedding = 4 * cfg.vocabSize * cfg.dModel;
  return IO_BASE_BYTES + table + embedding + 2 * largestTensorBytes(cfg);
}

/** `import --format hf`: every weight converted and held (the embedding becomes the substrate), plus one in flight. */
export function importPlanBytes(cfg: ModelConfig): number {
  const params = paramReportFromConfig(cfg);
  const weights = 4 * (params.total - params.frozenSubstrate);
  const embedding = 4 * cfg.vocabSize * cfg.dModel;
  return IO_BASE_BYTES + weights + 2 * embedding + largestTensorBytes(cfg);
}
