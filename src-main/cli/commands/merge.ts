// `espalier merge`: joins two or more experts that share a substrate and tokenizer into a merge folder
// (merge.json referencing the experts; no weights are copied).
import { initBackend, parseBackendName } from '../../engine/backend';
import { saveMerge } from '../../engine/compose/spec';
import { defineCommand, list, optStr, str } from '../command';
import { MERGE_OPTIONS, openMerge } from '../merge-experts';

export default defineCommand({
  path: ['merge'],
  summary: 'merge experts by averaging their logits (or another mode) into a new model folder',
  options: [...MERGE_OPTIONS, { name: 'out', kind: 'string', metavar: 'DIR', description: 'the merge folder to write', required: true }],
  async run(opts, _pos, ctx) {
    await initBackend({ backend: parseBackendName(optStr(opts, 'backend')) });
    const dirs = list(opts, 'expert');
    const { experts, merged } = await openMerge(dirs, str(opts, 'mode'), optStr(opts, 'weights'));
    try {
      const out = str(opts, 'out');
      const spec = saveMerge(out, merged, dirs);
      ctx.log(`merged ${dirs.length} experts (${spec.mode}) into ${out}`);
      return { out, ...spec, contextLength: merged.contextLength, vocabSize: merged.vocabSize };
    } finally {
      for (const e of experts) e.dispose();
    }
  },
});
