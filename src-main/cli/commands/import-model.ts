// `espalier import --format hf`: brings a Hugging Face ArceeForCausalLM folder (an export, perhaps grown further on a
// cluster with scale/grow.py) back as an Espalier model folder; the embedding table becomes its substrate.
import { importHf } from '../../engine/hf/index';
import { folderParamReport } from '../../engine/io/folder-params';
import { describeParams } from '../../engine/model/param-report';
import { gib } from '../../engine/plan/index';
import { importPlanBytes } from '../../engine/plan/io-plan';
import { defineCommand, str } from '../command';
import { checkFormat } from './export-model';

export default defineCommand({
  path: ['import'],
  summary: 'import a model folder from another format (hf: a transformers ArceeForCausalLM folder)',
  options: [
    {
      name: 'format',
      kind: 'string',
      metavar: 'FORMAT',
      required: true,
      description: 'hf (Hugging Face transformers)',
    },
    { name: 'from', kind: 'string', metavar: 'DIR', required: true, description: 'the Hugging Face folder' },
    {
      name: 'out',
      kind: 'string',
      metavar: 'DIR',
      required: true,
      description: 'the Espalier model folder to write (new or empty)',
    },
  ],
  async run(opts, _pos, ctx) {
    checkFormat(str(opts, 'format'));
    const r = importHf(str(opts, 'from'), str(opts, 'out'));
    // Counted by the one definition train, grow and the app use (the frozen substrate included in the total).
    const params = folderParamReport(r.out);
    ctx.log(
      `imported ${r.layers} blocks into ${r.out}: ${describeParams(params)}; substrate ${r.substrateId.slice(0, 12)}…${r.substrateRestored ? ' (the exported substrate, restored)' : ' (a new imported table)'}, tokenizer ${r.tokenizerId.slice(0, 12)}…`,
    );
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    const planBytes = importPlanBytes(r.meta.config);
    ctx.log(`peak memory ${gib(peakRssBytes)} (the plan estimated ${gib(planBytes)})`);
    const { meta: _meta, ...rest } = r;
    return { ...rest, params, peakRssBytes, planBytes };
  },
});
