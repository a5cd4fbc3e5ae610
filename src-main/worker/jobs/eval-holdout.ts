// The 'eval' job's 'holdout' protocol (issue 31): each model's training-validation loss recomputed from what its
// folder records (config.json → training: hold-out, windows, context), on the chosen dataset's text — the same
// windows and count `espalier eval --protocol holdout`, `grow` and `scale/grow.py` score, so the numbers agree.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../../common/errors';
import { describeHoldout, evalHoldout, recordedValidation } from '../../engine/eval/holdout-protocol';
import { readModelMeta } from '../../engine/io';
import { GPT } from '../../engine/model/gpt';
import { loadModelSpec, loadSpecTokenizer, type ModelSpec } from '../../lib/model-spec';
import type { JobContext } from '../runtime';

export interface HoldoutModelResult {
  modelId: string;
  n: number;
  metrics: Record<string, number | null>;
  ci95: null;
  runs: number;
  seed: number;
  datasetSha256: string;
  itemsFile: string;
  report: null;
}

/** The recorded validation of an app model folder, or a refusal that says what is missing and what to use instead. */
function recorded(m: ModelSpec): ReturnType<typeof recordedValidation> {
  if (m.kind !== 'gpt') throw new UserError(`${m.name}: a merge was never trained, so it has no hold-out; evaluate it with protocol loglik`);
  const training = readModelMeta(m.dir).training as Record<string, unknown> | undefined;
  try {
    return recordedValidation(training, `${m.name} (config.json)`);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(
      `${m.name}: its folder records no single hold-out to rescore (config.json → training.holdout); models trained in the app validated on several datasets' tails or on separate validation sets, which the folder does not record — evaluate it with protocol loglik instead`,
    );
  }
}

export async function holdoutResults(p: { dataPath: string; models: ModelSpec[]; seed: number }, ctx: JobContext): Promise<HoldoutModelResult[]> {
  const sha = createHash('sha256').update(readFileSync(p.dataPath)).digest('hex');
  const out: HoldoutModelResult[] = [];
  for (const [i, m] of p.models.entries()) {
    ctx.stopIfAsked();
    ctx.progress(i / p.models.length, `${m.name}: scoring its recorded hold-out`);
    const rec = recorded(m);
    const model = await loadModelSpec(m);
    try {
      if (!(model instanceof GPT)) throw new UserError(`${m.name}: not a single trained model; evaluate it with protocol loglik`);
      const tok = loadSpecTokenizer(m);
      const r = await evalHoldout(model, (t) => tok.encode(t), rec, { data: p.dataPath, modelDir: resolve(m.kind === 'gpt' ? m.dir : '.') });
      ctx.log(`${m.name}: perplexity — ${describeHoldout(r.windows, r.context, r.available)} (${r.from}): val loss ${r.loss.toFixed(6)}, ppl ${Math.exp(r.loss).toFixed(4)}`);
      out.push({ modelId: m.id, n: r.windows, metrics: { nll: r.loss, ppl: Math.exp(r.loss), windows: r.windows, context: r.context }, ci95: null, runs: 1, seed: p.seed, datasetSha256: sha, itemsFile: '', report: null });
    } finally {
      model.dispose();
    }
  }
  return out;
}
