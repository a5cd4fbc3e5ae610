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
import type { Tokenizer } from '../../engine/tokenizer';
import { meanLossAsync } from '../../engine/train/validate';
import { loadModelSpec, loadSpecTokenizer, type ModelSpec } from '../../lib/model-spec';
import { trainingWindows } from './train-data';
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

type Recorded =
  | { kind: 'folder'; rec: ReturnType<typeof recordedValidation> }
  | { kind: 'app'; files: { train: string[]; val: string[] }; windows: number; context: number };

const REFUSAL = (name: string, why: string): UserError =>
  new UserError(
    `${name}: its folder records no hold-out to rescore (config.json → training.holdout)${why}; evaluate it with protocol loglik instead`,
  );

/**
 * What to rescore: the folder's recorded hold-out (espalier train/grow, scale/grow.py, imports of those), else, for a
 * model an app run grew, that run's validation texts (its datasets' tails or its validation sets, as the job joined
 * them) with the windows and context its folder records — or a refusal that says what is missing.
 */
function recorded(m: ModelSpec, app: { train: string[]; val: string[] } | undefined): Recorded {
  if (m.kind !== 'gpt')
    throw new UserError(
      `${m.name}: a merge was never trained, so it has no hold-out; evaluate it with protocol loglik`,
    );
  const training = readModelMeta(m.dir).training as Record<string, unknown> | undefined;
  try {
    return { kind: 'folder', rec: recordedValidation(training, `${m.name} (config.json)`) };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
  }
  const v = training?.['validation'] as { windows?: unknown; context?: unknown } | undefined;
  const windows = typeof v?.windows === 'number' ? v.windows : null;
  const context = typeof v?.context === 'number' ? v.context : null;
  if (windows === null || context === null) throw REFUSAL(m.name, ' nor its validation windows (training.validation)');
  if (!app) throw REFUSAL(m.name, ', and the app run that trained it (or one of its datasets) is gone');
  return { kind: 'app', files: app, windows, context };
}

export async function holdoutResults(
  p: {
    dataPath: string;
    models: ModelSpec[];
    seed: number;
    validationData?: Record<string, { train: string[]; val: string[] }> | undefined;
  },
  ctx: JobContext,
): Promise<HoldoutModelResult[]> {
  const sha = createHash('sha256').update(readFileSync(p.dataPath)).digest('hex');
  const out: HoldoutModelResult[] = [];
  for (const [i, m] of p.models.entries()) {
    ctx.stopIfAsked();
    ctx.progress(i / p.models.length, `${m.name}: scoring its recorded hold-out`);
    const rec = recorded(m, p.validationData?.[m.id]);
    const model = await loadModelSpec(m);
    try {
      if (!(model instanceof GPT))
        throw new UserError(`${m.name}: not a single trained model; evaluate it with protocol loglik`);
      const tok = loadSpecTokenizer(m);
      const r =
        rec.kind === 'folder'
          ? await evalHoldout(model, (t) => tok.encode(t), rec.rec, {
              data: p.dataPath,
              modelDir: resolve(m.kind === 'gpt' ? m.dir : '.'),
            })
          : await appHoldout(model, tok, rec);
      ctx.log(
        `${m.name}: perplexity — ${describeHoldout(r.windows, r.context, r.available)} (${r.from}): val loss ${r.loss.toFixed(6)}, ppl ${Math.exp(r.loss).toFixed(4)}`,
      );
      out.push({
        modelId: m.id,
        n: r.windows,
        metrics: { nll: r.loss, ppl: Math.exp(r.loss), windows: r.windows, context: r.context },
        ci95: null,
        runs: 1,
        seed: p.seed,
        datasetSha256: sha,
        itemsFile: '',
        report: null,
      });
    } finally {
      model.dispose();
    }
  }
  return out;
}

/** An app run's validation, rebuilt as its job built it (train-data.ts), scored over the recorded count of windows. */
async function appHoldout(
  model: GPT,
  tok: Tokenizer,
  rec: Extract<Recorded, { kind: 'app' }>,
): Promise<{ loss: number; windows: number; available: number; context: number; from: string }> {
  if (rec.context > model.contextLength)
    throw new UserError(`recorded context ${rec.context} is longer than the model's ${model.contextLength}`);
  const val = trainingWindows(tok, rec.files.train, rec.files.val, rec.context).val;
  const loss = await meanLossAsync(model, val, rec.windows, 16);
  if (loss === null) throw new UserError("its run's validation texts hold no window to score");
  const from =
    rec.files.val.length > 0
      ? `the run's ${rec.files.val.length} validation dataset(s)`
      : `the held-out tails of the run's ${rec.files.train.length} training dataset(s)`;
  return {
    loss,
    windows: Math.min(val.starts.length, rec.windows),
    available: val.starts.length,
    context: rec.context,
    from,
  };
}
