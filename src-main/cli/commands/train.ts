// `espalier train`: trains a GPT on the frozen substrate from a text file, checkpoints as it goes, and
// exports a model folder (model.safetensors, config.json, tokenizer.json, substrate) into --out.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend, parseBackendName } from '../../engine/backend';
import { modelFromCheckpoint, readCheckpoint, saveCheckpoint, type Checkpoint } from '../../engine/io/checkpoint';
import { exportModel } from '../../engine/io/model-folder';
import { GPT, type ModelConfigInput, type NormKind } from '../../engine/model/index';
import { loadSubstrate } from '../../engine/substrate/index';
import { readCorpusFile, tokenizerToJson } from '../../engine/tokenizer/index';
import { makeWindows, splitWindows, Trainer, TrainingDivergedError, unigramEntropy, type TrainOptions, type Windows } from '../../engine/train/index';
import { UserError } from '../../engine/util/errors';
import { sha256Hex } from '../../engine/util/hash';
import { defineCommand, optNum, optStr, str, type ParsedOptions } from '../command';
import { loadVocab } from './substrate-build';

interface TrainResult {
  steps: number;
  trainLoss: number;
  valLoss: number | null;
  unigramEntropy: number;
  tokensPerSec: number;
  params: { total: number; trainable: number; frozen: number };
  out: string;
  backend: string;
  seconds: number;
}

const CHECKPOINT = 'checkpoint.safetensors';

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

