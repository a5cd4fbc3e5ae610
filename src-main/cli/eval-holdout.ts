// `espalier eval --task ppl --protocol holdout`: a model folder's training-validation loss, recomputed from its
// recorded hold-out (config.json → training), so the number equals what train, grow and scale/grow.py printed.
import { describeHoldout, evalHoldout, recordedValidation, type HoldoutEval } from '../engine/eval/holdout-protocol';
import { loadModel } from '../engine/io';
import { loadTokenizer } from '../engine/tokenizer';
import { UserError } from '../common/errors';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { modelLabel } from './model-label';

export interface HoldoutResult extends HoldoutEval {
  modelId: string;
  task: 'ppl';
  metrics: { nll: number; ppl: number };
}

export async function evalHoldoutFolder(
  dir: string,
  data: string | undefined,
  batchSize: number,
): Promise<HoldoutResult> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir}: no such model folder`);
  if (existsSync(join(dir, 'merge.json')))
    throw new UserError(
      `${dir}: a merge was never trained, so it has no hold-out; use --protocol loglik with --data FILE`,
    );
  const { model, meta } = loadModel(dir);
  try {
    const rec = recordedValidation(meta.training, join(dir, 'config.json'));
    const tok = loadTokenizer(join(dir, 'tokenizer.json'));
    const r = await evalHoldout(model, (t) => tok.encode(t), rec, { data, modelDir: resolve(dir), batchSize });
    return { modelId: modelLabel(dir), task: 'ppl', ...r, metrics: { nll: r.loss, ppl: Math.exp(r.loss) } };
  } finally {
    model.dispose();
  }
}

export function humanHoldout(r: HoldoutResult): string {
  return [
    `${r.modelId}: ppl/holdout on ${r.data} — ${describeHoldout(r.windows, r.context, r.available)} (${r.from})`,
    `  ${'val loss (nats)'.padEnd(20)} ${r.loss.toFixed(6)}`,
    `  ${'ppl'.padEnd(20)} ${Math.exp(r.loss).toFixed(4)}`,
  ].join('\n');
}
