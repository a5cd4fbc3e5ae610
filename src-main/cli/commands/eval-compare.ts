// `espalier eval compare`: several models on the same benchmark, one table (growth stages, experts and merges).
import { initBackend, parseBackendName } from '../../engine/backend';
import {
  comparisonTable,
  formatTable,
  runEval,
  prepareData,
  saveResult,
  summary,
  type EvalResult,
  type Table,
} from '../../engine/eval';
import { UserError } from '../../common/errors';
import { checkBenchmarkKind } from '../benchmark-kind';
import { bool, defineCommand, list, num, optStr } from '../command';
import { disposeModel, openEvalModel } from '../eval-model';
import { uniqueLabels } from '../model-label';
import { EVAL_OPTIONS, progressFor, specFromOptions } from './eval';

export default defineCommand({
  path: ['eval', 'compare'],
  summary: 'evaluate several models on the same data and print a comparison table',
  options: [
    {
      name: 'model',
      kind: 'list',
      metavar: 'DIR',
      required: true,
      description: 'model folder; give --model once per model',
    },
    ...EVAL_OPTIONS,
    {
      name: 'save',
      kind: 'boolean',
      default: true,
      description: 'save each result beside its model (--no-save: do not)',
    },
  ],
  async run(opts, _pos, ctx) {
    const dirs = list(opts, 'model');
    if (dirs.length < 1) throw new UserError('give at least one --model DIR');
    // Each model's hold-out is its own text, so there is no one data set to compare them on.
    if (optStr(opts, 'protocol') === 'holdout')
      throw new UserError(
        '--protocol holdout scores each model on its own recorded hold-out: run `espalier eval --task ppl --protocol holdout --model DIR` per model',
      );
    const spec = specFromOptions(opts);
    checkBenchmarkKind(spec.task, spec.data);
    const prepared = await prepareData(spec);
    await initBackend({ backend: parseBackendName(optStr(opts, 'backend')) });
    const results: (Omit<EvalResult, 'items'> & { saved?: string })[] = [];
    // Each model by its name, with a parent folder where two names collide (two experts' stage-3).
    const labels = uniqueLabels(dirs);
    for (const [i, dir] of dirs.entries()) {
      const m = await openEvalModel(dir);
      const modelId = labels[i]!;
      try {
        ctx.log(`evaluating ${modelId}…`);
        const r = await runEval(
          { model: m.model, tokenizer: m.tokenizer, batchSize: num(opts, 'batch'), onProgress: progressFor(ctx) },
          spec,
          { modelId },
          prepared,
        );
        ctx.progressDone();
        const saved = bool(opts, 'save') ? saveResult(m.dir, r) : undefined;
        results.push({ ...summary(r), ...(saved ? { saved } : {}) });
      } finally {
        disposeModel(m.model);
      }
    }
    const table = comparisonTable(results as EvalResult[]);
    return { results, table };
  },
  human(result) {
    const { table } = result as { table: Table };
    return formatTable(table);
  },
});
