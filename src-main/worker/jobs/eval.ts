// 'eval' job: one benchmark pass per model with the engine's protocols (paper: generate and compare;
// loglik/squad: the field's standard), data loaded and hashed once; per-item records saved for inspection.
import { initBackend } from '../../engine/backend';
import { prepareData, runEval, type EvalSpec } from '../../engine/eval';
import { loadModelSpec, loadSpecTokenizer } from '../../lib/model-spec';
import { EvalParams } from '../job-types';
import type { JobHandler } from '../runtime';
import { saveEvalItems } from '../../lib/eval-items';
import { holdoutResults } from './eval-holdout';

export const evalJob: JobHandler = async (raw, ctx) => {
  const p = EvalParams.parse(raw);
  await initBackend();
  // Training validation's protocol: each model's recorded hold-out, not a benchmark pass over the whole text.
  if (p.protocol === 'holdout') {
    const results = await holdoutResults(p, ctx);
    ctx.progress(1, `${results.length} model(s) evaluated`);
    return { results };
  }
  const spec: EvalSpec = {
    task: p.task,
    protocol: p.protocol,
    data: p.dataPath,
    limit: p.limit,
    runs: p.runs,
    seed: p.seed,
    pair: p.pair,
  };
  ctx.progress(0.01, `loading ${p.dataPath}`);
  const prep = await prepareData(spec);
  const results = [];
  const n = p.models.length;
  for (const [i, m] of p.models.entries()) {
    ctx.stopIfAsked();
    ctx.progress(i / n, `evaluating ${m.name}`);
    const model = await loadModelSpec(m);
    try {
      const tokenizer = loadSpecTokenizer(m);
      const r = await runEval(
        {
          model,
          tokenizer,
          onProgress: (label, done, total) => {
            ctx.progress((i + (total > 0 ? done / total : 0)) / n, `${m.name}: ${label} ${done}/${total}`);
            ctx.stopIfAsked();
          },
        },
        spec,
        { modelId: m.id },
        prep,
      );
      const { itemsFile, report } = saveEvalItems(p.itemsDir, m.id, prep, r, p.limit);
      const metrics: Record<string, number | null> = {};
      for (const [k, v] of Object.entries(r.metrics)) metrics[k] = Number.isFinite(v) ? v : null;
      ctx.log(
        `${m.name}: ${Object.entries(metrics)
          .slice(0, 3)
          .map(([k, v]) => `${k} ${v === null ? '–' : v.toFixed(4)}`)
          .join(', ')} (n=${r.n})`,
      );
      results.push({
        modelId: m.id,
        n: r.n,
        metrics,
        ci95: r.ci95 !== null && Number.isFinite(r.ci95) ? r.ci95 : null,
        runs: r.runs,
        seed: r.seed,
        datasetSha256: r.datasetSha256,
        itemsFile,
        report,
      });
    } finally {
      model.dispose();
    }
  }
  ctx.progress(1, `${n} model(s) evaluated`);
  return { results };
};
