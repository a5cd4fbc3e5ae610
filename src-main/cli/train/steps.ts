// The steps of `espalier train`, in order: resolve the inputs (fresh, or from a run folder and its checkpoint),
// create or restore the model, cut the data into windows, and train with checkpoints.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { modelFromCheckpoint, readCheckpoint, type Checkpoint } from '../../engine/io/checkpoint';
import { CHECKPOINT_FILE, saveFolderCheckpoint } from '../../engine/io/checkpoint-folder';
import { GPT, type ModelConfigInput, type NormKind } from '../../engine/model/index';
import { loadSubstrate, type Substrate } from '../../engine/substrate/index';
import { readCorpusFile, type Tokenizer } from '../../engine/tokenizer/index';
import {
  makeWindows,
  Trainer,
  TrainingDivergedError,
  type TokenSeq,
  type TrainOptions,
  type Windows,
} from '../../engine/train/index';
import type { OpenTokenFile } from '../../engine/tokens/token-file';
import { tokenFileFor } from './token-data';
import { UserError } from '../../common/errors';
import { userErrorIfDiskFull } from '../../engine/util/disk-full';
import { sha256Hex } from '../../engine/util/hash';
import { optNum, optStr, type CommandContext, type ParsedOptions } from '../command';
import { loadVocab } from '../vocab';
import { holdoutWindows, type HoldoutRecord } from '../../engine/train/holdout';
import { resumeCheckpointFile, runSubstratePath, runTokenizerPath, writeRunInputs } from './run-folder';
import { presetOf } from './preset';

export interface TrainInputs {
  ckpt: Checkpoint | null;
  resumeDir: string | null;
  tok: Tokenizer;
  substrate: Substrate;
  substratePath: string;
  dataPath: string;
  /** The data in memory (text and ids), or a token file read window by window (text and ids then null). */
  train: { ids: Int32Array | null; sha256: string; text: string | null; tokenFile: OpenTokenFile | null };
  valPath: string | undefined;
}

