// `espalier eval`: scores one model on a local benchmark file (perplexity, multiple choice, QA, BLEU) with the
// paper's protocol or the standard log-likelihood one, prints the metrics and saves them beside the model.
import { initBackend, parseBackendName } from '../../engine/backend';
import {
  describeAccounting,
  HARNESS_MC_LAYOUTS,
  prepareData,
  resolveProtocol,
  runEval,
  saveResult,
  summary,
  type EvalResult,
  type EvalSpec,
  type EvalTask,
  type HarnessMcLayoutName,
} from '../../engine/eval';
import { UserError } from '../../common/errors';
import { headlineMetric } from '../../../src-shared/metrics';
import { checkBenchmarkKind } from '../benchmark-kind';
import {
  bool,
  defineCommand,
  num,
  optNum,
  optStr,
  str,
  type CommandContext,
  type OptionSpec,
  type ParsedOptions,
} from '../command';
import { disposeModel, openEvalModel } from '../eval-model';
import { evalHoldoutFolder, humanHoldout, type HoldoutResult } from '../eval-holdout';

export const TASKS: readonly EvalTask[] = ['ppl', 'mc', 'qa', 'bleu'];

/** Options shared by `eval` and `eval compare` (everything but --model). */
export const EVAL_OPTIONS: OptionSpec[] = [
  { name: 'task', kind: 'string', metavar: 'TASK', required: true, description: 'ppl | mc | qa | bleu' },
  {
    name: 'data',
    kind: 'string',
    metavar: 'FILE',
    description:
      'benchmark file: text (ppl), MMLU .csv or folder / .jsonl (mc), SQuAD v2 .json (qa), .tsv or .jsonl pairs (bleu)',
  },
  {
    name: 'protocol',
    kind: 'string',
    metavar: 'NAME',
    description:
      "mc: loglik (default) | paper; qa: paper (default) | squad (EM/F1); ppl: loglik (all windows, --stride) | holdout (the model's recorded hold-out, windows and count: its training validation loss; --data defaults to the recorded text); bleu: paper",
  },
  {
    name: 'layout',
    kind: 'string',
    metavar: 'NAME',
    description:
      'mc loglik: the harness\'s layout, mmlu (lettered options, scores " A"…) | cloze (scores the option text); default mmlu for MMLU CSVs, cloze otherwise',
  },
  {
    name: 'runs',
    kind: 'number',
    metavar: 'N',
    default: 10,
    description: 'sampled repetitions of the paper protocols (mc, qa, bleu)',
  },
  { name: 'limit', kind: 'number', metavar: 'N', description: 'evaluate only the first N items (ppl: tokens)' },
  { name: 'seed', kind: 'number', metavar: 'S', default: 0, description: 'seed of the sampled runs' },
  {
    name: 'pair',
    kind: 'string',
    metavar: 'SRC-TGT',
    description: 'bleu: language pair, e.g. en-ru (else read from the file name)',
  },
  {
    name: 'stride',
    kind: 'number',
    metavar: 'N',
    description: 'ppl: sliding-window stride in tokens (default: half the context)',
  },
  {
    name: 'new-tokens',
    kind: 'number',
    metavar: 'N',
    description: "paper multiple choice: tokens to generate instead of the paper's 1 (MMLU) / 2 (others)",
  },
  {
    name: 'temperature',
    kind: 'number',
    metavar: 'T',
    default: 1,
    description: 'paper protocols: sampling temperature',
  },
  { name: 'max-new-tokens', kind: 'number', metavar: 'N', description: 'qa squad / bleu: longest generated answer' },
  { name: 'batch', kind: 'number', metavar: 'N', default: 16, description: 'sequences per forward pass' },
  {
    name: 'backend',
    kind: 'string',
    metavar: 'NAME',
    description: 'node-gpu | webgpu | node | wasm | cpu (default: auto)',
  },
];

export function specFromOptions(opts: ParsedOptions): EvalSpec {
  const task = str(opts, 'task');
  if (!(TASKS as readonly string[]).includes(task))
    throw new UserError(`--task must be one of ${TASKS.join(', ')}; got "${task}"`);
  if (optStr(opts, 'data') === undefined) throw new UserError('missing required option --data FILE');
  const limit = optNum(opts, 'limit');
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw new UserError(`--limit must be a positive integer, got ${limit}`);
  const runs = num(opts, 'runs');
  if (!(Number.isInteger(runs) && runs >= 1)) throw new UserError(`--runs must be a positive integer, got ${runs}`);
  const newTokens = optNum(opts, 'new-tokens');
  if (newTokens !== undefined && !(Number.isInteger(newTokens) && newTokens >= 1))
    throw new UserError(`--new-tokens must be a positive integer, got ${newTokens}`);
  const layout = optStr(opts, 'layout');
  if (layout !== undefined && !(HARNESS_MC_LAYOUTS as readonly string[]).includes(layout))
    throw new UserError(`--layout must be one of ${HARNESS_MC_LAYOUTS.join(', ')}; got "${layout}"`);
  const temperature = num(opts, 'temperature');
  if (!(temperature >= 0)) throw new UserError(`--temperature must be ≥ 0, got ${temperature}`);
  return {
    task: task as EvalTask,
    protocol: resolveProtocol(task as EvalTask, optStr(opts, 'protocol')),
    data: str(opts, 'data'),
    limit,
    runs,
    seed: num(opts, 'seed'),
    pair: optStr(opts, 'pair'),
    stride: optNum(opts, 'stride'),
    maxNewTokens: optNum(opts, 'max-new-tokens'),
    sampling: { temperature, topK: 0, topP: 1 },
    newTokens,
    ...(layout !== undefined ? { mcLayout: layout as HarnessMcLayoutName } : {}),
  };
}

