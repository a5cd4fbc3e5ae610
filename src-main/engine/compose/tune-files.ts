// Head tuning from text files, as `merge --tune-heads` and the app's Merge view run it: the files are joined,
// each file's held-out tail (train/holdout.ts) measures the zero-shot and the tuned merge, the rest trains,
// and the tuned heads are saved in the merge folder.
import { basename, join } from 'node:path';
import type { TokenizerLike } from '../tokenizer/types';
import { holdoutSplit } from '../train/holdout';
import { UserError } from '../../common/errors';
import type { MergedLM } from './merged';
import { asHeadTunables, tuneMergedHeads, type TuneReport } from './tune';
import { HEADS_FILE, saveTunedHeadsFile, type TunedHeadsInfo } from './tuned-heads';
import { concatTokens } from '../util/concat';
import { READ_LIMITS, readTextCapped } from '../util/read-capped';

export interface TuneFilesOptions {
  steps: number;
  lr?: number;
  batch?: number;
  context?: number;
  seed?: number;
  /** How the report names the files (default: their base names). */
  dataNames?: readonly string[];
  onStep?: (step: number, loss: number) => void;
}

/** Tunes `merged`'s heads on the files (in place) and saves them in `outDir`/heads.safetensors; returns what was saved. */
export async function tuneHeadsFromFiles(
  merged: MergedLM,
  tokenizer: TokenizerLike,
  files: readonly string[],
  outDir: string,
  opts: TuneFilesOptions,
) {
  return tuneHeadsToFile(merged, tokenizer, files, join(outDir, HEADS_FILE), opts);
}

/** As tuneHeadsFromFiles, saving the heads to `headsPath`. */
export async function tuneHeadsToFile(
  merged: MergedLM,
  tokenizer: TokenizerLike,
  files: readonly string[],
  headsPath: string,
  opts: TuneFilesOptions,
): Promise<TunedHeadsInfo & { file: string; losses: number[] }> {
  if (!(Number.isInteger(opts.steps) && opts.steps >= 1))
    throw new UserError(`--tune-heads must be a positive number of steps, got ${opts.steps}`);
  if (files.length === 0)
    throw new UserError("head tuning needs --data FILE (text to tune on; give the experts' corpora)");
  const train: Int32Array[] = [];
  const val: Int32Array[] = [];
  for (const f of files) {
    const text = readTextCapped(f, READ_LIMITS.corpus, 'text file');
    const split = holdoutSplit(text);
    train.push(tokenizer.encode(split.train));
    val.push(tokenizer.encode(split.val));
  }
  const context = Math.min(opts.context ?? 64, merged.contextLength);
  const o = { lr: opts.lr ?? 3e-3, batch: opts.batch ?? 8, context, seed: opts.seed ?? 0 };
  const report: TuneReport = await tuneMergedHeads(asHeadTunables(merged), concatTokens(train), {
    mode: merged.mode,
    weights: merged.weights,
    steps: opts.steps,
    val: concatTokens(val),
    onStep: opts.onStep,
    ...o,
  });
  const info: TunedHeadsInfo = {
    zeroShotLoss: report.zeroShotLoss,
    tunedLoss: report.tunedLoss,
    steps: report.steps,
    data: (opts.dataNames ?? files.map((f) => basename(f))).join(', '),
    val: 'the last 10% of each file (contiguous, from a blank line where the text has one)',
    ...o,
  };
  return { ...info, file: await saveTunedHeadsFile(headsPath, merged, info), losses: report.losses };
}
