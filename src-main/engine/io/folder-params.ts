// The parameter counts of a model folder without loading it into a backend (import, the app's registration):
// its weights' sizes, its frozen list and its substrate, counted by the one definition in model/param-report.ts.
import { join } from 'node:path';
import { paramReportOf, type ParamReport } from '../model/param-report';
import { readModelMeta } from './model-folder-format';
import { readSafetensors } from '../util/safetensors';

export function folderParamReport(dir: string): ParamReport {
  const meta = readModelMeta(dir);
  const frozen = new Set(meta.frozen);
  const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
  // As loadModel does: the random input projection, when there is one, is always frozen.
  const entries = [...tensors].map(([name, t]) => ({
    name,
    size: t.shape.reduce((a, b) => a * b, 1),
    frozen: name === 'embed.proj' || frozen.has(name),
  }));
  const substrate = meta.config.embedding === 'frozen' ? meta.substrate.vocabSize * meta.substrate.dim : 0;
  return paramReportOf(entries, substrate);
}
