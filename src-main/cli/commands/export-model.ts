// `espalier export --format hf`: writes a model folder as a Hugging Face folder that transformers loads with no
// custom code (ArceeForCausalLM); merges and LayerNorm models are refused with the reason.
import { exportHf } from '../../engine/hf/index';
import { readModelMeta } from '../../engine/io/model-folder-format';
import { exportPlanBytes } from '../../engine/plan/io-plan';
import { gib } from '../../engine/plan/index';
import { UserError } from '../../common/errors';
import { defineCommand, num, str } from '../command';

export const FORMATS = ['hf'] as const;

export function checkFormat(format: string): void {
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UserError(`option --format must be one of ${FORMATS.join(', ')}, got "${format}"`);
}

export default defineCommand({
  path: ['export'],
  summary: 'export a model folder in another format (hf: a transformers ArceeForCausalLM folder)',
  options: [
    {
      name: 'format',
      kind: 'string',
      metavar: 'FORMAT',
      required: true,
      description: 'hf (Hugging Face transformers)',
    },
    { name: 'model', kind: 'string', metavar: 'DIR', required: true, description: 'the Espalier model folder' },
    { name: 'out', kind: 'string', metavar: 'DIR', required: true, description: 'the folder to write (new or empty)' },
    {
      name: 'max-shard-size',
      kind: 'number',
      metavar: 'MB',
      default: 5000,
      description:
        'weights above this many megabytes (10^6 bytes) are split into shards with model.safetensors.index.json, as save_pretrained does',
    },
  ],
  async run(opts, _pos, ctx) {
    checkFormat(str(opts, 'format'));
    const mb = num(opts, 'max-shard-size');
    if (!(mb > 0)) throw new UserError(`option --max-shard-size must be a positive number of megabytes, got ${mb}`);
    const r = exportHf(str(opts, 'model'), str(opts, 'out'), { maxShardBytes: mb * 1e6 });
    // Held against the plan's estimate, as train and grow report theirs.
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    const planBytes = exportPlanBytes(readModelMeta(str(opts, 'model')).config);
    ctx.log(
      `exported ${r.layers} blocks as ArceeForCausalLM to ${r.out} (embedding: ${r.embedding === 'substrate' ? 'the substrate rows' : 'projection and scale folded in'}); peak memory ${gib(peakRssBytes)} (the plan estimated ${gib(planBytes)})`,
    );
    return { ...r, peakRssBytes, planBytes };
  },
});