function oneOf<T extends string>(opts: ParsedOptions, name: string, allowed: readonly T[]): T | undefined {
  const v = optStr(opts, name);
  if (v !== undefined && !(allowed as readonly string[]).includes(v)) throw new UserError(`option --${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T | undefined;
}

function positiveInt(opts: ParsedOptions, name: string): number | undefined {
  const v = optNum(opts, name);
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new UserError(`option --${name} expects a positive integer, got ${v}`);
  return v;
}

function streamOf(path: string, encode: (text: string) => Int32Array): { ids: Int32Array; sha256: string } {
  const text = readCorpusFile(path);
  return { ids: encode(text), sha256: sha256Hex(text) };
}

export default defineCommand({
  path: ['train'],
  summary: 'train a GPT on a frozen substrate from a text file; writes checkpoints and a model folder to --out',
  options: [
    { name: 'data', kind: 'string', metavar: 'FILE', required: true, description: 'UTF-8 training text' },
    { name: 'val', kind: 'string', metavar: 'FILE', description: 'validation text (default: a seeded 10% of the --data windows)' },
    { name: 'vocab', kind: 'string', metavar: 'FILE', description: 'tokenizer.json (from `vocab build`); not needed with --resume' },
    { name: 'substrate', kind: 'string', metavar: 'FILE', description: 'substrate .safetensors (from `substrate build`); not needed with --resume' },
    { name: 'out', kind: 'string', metavar: 'DIR', description: 'run folder: checkpoint + exported model (default: the --resume folder)' },
    { name: 'resume', kind: 'string', metavar: 'DIR', description: 'continue the run whose checkpoint is in DIR (architecture and optimizer settings come from it)' },
    { name: 'layers', kind: 'number', metavar: 'L', description: 'transformer blocks', default: 2 },
    { name: 'd-model', kind: 'number', metavar: 'D', description: 'width (default: the substrate dim; otherwise a frozen random projection maps it)' },
    { name: 'heads', kind: 'number', metavar: 'H', description: 'attention heads', default: 4 },
    { name: 'context', kind: 'number', metavar: 'T', description: 'tokens per training window', default: 64 },
    { name: 'mlp-ratio', kind: 'number', metavar: 'R', description: 'MLP width / d-model', default: 4 },
    { name: 'norm', kind: 'string', metavar: 'KIND', description: 'rmsnorm | layernorm', default: 'rmsnorm' },
    { name: 'dropout', kind: 'number', metavar: 'P', description: 'residual dropout while training', default: 0 },
    { name: 'embedding', kind: 'string', metavar: 'MODE', description: 'frozen (the paper) | trainable (the control)', default: 'frozen' },
    { name: 'input-scale', kind: 'number', metavar: 'S', description: 'fixed multiplier on the substrate rows', default: 1 },
    { name: 'batch', kind: 'number', metavar: 'B', description: 'windows per micro-batch', default: 16 },
    { name: 'accumulate', kind: 'number', metavar: 'K', description: 'micro-batches per optimizer step', default: 1 },
    { name: 'steps', kind: 'number', metavar: 'N', description: 'optimizer steps in total (default 1000; with --resume, the run\'s)' },
    { name: 'lr', kind: 'number', metavar: 'LR', description: 'peak learning rate (AdamW)', default: 3e-3 },
    { name: 'warmup', kind: 'number', metavar: 'N', description: 'warmup steps (default: a tenth of the steps, at most 100)' },
    { name: 'weight-decay', kind: 'number', metavar: 'W', description: 'decoupled weight decay on weight matrices', default: 0.1 },
    { name: 'clip', kind: 'number', metavar: 'NORM', description: 'global gradient-norm clip (0 = off)', default: 1 },
    { name: 'eval-every', kind: 'number', metavar: 'N', description: 'validate every N steps (default: a tenth of the steps)' },
    { name: 'checkpoint-every', kind: 'number', metavar: 'N', description: 'write the checkpoint every N steps (default: like --eval-every)' },
    { name: 'seed', kind: 'number', metavar: 'S', description: 'seeds weights, the data split, batches and dropout', default: 0 },
    { name: 'backend', kind: 'string', metavar: 'NAME', description: 'auto | node-gpu | webgpu | node | wasm | cpu (default: auto)' },
    { name: 'threads', kind: 'number', metavar: 'N', description: 'WebAssembly threads (default: the CPUs available less one, at most 8)' },
  ],
  async run(opts, _positionals, ctx): Promise<TrainResult> {
    const t0 = performance.now();
    const report = await initBackend({ backend: parseBackendName(optStr(opts, 'backend')), threads: positiveInt(opts, 'threads') });
    const resumeDir = optStr(opts, 'resume');
    const outDir = resolve(optStr(opts, 'out') ?? resumeDir ?? '');
    if (!optStr(opts, 'out') && !resumeDir) throw new UserError('missing required option --out DIR');
    const ckpt: Checkpoint | null = resumeDir ? readCheckpoint(statSync(resumeDir, { throwIfNoEntry: false })?.isFile() ? resumeDir : join(resumeDir, CHECKPOINT)) : null;

    const vocabPath = optStr(opts, 'vocab') ?? (resumeDir ? join(resumeDir, 'tokenizer.json') : undefined);
    const substratePath = optStr(opts, 'substrate') ?? (resumeDir ? join(resumeDir, 'substrate.safetensors') : undefined);
    if (!vocabPath) throw new UserError('missing required option --vocab FILE (a tokenizer.json from `espalier vocab build`)');
    if (!substratePath) throw new UserError('missing required option --substrate FILE (from `espalier substrate build`)');
    const tok = loadVocab(vocabPath);
    const substrate = loadSubstrate(substratePath);
    if (substrate.meta.tokenizerId !== tok.id) {
      throw new UserError(`${substratePath}: the substrate was built for tokenizer ${substrate.meta.tokenizerId.slice(0, 12)}…, but ${vocabPath} is ${tok.id.slice(0, 12)}…; rebuild it with --vocab ${vocabPath}`);
    }

    const dataPath = str(opts, 'data');
    const train = streamOf(dataPath, (t) => tok.encode(t));
    const valPath = optStr(opts, 'val');
    if (ckpt) {
      const was = ckpt.meta.extra as { data?: { sha256?: string } };
      if (was.data?.sha256 && was.data.sha256 !== train.sha256) throw new UserError(`${dataPath}: differs from the data of the run being resumed (${resumeDir}); resume with the same --data`);
    }

    let model: GPT;
    let trainOpts: TrainOptions;
    if (ckpt) {
      model = modelFromCheckpoint(ckpt, substrate, resumeDir!);
      trainOpts = { ...ckpt.meta.train, steps: positiveInt(opts, 'steps') ?? ckpt.meta.train.steps };
    } else {
      const dModel = positiveInt(opts, 'd-model') ?? substrate.dim;
      const config: ModelConfigInput = {
        vocabSize: tok.size,
        layers: optNum(opts, 'layers'),
        dModel,
        heads: positiveInt(opts, 'heads'),
        contextLength: positiveInt(opts, 'context'),
        mlpRatio: optNum(opts, 'mlp-ratio'),
        norm: oneOf<NormKind>(opts, 'norm', ['rmsnorm', 'layernorm']),
        dropout: optNum(opts, 'dropout'),
        embedding: oneOf(opts, 'embedding', ['frozen', 'trainable'] as const),
        inputScale: optNum(opts, 'input-scale'),
        substrateDim: substrate.dim,
      };
      if (dModel !== substrate.dim) ctx.log(`substrate dim ${substrate.dim} ≠ d-model ${dModel}: a frozen random projection maps the rows`);
      model = GPT.create({ config, substrate, tokenizerId: tok.id, seed: num0(opts, 'seed') });
      const steps = positiveInt(opts, 'steps') ?? 1000;
      trainOpts = {
        steps,
        batchSize: positiveInt(opts, 'batch')!,
        accumulation: positiveInt(opts, 'accumulate'),
        lr: optNum(opts, 'lr')!,
        warmupSteps: optNum(opts, 'warmup'),
        weightDecay: optNum(opts, 'weight-decay'),
        clipNorm: optNum(opts, 'clip'),
        evalEvery: positiveInt(opts, 'eval-every'),
        seed: num0(opts, 'seed'),
      };
    }

    const T = model.contextLength;
    const all = makeWindows(train.ids, T, dataPath);
    const windows: { train: Windows; val: Windows } = valPath
      ? { train: all, val: makeWindows(streamOf(valPath, (t) => tok.encode(t)).ids, T, valPath) }
      : splitWindows(all, 0.1, trainOpts.seed ?? 0, dataPath);
    const entropy = unigramEntropy(windows.train);
    const trainer = new Trainer(model, windows, trainOpts, ckpt?.trainerState);
    const counts = model.paramCounts();
    ctx.log(
      `${report.backend}${report.wasm ? ` (${report.wasm.threads} thread${report.wasm.threads > 1 ? 's' : ''})` : ''}: ` +
        `${counts.total.toLocaleString('en')} parameters (${counts.trainable.toLocaleString('en')} trainable), ` +
        `${windows.train.starts.length} training windows of ${T}, unigram entropy ${entropy.toFixed(3)} nats`,
    );
    const extra = { data: { file: resolve(dataPath), sha256: train.sha256 }, ...(valPath ? { val: { file: resolve(valPath) } } : {}) };
    const ckptPath = join(outDir, CHECKPOINT);
    const every = positiveInt(opts, 'checkpoint-every') ?? trainer.opts.evalEvery;
    let saved = ckpt ? ckpt.meta.step : 0;
    const save = async () => {
      await trainer.hostReady();
      saveCheckpoint(ckptPath, model, trainer.opts, trainer.state(), extra);
      saved = trainer.step;
    };
    let result;
    try {
      result = await trainer.run({
        onProgress: (e) =>
          ctx.progress('train', e.step, e.steps, `loss ${e.loss.toFixed(3)}${e.valLoss !== null ? ` val ${e.valLoss.toFixed(3)}` : ''} ${Math.round(e.tokensPerSec)} tok/s ETA ${fmtTime(e.eta)}`),
        afterStep: async (step) => {
          if (step % every === 0 && step !== trainer.opts.steps) await save();
        },
      });
    } catch (err) {
      if (err instanceof TrainingDivergedError) {
        const where = saved > 0 && existsSync(ckptPath) ? `the last good checkpoint (step ${saved}) is ${ckptPath}` : 'no checkpoint was written yet';
        throw new UserError(`${err.message}; ${where}`);
      }
      throw err;
    } finally {
      ctx.progressDone();
    }
    await save();
    exportModel(outDir, model, {
      tokenizerJson: tokenizerToJson(tok),
      training: { ...extra, steps: result.step, trainLoss: result.trainLoss, valLoss: result.valLoss, unigramEntropy: entropy, train: trainer.opts },
    });
    trainer.dispose();
    model.dispose();
    return {
      steps: result.step,
      trainLoss: round(result.trainLoss),
      valLoss: result.valLoss === null ? null : round(result.valLoss),
      unigramEntropy: round(entropy),
      tokensPerSec: Math.round(result.tokensPerSec),
      params: counts,
      out: outDir,
      backend: report.backend,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    };
  },
  human(result) {
    const r = result as TrainResult;
    return [
      `steps: ${r.steps}`,
      `train loss: ${r.trainLoss}  val loss: ${r.valLoss ?? '–'}  unigram entropy: ${r.unigramEntropy} (nats/token)`,
      `throughput: ${r.tokensPerSec} tokens/s on ${r.backend}; ${r.seconds} s in all`,
      `parameters: ${r.params.total} (${r.params.trainable} trainable, ${r.params.frozen} frozen)`,
      `model folder: ${r.out}`,
    ].join('\n');
  },
});

function num0(opts: ParsedOptions, name: string): number {
  const v = optNum(opts, name) ?? 0;
  if (!Number.isInteger(v) || v < 0) throw new UserError(`option --${name} expects a non-negative integer, got ${v}`);
  return v;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

