// `espalier train`: trains a GPT on the frozen substrate from a text file, checkpoints as it goes, and
// exports a model folder (model.safetensors, config.json, tokenizer.json, substrate) into --out.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeBackend, initBackend, parseBackendName } from '../../engine/backend';
import { describeHoldout } from '../../engine/eval/holdout-protocol';
import { describeParams, paramReport, type ParamReport } from '../../engine/model/param-report';
import { exportModel } from '../../engine/io/model-folder-format';
import { tokenizerToJson } from '../../engine/tokenizer/index';
import { Trainer, unigramEntropy } from '../../engine/train/index';
import { UserError } from '../../common/errors';
import { defineCommand, optStr } from '../command';
import { logJobPlan, refuseUnfit, trainJobPlan, type JobPlan } from '../train/plan';
import { planHuman } from '../train/plan-output';
import { PRESET_OPTION } from '../train/preset';
import { checkOutFolder } from '../train/run-folder';
import {
  createModel,
  positiveInt,
  precisionOption,
  resolveInputs,
  trainWindows,
  trainWithCheckpoints,
} from '../train/steps';

interface TrainResult {
  steps: number;
  trainLoss: number;
  valLoss: number | null;
  unigramEntropy: number;
  tokensPerSec: number;
  params: ParamReport;
  /** How valLoss was measured (eval --protocol holdout on the model folder reproduces it). */
  validation: { protocol: 'holdout'; windows: number; available: number; context: number };
  out: string;
  backend: string;
  seconds: number;
  /** Peak resident memory of this process (bytes), to hold against the memory plan's estimate. */
  peakRssBytes: number;
  /** The memory plan's estimate of that peak (bytes). */
  planBytes: number;
}