export function oneOf<T extends string>(opts: ParsedOptions, name: string, allowed: readonly T[]): T | undefined {
  const v = optStr(opts, name);
  if (v !== undefined && !(allowed as readonly string[]).includes(v))
    throw new UserError(`option --${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T | undefined;
}

/** --precision, read before the backend starts (option mistakes first); f16 is refused in one line off webgpu. */
export function precisionOption(opts: ParsedOptions): { check(backend: string): void } {
  const p = oneOf(opts, 'precision', ['f32', 'f16'] as const);
  return {
    check(backend) {
      if (p === 'f16' && backend !== 'webgpu')
        throw new UserError(
          `--precision f16 needs the webgpu backend (this run is on ${backend}); leave it out for float32`,
        );
    },
  };
}

export function positiveInt(opts: ParsedOptions, name: string): number | undefined {
  const v = optNum(opts, name);
  if (v !== undefined && (!Number.isInteger(v) || v < 1))
    throw new UserError(`option --${name} expects a positive integer, got ${v}`);
  return v;
}

export function num0(opts: ParsedOptions, name: string): number {
  const v = optNum(opts, name) ?? 0;
  if (!Number.isInteger(v) || v < 0) throw new UserError(`option --${name} expects a non-negative integer, got ${v}`);
  return v;
}

function streamOf(
  path: string,
  encode: (text: string) => Int32Array,
): { ids: Int32Array; sha256: string; text: string } {
  const text = readCorpusFile(path);
  return { ids: encode(text), sha256: sha256Hex(text), text };
}

interface RunData {
  data?: { file?: string; sha256?: string };
  val?: { file?: string };
}

/** Step 1: the tokenizer, substrate and data — from the options, or from the run folder being resumed. */
export function resolveInputs(opts: ParsedOptions, ctx: CommandContext): TrainInputs {
  const resumeDir = optStr(opts, 'resume') ?? null;
  const ckptFile = resumeDir ? resumeCheckpointFile(resumeDir) : null;
  const ckpt = ckptFile ? readCheckpoint(ckptFile) : null;
  // The folder named (its checkpoint may sit in its checkpoints/ history), or the folder of a checkpoint file named.
  const runDir = ckptFile ? (ckptFile === resumeDir ? resolve(ckptFile, '..') : resolve(resumeDir!)) : null;

  const vocabPath = optStr(opts, 'vocab') ?? (runDir ? runTokenizerPath(runDir) : null);
  if (!vocabPath)
    throw new UserError(
      runDir
        ? `--resume ${resumeDir}: the run folder has no tokenizer.json; pass --vocab FILE`
        : 'missing required option --vocab FILE (a tokenizer.json from `espalier vocab build`)',
    );
  const ref = optStr(opts, 'substrate')
    ? { file: optStr(opts, 'substrate')!, id: null }
    : runDir
      ? runSubstratePath(runDir)
      : null;
  if (!ref)
    throw new UserError(
      runDir
        ? `--resume ${resumeDir}: the run folder records no substrate; pass --substrate FILE`
        : 'missing required option --substrate FILE (from `espalier substrate build`)',
    );
  const tok = loadVocab(vocabPath);
  const substrate = loadSubstrate(ref.file);
  if (ref.id && substrate.id !== ref.id)
    throw new UserError(
      `${ref.file}: changed since the run started (substrate ${substrate.id.slice(0, 12)}…, the run used ${ref.id.slice(0, 12)}…); pass --substrate FILE with the original`,
    );
  if (substrate.meta.tokenizerId !== tok.id) {
    throw new UserError(
      `${ref.file}: the substrate was built for tokenizer ${substrate.meta.tokenizerId.slice(0, 12)}…, but ${vocabPath} is ${tok.id.slice(0, 12)}…; rebuild it with --vocab ${vocabPath}`,
    );
  }

  const was = (ckpt?.meta.extra ?? {}) as RunData;
  const explicitData = optStr(opts, 'data');
  const dataPath = explicitData ?? was.data?.file;
  if (!dataPath)
    throw new UserError(
      ckpt
        ? `--resume ${resumeDir}: the checkpoint records no data file; pass --data FILE`
        : 'missing required option --data FILE',
    );
  // A token file (or a text too large to hold, tokenized into the run folder first) is read window by window.
  const runFolder = resolve(optStr(opts, 'out') ?? runDir ?? '.');
  const tokenFile = tokenFileFor(dataPath, runFolder, tok, opts['token-file'] === true, ctx);
  const train = tokenFile
    ? { ids: null, text: null, sha256: tokenFile.header.source.sha256, tokenFile }
    : { ...streamOf(dataPath, (t) => tok.encode(t)), tokenFile: null };
  if (was.data?.sha256 && was.data.sha256 !== train.sha256) {
    if (!explicitData)
      throw new UserError(
        `${dataPath}: changed since the run started (its content no longer matches the checkpoint); restore it, or pass --data FILE to continue on other data`,
      );
    ctx.log(`${dataPath}: differs from the data the run started on; continuing on it as --data asks`);
  }
  const valPath = optStr(opts, 'val') ?? (explicitData ? undefined : was.val?.file);
  return { ckpt, resumeDir: runDir, tok, substrate, substratePath: ref.file, dataPath, train, valPath };
}

/** The architecture a fresh run gets from the options (a --preset's values where the options leave them out). */
export function freshConfigInput(opts: ParsedOptions, vocabSize: number, substrateDim: number): ModelConfigInput {
  const preset = presetOf(opts);
  return {
    vocabSize,
    layers: optNum(opts, 'layers') ?? preset?.config.layers ?? 2,
    dModel: positiveInt(opts, 'd-model') ?? preset?.config.dModel ?? substrateDim,
    heads: positiveInt(opts, 'heads') ?? preset?.config.heads ?? 4,
    contextLength: positiveInt(opts, 'context') ?? preset?.config.contextLength ?? 64,
    mlpRatio: optNum(opts, 'mlp-ratio'),
    norm: oneOf<NormKind>(opts, 'norm', ['rmsnorm', 'layernorm']),
    dropout: optNum(opts, 'dropout'),
    embedding: oneOf(opts, 'embedding', ['frozen', 'trainable'] as const),
    inputScale: optNum(opts, 'input-scale'),
    substrateDim,
  };
}

/** Step 2: a fresh model from the options, or the checkpoint's (its architecture and optimizer settings win). */
export function createModel(
  opts: ParsedOptions,
  inp: TrainInputs,
  ctx: CommandContext,
): { model: GPT; trainOpts: TrainOptions } {
  const { ckpt, substrate, tok } = inp;
  if (ckpt) {
    const model = modelFromCheckpoint(ckpt, substrate, inp.resumeDir!);
    return {
      model,
      trainOpts: {
        ...ckpt.meta.train,
        steps: positiveInt(opts, 'steps') ?? ckpt.meta.train.steps,
        precision: oneOf(opts, 'precision', ['f32', 'f16'] as const) ?? ckpt.meta.train.precision,
      },
    };
  }
  const config = freshConfigInput(opts, tok.size, substrate.dim);
  if (config.dModel !== substrate.dim)
    ctx.log(`substrate dim ${substrate.dim} ≠ d-model ${config.dModel}: a frozen random projection maps the rows`);
  const model = GPT.create({ config, substrate, tokenizerId: tok.id, seed: num0(opts, 'seed') });
  return { model, trainOpts: freshTrainOptions(opts) };
}

export function freshTrainOptions(opts: ParsedOptions): TrainOptions {
  return {
    steps: positiveInt(opts, 'steps') ?? 1000,
    batchSize: positiveInt(opts, 'batch')!,
    accumulation: positiveInt(opts, 'accumulate') ?? positiveInt(opts, 'grad-accum'),
    lr: optNum(opts, 'lr')!,
    warmupSteps: optNum(opts, 'warmup'),
    weightDecay: optNum(opts, 'weight-decay'),
    clipNorm: optNum(opts, 'clip'),
    precision: oneOf(opts, 'precision', ['f32', 'f16'] as const),
    evalEvery: positiveInt(opts, 'eval-every'),
    seed: num0(opts, 'seed'),
  };
}

/** Step 3: training and validation windows (without --val, the text's fixed last 10%, whatever the seed). */
export function trainWindows(
  inp: TrainInputs,
  contextLength: number,
): { train: Windows<TokenSeq>; val: Windows<TokenSeq>; holdout?: HoldoutRecord } {
  const f = inp.train.tokenFile;
  if (f && !inp.valPath) {
    // The token file holds the fixed hold-out already cut, exactly as holdoutWindows cuts the text.
    const val = makeWindows(
      f.val,
      contextLength,
      `${inp.dataPath} (held-out last ${Math.round(f.header.holdout.fraction * 100)}%)`,
    );
    return { train: makeWindows(f.train, contextLength, inp.dataPath), val, holdout: f.header.holdout };
  }
  if (!inp.valPath) return holdoutWindows(inp.train.text!, (t) => inp.tok.encode(t), contextLength, inp.dataPath);
  const val = makeWindows(streamOf(inp.valPath, (t) => inp.tok.encode(t)).ids, contextLength, inp.valPath);
  return {
    train: f
      ? makeWindows(f.all, contextLength, inp.dataPath)
      : makeWindows(inp.train.ids!, contextLength, inp.dataPath),
    val,
  };
}

/** Step 4: trains, checkpointing every `every` steps and at the end; the run inputs go in with the first one. */
export async function trainWithCheckpoints(
  trainer: Trainer,
  model: GPT,
  inp: TrainInputs,
  outDir: string,
  every: number,
  extra: Record<string, unknown>,
  ctx: CommandContext,
): Promise<Awaited<ReturnType<Trainer['run']>>> {
  const ckptPath = join(outDir, CHECKPOINT_FILE);
  let saved = inp.ckpt ? inp.ckpt.meta.step : 0;
  let inputsWritten = false;
  const save = async () => {
    // WebGPU cannot read synchronously in Node: bring the tensors to the host first (instant elsewhere).
    await trainer.hostReady();
    // The run's inputs first: a crash right after the first checkpoint must still leave a resumable folder.
    if (!inputsWritten) writeRunInputs(outDir, inp.tok, { id: inp.substrate.id, file: inp.substratePath });
    inputsWritten = true;
    saveFolderCheckpoint(outDir, model, trainer.opts, trainer.state(), { extra });
    saved = trainer.step;
  };
  let result;
  try {
    result = await trainer.run({
      onProgress: (e) =>
        ctx.progress(
          'train',
          e.step,
          e.steps,
          `loss ${e.loss.toFixed(3)}${e.valLoss !== null ? ` val ${e.valLoss.toFixed(3)}` : ''} ${Math.round(e.tokensPerSec)} tok/s`,
          e.eta,
        ),
      afterStep: async (step) => {
        if (step % every === 0 && step !== trainer.opts.steps) await save();
      },
    });
    await save();
  } catch (err) {
    if (err instanceof TrainingDivergedError) {
      const where =
        saved > 0 && existsSync(ckptPath)
          ? `the last good checkpoint (step ${saved}) is ${ckptPath}`
          : 'no checkpoint was written yet';
      throw new UserError(`${err.message}; ${where}`);
    }
    const full = userErrorIfDiskFull(err, ckptPath);
    if (full instanceof UserError && /the disk is full/.test(full.message)) {
      // Say plainly which way forward exists: there is a good checkpoint to resume from, or there is none.
      const next =
        saved > 0 && existsSync(ckptPath)
          ? `the last good checkpoint (step ${saved}) is kept: free some space, then continue with --resume ${outDir}`
          : `no checkpoint was written yet: free some space, then start over with --out ${outDir} --force`;
      throw new UserError(`${full.message.replace(/; free some space, then try again$/, '')}; ${next}`);
    }
    throw err;
  } finally {
    ctx.progressDone();
  }
  return result;
}
