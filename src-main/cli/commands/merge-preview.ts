// `espalier merge preview`: held-out loss of each expert and of the merge on each dataset, before saving.
import { initBackend, parseBackendName } from '../../engine/backend';
import { previewMerge, type PreviewRow } from '../../engine/compose/preview';
import { readCorpusFile } from '../../engine/tokenizer';
import { defineCommand, list, optNum, optStr, str } from '../command';
import { expertTokenizer, MERGE_OPTIONS, openMerge } from '../merge-experts';

export default defineCommand({
  path: ['merge', 'preview'],
  summary: 'compare the held-out loss of each expert and of their merge on each dataset',
  options: [
    ...MERGE_OPTIONS,
    {
      name: 'data',
      kind: 'list',
      metavar: 'FILE',
      description: 'held-out text (UTF-8) to score every model on',
      required: true,
    },
    {
      name: 'context',
      kind: 'number',
      metavar: 'T',
      description: 'window length (default: the shortest expert context)',
    },
    {
      name: 'max-tokens',
      kind: 'number',
      metavar: 'N',
      description: 'score only the first N tokens of each file',
      default: 20000,
    },
  ],
  async run(opts, _pos, ctx) {
    await initBackend({ backend: parseBackendName(optStr(opts, 'backend')) });
    const dirs = list(opts, 'expert');
    const { experts, merged, mode } = await openMerge(dirs, str(opts, 'mode'), optStr(opts, 'weights'));
    try {
      const tok = expertTokenizer(dirs, merged);
      const files = list(opts, 'data');
      const datasets = files.map((f) => ({ name: f, tokens: tok.encode(readCorpusFile(f)) }));
      ctx.log(`scoring ${experts.length} experts and the ${mode} merge on ${files.length} file(s)`);
      const rows = await previewMerge(experts, merged, datasets, {
        context: optNum(opts, 'context'),
        maxTokens: optNum(opts, 'max-tokens'),
        names: dirs,
        mergeName: 'merge',
      });
      return { mode, weights: [...merged.weights], rows };
    } finally {
      for (const e of experts) e.dispose();
    }
  },
  human(result) {
    const { rows } = result as { rows: PreviewRow[] };
    const w = Math.max(5, ...rows.map((r) => r.model.length));
    const d = Math.max(4, ...rows.map((r) => r.data.length));
    const lines = [`${'model'.padEnd(w)}  ${'data'.padEnd(d)}  loss (nats/token)  tokens`];
    for (const r of rows)
      lines.push(`${r.model.padEnd(w)}  ${r.data.padEnd(d)}  ${r.loss.toFixed(4).padStart(17)}  ${r.tokens}`);
    return lines.join('\n');
  },
});