export function progressFor(ctx: CommandContext): (label: string, done: number, total: number) => void {
  return (label, done, total) => ctx.progress(label, done, total);
}

/** "acc 0.2500 ± 0.0310 (95%, 10 runs)" and the other metrics, one line each. */
export function humanResult(r: Omit<EvalResult, 'items'> & { saved?: string }): string {
  const layout = typeof r.settings['layout'] === 'string' ? `, layout ${r.settings['layout']}` : '';
  const lines = [
    `${r.modelId}: ${r.task}/${r.protocol}${layout} on ${r.dataset} — n=${r.n}${r.runs > 1 ? `, ${r.runs} runs` : ''}, ${r.seconds.toFixed(1)} s`,
  ];
  const head = headlineMetric(r);
  for (const [k, v] of Object.entries(r.metrics)) {
    const ci = k === head && r.ci95 !== null ? ` ± ${r.ci95.toFixed(4)} (95%)` : '';
    lines.push(`  ${k.padEnd(20)} ${Number.isInteger(v) ? v : v.toFixed(4)}${ci}`);
  }
  if (r.accounting && r.accounting.steps.length > 0) lines.push(`items: ${describeAccounting(r.accounting)}`);
  for (const g of r.degenerate?.groups ?? []) {
    if (g.degenerate === 0) continue;
    const kinds = Object.entries(g.byKind)
      .filter(([, c]) => c > 0)
      .map(([k, c]) => `${c} ${k}`)
      .join(', ');
    lines.push(
      `  ${g.group === 'all' ? 'outputs' : g.group}: ${g.degenerate}/${g.outputs} degenerate (${kinds}) — the official numbers above count them as given`,
    );
  }
  if (r.saved) lines.push(`saved: ${r.saved}`);
  return lines.join('\n');
}

export default defineCommand({
  path: ['eval'],
  summary: 'evaluate a model: perplexity, multiple choice (paper or log-likelihood), QA or BLEU',
  options: [
    {
      name: 'model',
      kind: 'string',
      metavar: 'DIR',
      required: true,
      description: 'model folder (trained, growth stage or merge)',
    },
    ...EVAL_OPTIONS,
    {
      name: 'save',
      kind: 'boolean',
      default: true,
      description: 'save the result as <model>/evals/<task>-<protocol>-<hash>.json (--no-save: do not)',
    },
    {
      name: 'items',
      kind: 'boolean',
      description:
        "include per-item records: the exact prompt, each run's raw continuation, the parsed answer, correctness; loglik: each choice's log-likelihood and length in characters and tokens",
    },
  ],
  async run(opts, _pos, ctx) {
    if (optStr(opts, 'protocol') === 'holdout') {
      // The training-validation protocol: the model folder says which text, windows and count.
      if (str(opts, 'task') !== 'ppl')
        throw new UserError(
          `--protocol holdout is a perplexity protocol: use it with --task ppl, not --task ${str(opts, 'task')}`,
        );
      await initBackend({ backend: parseBackendName(optStr(opts, 'backend')) });
      return evalHoldoutFolder(str(opts, 'model'), optStr(opts, 'data'), num(opts, 'batch'));
    }
    const spec = specFromOptions(opts);
    // The data is read and checked before the model is loaded: a malformed file fails fast.
    checkBenchmarkKind(spec.task, spec.data);
    const prepared = await prepareData(spec);
    await initBackend({ backend: parseBackendName(optStr(opts, 'backend')) });
    const m = await openEvalModel(str(opts, 'model'));
    try {
      const env = {
        model: m.model,
        tokenizer: m.tokenizer,
        batchSize: num(opts, 'batch'),
        onProgress: progressFor(ctx),
      };
      const result = await runEval(env, spec, { modelId: m.modelId }, prepared);
      ctx.progressDone();
      const saved = bool(opts, 'save') ? saveResult(m.dir, result) : undefined;
      return { ...(bool(opts, 'items') ? result : summary(result)), ...(saved ? { saved } : {}) };
    } finally {
      disposeModel(m.model);
    }
  },
  human(result) {
    if ((result as { protocol?: string }).protocol === 'holdout') return humanHoldout(result as HoldoutResult);
    return humanResult(result as EvalResult & { saved?: string });
  },
});