export default defineCommand({
  path: ['train'],
  summary: 'train a GPT on a frozen substrate from a text file; writes checkpoints and a model folder to --out',
  options: [
    {
      name: 'data',
      kind: 'string',
      metavar: 'FILE',
      description:
        "UTF-8 training text, or a token file from `espalier tokens` (with --resume: the run's file, checked against its hash; giving it trains on it even if it changed)",
    },
    {
      name: 'token-file',
      kind: 'boolean',
      description:
        'tokenize --data into DIR/data.tokens first and read windows from it (automatic above 256 MiB of text; resumes a partial one)',
    },
    {
      name: 'val',
      kind: 'string',
      metavar: 'FILE',
      description:
        'validation text (default: the last 10% of --data, from a blank line where it has one; the same for every seed)',
    },
    {
      name: 'vocab',
      kind: 'string',
      metavar: 'FILE',
      description: 'tokenizer.json (from `vocab build`); not needed with --resume',
    },
    {
      name: 'substrate',
      kind: 'string',
      metavar: 'FILE',
      description: 'substrate .safetensors (from `substrate build`); not needed with --resume',
    },
    {
      name: 'out',
      kind: 'string',
      metavar: 'DIR',
      description: 'run folder: checkpoint + exported model (default: the --resume folder)',
    },
    {
      name: 'resume',
      kind: 'string',
      metavar: 'DIR',
      description:
        'continue the run whose checkpoint is in DIR (architecture, optimizer settings, data, tokenizer and substrate come from it)',
    },
    {
      name: 'force',
      kind: 'boolean',
      description: 'replace whatever --out already holds (without it, a non-empty --out is refused)',
    },
    PRESET_OPTION,
    {
      name: 'plan',
      kind: 'boolean',
      description:
        'print the memory plan (parameters, gradients, AdamW, activations, limits) and stop; nothing is read but the vocabulary and substrate headers',
    },
    { name: 'layers', kind: 'number', metavar: 'L', description: "transformer blocks (default 2, or the preset's)" },
    {
      name: 'd-model',
      kind: 'number',
      metavar: 'D',
      description: 'width (default: the substrate dim; otherwise a frozen random projection maps it)',
    },
    { name: 'heads', kind: 'number', metavar: 'H', description: "attention heads (default 4, or the preset's)" },
    {
      name: 'context',
      kind: 'number',
      metavar: 'T',
      description: "tokens per training window (default 64, or the preset's)",
    },
    { name: 'mlp-ratio', kind: 'number', metavar: 'R', description: 'MLP width / d-model', default: 4 },
    { name: 'norm', kind: 'string', metavar: 'KIND', description: 'rmsnorm | layernorm', default: 'rmsnorm' },
    { name: 'dropout', kind: 'number', metavar: 'P', description: 'residual dropout while training', default: 0 },
    {
      name: 'embedding',
      kind: 'string',
      metavar: 'MODE',
      description: 'frozen (the paper) | trainable (the control)',
      default: 'frozen',
    },
    {
      name: 'input-scale',
      kind: 'number',
      metavar: 'S',
      description: 'fixed multiplier on the substrate rows',
      default: 1,
    },
    { name: 'batch', kind: 'number', metavar: 'B', description: 'windows per micro-batch', default: 16 },
    {
      name: 'grad-accum',
      kind: 'number',
      metavar: 'K',
      description:
        'gradient accumulation: K micro-batches of --batch windows per optimizer step (the same step as one batch K times larger, in the memory of one micro-batch)',
      default: 1,
    },
    { name: 'accumulate', kind: 'number', metavar: 'K', description: 'the earlier name of --grad-accum' },
    {
      name: 'steps',
      kind: 'number',
      metavar: 'N',
      description: "optimizer steps in total (default 1000; with --resume, the run's)",
    },
    { name: 'lr', kind: 'number', metavar: 'LR', description: 'peak learning rate (AdamW)', default: 3e-3 },
    {
      name: 'warmup',
      kind: 'number',
      metavar: 'N',
      description: 'warmup steps (default: a tenth of the steps, at most 100)',
    },
    {
      name: 'weight-decay',
      kind: 'number',
      metavar: 'W',
      description: 'decoupled weight decay on weight matrices',
      default: 0.1,
    },
    { name: 'clip', kind: 'number', metavar: 'NORM', description: 'global gradient-norm clip (0 = off)', default: 1 },
    {
      name: 'eval-every',
      kind: 'number',
      metavar: 'N',
      description: 'validate every N steps (default: a tenth of the steps)',
    },
    {
      name: 'checkpoint-every',
      kind: 'number',
      metavar: 'N',
      description: 'write the checkpoint every N steps (default: like --eval-every)',
    },
    {
      name: 'seed',
      kind: 'number',
      metavar: 'S',
      description: 'seeds weights, the data split, batches and dropout',
      default: 0,
    },
    {
      name: 'backend',
      kind: 'string',
      metavar: 'NAME',
      description: 'auto | node-gpu | webgpu | node | wasm | cpu (default: auto)',
    },
    { name: 'threads', kind: 'number', metavar: 'N', description: 'compute threads (default: every CPU)' },
    {
      name: 'precision',
      kind: 'string',
      metavar: 'P',
      description:
        "f32 | f16 (webgpu only: float16 matmul operands, float32 accumulation and master weights, dynamic loss scaling; default f32, with --resume the run's)",
    },
  ],
  async run(opts, _positionals, ctx): Promise<TrainResult | JobPlan> {
    const t0 = performance.now();
    const resumeDir = optStr(opts, 'resume');
    const planOnly = opts['plan'] === true;
    if (!optStr(opts, 'out') && !resumeDir && !planOnly) throw new UserError('missing required option --out DIR');
    const outDir = resolve(optStr(opts, 'out') ?? resumeDir ?? '.');
    if (!planOnly) checkOutFolder(outDir, { resuming: resumeDir !== undefined, force: opts['force'] === true });
    const precision = precisionOption(opts);
    const report = await initBackend({
      backend: parseBackendName(optStr(opts, 'backend')),
      threads: positiveInt(opts, 'threads'),
    });
    precision.check(report.backend);
    // The plan comes before any data is read or tensor built: a job that cannot fit stops here, in one line.
    const job = trainJobPlan(opts, report);
    if (planOnly) return job;
    refuseUnfit(job, { grow: false });

    const inputs = resolveInputs(opts, ctx);
    logJobPlan(job, ctx);
    const { model, trainOpts } = createModel(opts, inputs, ctx);
    // Without --val the hold-out is the text's fixed tail (never the seed's choice): every seed, stage and
    // baseline on the same data is validated on the same tokens.
    const windows = trainWindows(inputs, model.contextLength);
    const entropy = unigramEntropy(windows.train);
    const trainer = new Trainer(model, windows, trainOpts, inputs.ckpt?.trainerState);
    const counts = paramReport(model);
    ctx.log(
      `${describeBackend(report)}: ` +
        `${describeParams(counts)}, ` +
        `${windows.train.starts.length} training windows of ${model.contextLength}, unigram entropy ${entropy.toFixed(3)} nats`,
    );
    // Recorded in every checkpoint: a resume reads the data file (and checks its hash) from here.
    const available = windows.val.starts.length;
    const validation = {
      protocol: 'holdout' as const,
      windows: Math.min(available, trainer.opts.evalWindows),
      available,
      context: model.contextLength,
    };
    const extra = {
      data: { file: resolve(inputs.dataPath), sha256: inputs.train.sha256 },
      ...(inputs.valPath ? { val: { file: resolve(inputs.valPath) } } : { holdout: windows.holdout }),
    };
    mkdirSync(outDir, { recursive: true });
    const every = positiveInt(opts, 'checkpoint-every') ?? trainer.opts.evalEvery;
    const result = await trainWithCheckpoints(trainer, model, inputs, outDir, every, extra, ctx);
    exportModel(outDir, model, {
      tokenizerJson: tokenizerToJson(inputs.tok),
      training: {
        ...extra,
        validation: { protocol: 'holdout', windows: trainer.opts.evalWindows, context: model.contextLength },
        steps: result.step,
        trainLoss: result.trainLoss,
        valLoss: result.valLoss,
        unigramEntropy: entropy,
        train: trainer.opts,
      },
    });
    trainer.dispose();
    model.dispose();
    inputs.train.tokenFile?.close();
    return {
      steps: result.step,
      trainLoss: round(result.trainLoss),
      valLoss: result.valLoss === null ? null : Math.round(result.valLoss * 1e6) / 1e6,
      unigramEntropy: round(entropy),
      tokensPerSec: Math.round(result.tokensPerSec),
      params: counts,
      validation,
      out: outDir,
      backend: report.backend,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      planBytes: job.plan.bytes.total,
    };
  },
  human(result) {
    if ('plan' in (result as object)) return planHuman(result as JobPlan);
    const r = result as TrainResult;
    return [
      `steps: ${r.steps}`,
      `train loss: ${r.trainLoss}  val loss: ${r.valLoss ?? '–'} (${describeHoldout(r.validation.windows, r.validation.context, r.validation.available)})  unigram entropy: ${r.unigramEntropy} (nats/token)`,
      `throughput: ${r.tokensPerSec} tokens/s on ${r.backend}; ${r.seconds} s in all`,
      `parameters: ${describeParams(r.params)}`,
      `peak memory: ${(r.peakRssBytes / 2 ** 30).toFixed(2)} GiB (the plan estimated ${(r.planBytes / 2 ** 30).toFixed(2)} GiB)`,
      `model folder: ${r.out}`,
    ].join('\n');
  },
});

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
