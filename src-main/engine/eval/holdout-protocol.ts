// The training-validation protocol as an evaluation ("holdout"): a model folder's recorded hold-out, cut into the
// windows training cut it into, scored over the same evenly spread subset — so `eval` reproduces the loss that
// `train`, `grow`, `scale/grow.py` and the app report for the same model, to float rounding.
import { basename, isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { UserError } from '../../common/errors';
import type { GPT } from '../model/gpt';
import { readCorpusFile } from '../tokenizer/corpus-file';
import { makeWindows } from '../train/data';
import { holdoutSplit, type HoldoutRecord } from '../train/holdout';
import { meanLossAsync } from '../train/validate';

/** Validation windows per evaluation when a record does not say (espalier grow's and scale/grow.py's default). */
export const DEFAULT_VALIDATION_WINDOWS = 128;

/** How a model was validated while it trained: written into config.json → training.validation (and grow.py's growth entries). */
export interface ValidationRecord {
  protocol: 'holdout';
  /** At most this many evenly spread windows per evaluation. */
  windows: number;
  /** Tokens per window (T; each window holds T + 1 tokens). */
  context: number;
}

/** What a model folder records about its validation text. */
export interface RecordedValidation {
  /** The fixed tail hold-out of `dataFile`, or null when training validated on a separate file (`valFile`). */
  holdout: HoldoutRecord | null;
  /** The training text as recorded (an absolute path for train/grow, a bare file name for scale/grow.py). */
  dataFile: string | null;
  valFile: string | null;
  windows: number;
  context: number | null;
  /** Which record it came from, for messages. */
  from: string;
}

export interface HoldoutEval {
  protocol: 'holdout';
  /** Mean next-token cross-entropy in nats over the scored windows. */
  loss: number;
  /** Windows scored (min(available, recorded count)) and held-out windows available. */
  windows: number;
  available: number;
  context: number;
  data: string;
  holdout: HoldoutRecord | null;
  from: string;
}

type Rec = Record<string, unknown>;
const obj = (x: unknown): Rec | null => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Rec) : null);
const int = (x: unknown): number | null => (typeof x === 'number' && Number.isInteger(x) && x > 0 ? x : null);
const fileOf = (x: unknown): string | null => {
  const o = obj(x);
  return typeof o?.['file'] === 'string' ? o['file'] : typeof x === 'string' ? x : null;
};

function isHoldout(x: unknown): x is HoldoutRecord {
  const o = obj(x);
  return (
    o !== null &&
    o['rule'] === 'tail' &&
    typeof o['startChar'] === 'number' &&
    typeof o['sha256'] === 'string' &&
    typeof o['fraction'] === 'number'
  );
}

/** The validation a model folder's config.json → training records: its own (train, grow), else its last tier's (scale/grow.py via import). */
export function recordedValidation(training: Rec | undefined, where: string): RecordedValidation {
  const t = training ?? {};
  const v = obj(t['validation']);
  const trainOpts = obj(t['train']);
  if (isHoldout(t['holdout']) || obj(t['val'])) {
    return {
      holdout: isHoldout(t['holdout']) ? t['holdout'] : null,
      dataFile: fileOf(t['data']),
      valFile: fileOf(t['val']),
      windows: int(v?.['windows']) ?? int(trainOpts?.['evalWindows']) ?? DEFAULT_VALIDATION_WINDOWS,
      context: int(v?.['context']),
      from: `${where} → training`,
    };
  }
  const history = Array.isArray(t['history']) ? (t['history'] as unknown[]).map(obj) : [];
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    if (!h || !isHoldout(h['holdout'])) continue;
    return {
      holdout: h['holdout'],
      dataFile: fileOf(h['data']),
      valFile: null,
      windows: int(h['evalWindows']) ?? DEFAULT_VALIDATION_WINDOWS,
      context: int(h['context']),
      from: `${where} → training.history[${i}]`,
    };
  }
  const source = obj(t['source']);
  if (source && (isHoldout(source['holdout']) || obj(source['val'])))
    return recordedValidation(source, `${where} → training.source`);
  throw new UserError(
    `${where}: records no validation hold-out (training.holdout); --protocol holdout needs a model trained by espalier train, grow or scale/grow.py — use --protocol loglik with --data FILE instead`,
  );
}

/** The text to cut: --data when given, else the recorded file (resolved beside the model when it is a bare name). */
function textFile(rec: RecordedValidation, dataOverride: string | undefined, modelDir: string): string {
  const recorded = rec.valFile ?? rec.dataFile;
  if (dataOverride) return dataOverride;
  if (!recorded)
    throw new UserError(
      `${rec.from}: no data file is recorded; give the text the model was trained on with --data FILE`,
    );
  const path = isAbsolute(recorded) ? recorded : resolve(modelDir, recorded);
  if (!existsSync(path))
    throw new UserError(
      `${recorded}: the recorded ${rec.valFile ? 'validation' : 'training'} text is not there any more; give it with --data FILE`,
    );
  return path;
}

/** Scores `model` on its recorded hold-out: the same text, windows (T = the recorded context) and count as its training validation. */
export async function evalHoldout(
  model: GPT,
  encode: (t: string) => Int32Array,
  rec: RecordedValidation,
  opts: { data?: string; modelDir: string; batchSize?: number },
): Promise<HoldoutEval> {
  const path = textFile(rec, opts.data, opts.modelDir);
  const text = readCorpusFile(path);
  let val = text;
  if (rec.holdout) {
    const split = holdoutSplit(text, rec.holdout.fraction);
    if (split.record.sha256 !== rec.holdout.sha256) {
      throw new UserError(
        `${path}: its hold-out (from character ${split.record.startChar}, SHA-256 ${split.record.sha256.slice(0, 12)}…) is not the one the model was validated on (${rec.from}: from character ${rec.holdout.startChar}, SHA-256 ${rec.holdout.sha256.slice(0, 12)}…); give --data the text it was trained on`,
      );
    }
    val = split.val;
  }
  const T = rec.context ?? model.contextLength;
  if (T > model.contextLength)
    throw new UserError(`${rec.from}: recorded context ${T} is longer than the model's ${model.contextLength}`);
  const w = makeWindows(
    encode(val),
    T,
    `${path}${rec.holdout ? ` (held-out last ${Math.round(rec.holdout.fraction * 100)}%)` : ''}`,
  );
  const k = Math.min(w.starts.length, rec.windows);
  const loss = await meanLossAsync(model, w, rec.windows, opts.batchSize ?? 16);
  return {
    protocol: 'holdout',
    loss: loss!,
    windows: k,
    available: w.starts.length,
    context: T,
    data: basename(path),
    holdout: rec.holdout,
    from: rec.from,
  };
}

/** "holdout: 128 of 140 evenly spread held-out windows of 64 tokens" — printed beside every validation loss. */
export function describeHoldout(windows: number, context: number, available?: number): string {
  return `holdout: ${windows}${available !== undefined && available !== windows ? ` of ${available}` : ''} evenly spread held-out windows of ${context} tokens`;
}
