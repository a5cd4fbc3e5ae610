// `espalier grow`: layer-wise growth on the frozen substrate — stage k freezes the blocks below and trains one
// new tier (+ final norm and head) — with optional baselines; rerunning the same command on --out resumes it.
import { resolve } from 'node:path';
import { initBackend, parseBackendName, describeBackend } from '../../engine/backend';
import { BASELINE_KINDS, formatComparison, resolvePlan, runGrowth } from '../../engine/grow/index';
import { describeHoldout } from '../../engine/eval/holdout-protocol';
import { UserError } from '../../common/errors';
import { defineCommand, optStr, str } from '../command';
import { logJobPlan, refuseUnfit, type JobPlan } from '../train/plan';
import { precisionOption } from '../train/steps';
import { planHuman } from '../train/plan-output';
import { gib } from '../../engine/plan/index';
import { growPresetOptions, PRESET_OPTION, requireOption } from '../train/preset';
import { growFromJobPlan, growSource } from './grow-from';
import { growOutput, growthLog, insertionOf, runInterruptible, type GrowOut } from './grow-output';
import { growChoices, growJobPlan, growPlan, loadGrowInputs, positiveInt } from './grow-inputs';

export default defineCommand({
  path: ['grow'],
  summary:
    'grow a model one frozen tier at a time (stage k trains only block k, the final norm and the head); rerun to resume',
  options: [
    PRESET_OPTION,
    {
      name: 'plan',
      kind: 'boolean',
      description:
        'print the memory plan of the largest stage (and baselines) and stop; needs no --data, --out or steps',
    },
    {
      name: 'data',
      kind: 'string',
      metavar: 'FILE',
      description: 'UTF-8 training text, or a token file from `espalier tokens` (required unless --plan)',
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
      name: 'from',
      kind: 'string',
      metavar: 'DIR',
      description:
        'continue this model folder (a `train` output or a stage-k folder): its blocks stay frozen below the new tiers; its substrate, tokenizer and architecture are used',
    },
    {
      name: 'vocab',
      kind: 'string',
      metavar: 'FILE',
      description: 'tokenizer.json (from `vocab build`; required unless --from, or --plan --preset)',
    },
    {
      name: 'substrate',
      kind: 'string',
      metavar: 'FILE',
      description: 'substrate .safetensors (from `substrate build`; required unless --from, or --plan --preset)',
    },
    {
      name: 'out',
      kind: 'string',
      metavar: 'DIR',
      description:
        'run folder: growth.json, stage-k/ model folders, baselines; an existing run resumes (required unless --plan)',
    },
    {
      name: 'stages',
      kind: 'number',
      metavar: 'N',
      description: 'growth stages (final depth = N × blocks per stage; required unless --preset)',
    },
    {
      name: 'steps-per-stage',
      kind: 'string',
      metavar: 'K',
      description: 'optimizer steps per stage: one number or one per stage (150,200,200; required unless --plan)',
    },
    { name: 'blocks-per-stage', kind: 'number', metavar: 'B', description: 'new blocks per stage', default: 1 },
    {
      name: 'init',
      kind: 'string',
      metavar: 'MODE',
      description:
        'new blocks: scaled (random, output projections scaled down as in GPT-2: starts near the identity) | unscaled (random, no scaling) | zero-output (output projections zero: exactly the identity) | copy (of the block below)',
      default: 'scaled',
    },
    {
      name: 'lora-rank',
      kind: 'number',
      metavar: 'R',
      description: 'LoRA adapters of rank R on the frozen blocks (merged into each exported stage)',
    },
    { name: 'lora-from-stage', kind: 'number', metavar: 'S', description: 'first stage with adapters (default 2)' },
    { name: 'lora-alpha', kind: 'number', metavar: 'A', description: 'adapter scale = A / R (default A = R)' },
    {
      name: 'baseline',
      kind: 'list',
      metavar: 'KIND',
      description: `also train ${BASELINE_KINDS.join(' | ')} on the same token budget (repeat or comma-separate)`,
    },
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
    { name: 'mlp-ratio', kind: 'number', metavar: 'R', description: 'MLP width / d-model (default 4)' },
    { name: 'norm', kind: 'string', metavar: 'KIND', description: 'rmsnorm | layernorm (default rmsnorm)' },
    { name: 'batch', kind: 'number', metavar: 'B', description: 'windows per micro-batch', default: 16 },
    {
      name: 'grad-accum',
      kind: 'number',
      metavar: 'K',
      description:
        'gradient accumulation: K micro-batches of --batch windows per optimizer step (one batch K times larger, in the memory of one)',
      default: 1,
    },
    {
      name: 'lr',
      kind: 'string',
      metavar: 'LR',
      description: 'peak learning rate per stage: one number or one per stage',
      default: '3e-3',
    },
    {
      name: 'warmup',
      kind: 'string',
      metavar: 'N',
      description: 'warmup steps per stage (default: a tenth of the stage, at most 100)',
    },
    {
      name: 'weight-decay',
      kind: 'number',
      metavar: 'W',
      description: 'decoupled weight decay on weight matrices',
      default: 0.1,
    },
    {
      name: 'eval-every',
      kind: 'number',
      metavar: 'N',
      description: 'validate every N steps (default: a tenth of each stage)',
    },
    {
      name: 'eval-windows',
      kind: 'number',
      metavar: 'N',
      description: 'validation windows per evaluation',
      default: 128,
    },
    {
      name: 'spike-windows',
      kind: 'number',
      metavar: 'N',
      description: 'windows of the fixed batch the insertion spike is measured on (default: the --eval-windows subset)',
    },
    {
      name: 'checkpoint-every',
      kind: 'number',
      metavar: 'N',
      description: 'write the stage checkpoint every N steps',
      default: 50,
    },
    {
      name: 'prefix-cache',
      kind: 'boolean',
      description:
        'cache the frozen prefix per training window (default: when it fits 512 MB; --no-prefix-cache turns it off)',
    },
    {
      name: 'seed',
      kind: 'number',
      metavar: 'S',
      description: 'seeds weights, the data split, batches and new blocks',
      default: 0,
    },
    {
      name: 'backend',
      kind: 'string',
      metavar: 'NAME',
      description: 'auto | node-gpu | webgpu | node | wasm | cpu (default: auto)',
    },
    {
      name: 'precision',
      kind: 'string',
      metavar: 'P',
      description:
        'f32 | f16 (webgpu only: float16 matmul operands, float32 accumulation and master weights, dynamic loss scaling; default f32)',
    },
    { name: 'threads', kind: 'number', metavar: 'N', description: 'compute threads (default: every CPU)' },
  ],
  async run(rawOpts, _positionals, ctx): Promise<GrowOut | JobPlan> {
    const src = growSource(rawOpts);
    // From a folder, windows default to its context length (growPresetOptions would fill 64).
    const opts = growPresetOptions(
      src && rawOpts['context'] === undefined ? { ...rawOpts, context: src.meta.config.contextLength } : rawOpts,
    );
    const planOnly = opts['plan'] === true;
    requireOption(opts, 'stages', 'N');
    const needed = src
      ? ([
          ['data', 'FILE'],
          ['out', 'DIR'],
          ['steps-per-stage', 'K'],
        ] as const)
      : ([
          ['data', 'FILE'],
          ['vocab', 'FILE'],
          ['substrate', 'FILE'],
          ['out', 'DIR'],
          ['steps-per-stage', 'K'],
        ] as const);
    if (!planOnly) for (const [n, m] of needed) requireOption(opts, n, m);
    // Option mistakes first: they should not wait for the backend and the tokenizer.
    const choices = planOnly ? null : growChoices(opts);
    const precision = precisionOption(opts);
    const report = await initBackend({
      backend: parseBackendName(optStr(opts, 'backend')),
      threads: positiveInt(opts, 'threads'),
    });
    precision.check(report.backend);
    // The largest unit of work comes first: the final stage (all but its new blocks frozen), or a monolithic baseline.
    const bps = positiveInt(opts, 'blocks-per-stage') ?? 1;
    const job = src
      ? growFromJobPlan(src, opts, positiveInt(opts, 'stages')! * bps, bps, report)
      : growJobPlan(opts, report);
    if (planOnly) return job;
    refuseUnfit(job, { grow: true });
    const inputs = loadGrowInputs(opts, src, ctx);
    logJobPlan(job, ctx);
    if (src)
      ctx.log(
        `growing from ${src.dir}: its ${src.meta.config.layers} blocks stay frozen below ${positiveInt(opts, 'stages')! * bps} new`,
      );
    const plan = growPlan(opts, choices!, inputs.substrate.dim, src, (line) => ctx.log(line));
    const out = resolve(str(opts, 'out'));
    const available = inputs.windows.val.starts.length;
    const validation = {
      protocol: 'holdout' as const,
      windows: Math.min(available, resolvePlan(plan).evalWindows),
      available,
      context: inputs.T,
    };
    const protocol = describeHoldout(validation.windows, validation.context, available);
    ctx.log(
      `${describeBackend(report)}: ${inputs.windows.train.starts.length} training windows of ${inputs.T} tokens, ${available} validation; val loss = ${protocol}`,
    );
    const result = await runInterruptible(ctx, (shouldStop) =>
      runGrowth(
        plan,
        { ...inputs.windows, substrate: inputs.substrate, tokenizer: inputs.tok, record: inputs.record },
        { out, shouldStop, ...growthLog(ctx, protocol) },
      ),
    );
    if (result.status === 'stopped')
      throw new UserError(`stopped; the checkpoint is ${result.resumeFrom}; run the same command again to resume`);
    return growOutput(result, resolvePlan(plan).init, out, validation, job.plan.bytes.total);
  },
  human(result) {
    if ('plan' in (result as object)) return planHuman(result as JobPlan);
    const r = result as GrowOut;
    const v = r.validation;
    const lines = [
      `new blocks: --init ${r.init}; insertion = validation loss just before and just after the block is stacked, before training it`,
      `val loss = ${describeHoldout(v.windows, v.context, v.available)} (espalier eval --protocol holdout on a stage folder reproduces it)`,
      '',
      'depth  steps  trainable  frozen blocks  substrate      total  insertion (before → after, change)  val loss  seconds',
    ];
    for (const s of r.stages) {
      const ins = insertionOf(s.lossBeforeInsert, s.lossAfterInsert);
      const p = s.params;
      lines.push(
        `${String(s.depth).padStart(5)}  ${String(s.steps).padStart(5)}  ${String(p.trainable).padStart(9)}  ${String(p.frozenBlocks).padStart(13)}  ${String(p.frozenSubstrate).padStart(9)}  ${String(p.total).padStart(9)}  ${ins.padStart(34)}  ${String(s.valLoss ?? '–').padStart(8)}  ${s.seconds.toFixed(1).padStart(7)}`,
      );
    }
    lines.push(
      '',
      formatComparison(r.comparison),
      '',
      `peak memory: ${gib(r.peakRssBytes)} (the plan estimated ${gib(r.planBytes)})`,
      `run folder: ${r.out} (stage-k/ are model folders)`,
    );
    return lines.join('\n');
  },
});
