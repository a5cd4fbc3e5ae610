// 'merge-preview' job: held-out loss of every expert and of their merge on each chosen dataset, plus the
// sample text token by token (each expert's probability of the actual next token; the app credits tokens from these).
import { initBackend } from '../../engine/backend';
import type { MergedLM } from '../../engine/compose/merged';
// Not the compose index: it pulls in head tuning, whose deep tfjs-core import breaks plain Node ESM.
import { contributions, previewMerge } from '../../engine/compose/preview';
import { pieceLabel } from '../../engine/substrate';
import { loadModelSpec, loadSpecTokenizer } from '../../lib/model-spec';
import { MergePreviewParams, MergePreviewResult } from '../job-types';
import type { JobHandler } from '../runtime';
import { READ_LIMITS, readTextCapped } from '../../engine/util/read-capped';

export const mergePreviewJob: JobHandler = async (raw, ctx) => {
  const p = MergePreviewParams.parse(raw);
  if (p.merge.kind !== 'merge') throw new Error('merge-preview needs a merge spec');
  await initBackend();
  ctx.progress(0.02, 'loading the experts');
  const merged = (await loadModelSpec(p.merge)) as MergedLM;
  try {
    const tok = loadSpecTokenizer(p.merge);
    const names = p.merge.experts.map((e) => e.name);
    const datasets = p.datasets.map((d) => ({
      name: d.name,
      tokens: tok.encode(readTextCapped(d.file, READ_LIMITS.corpus, 'dataset text')).subarray(0, p.maxTokens),
    }));
    ctx.stopIfAsked();
    ctx.progress(0.1, `scoring ${names.length} experts and the merge on ${datasets.length} dataset(s)`);
    const rows = await previewMerge(merged.experts, merged, datasets, { names, mergeName: 'merge' });
    ctx.stopIfAsked();
    ctx.progress(0.85, 'per-token contributions');
    const sample = p.sampleText.length > 0 ? tok.encode(p.sampleText) : new Int32Array(0);
    // The first token has nothing before it to be predicted from: contributions start at position 1.
    const contrib =
      sample.length >= 2 ? await contributions(merged.experts, merged.mode, sample, { weights: merged.weights }) : [];
    const result = {
      rows: rows.filter((r) => Number.isFinite(r.loss)).map((r) => ({ model: r.model, data: r.data, loss: r.loss })),
      tokens: contrib.map((c) => ({
        text: pieceLabel(tok.pieces[c.token]!),
        probs: c.expertProbs.map((x) => Math.min(1, Math.max(0, x))),
      })),
    };
    ctx.progress(1, 'preview ready');
    return MergePreviewResult.parse(result);
  } finally {
    merged.dispose();
  }
};
