// `espalier merge`: joins two or more experts that share a substrate and tokenizer into a merge folder
// (merge.json referencing the experts; no weights are copied), optionally tuning the experts' heads after.
import { initBackend, parseBackendName } from '../../engine/backend';
import { saveMerge } from '../../engine/compose/spec';
import { tuneHeadsFromFiles } from '../../engine/compose/tune-files';
import { UserError } from '../../common/errors';
import { defineCommand, list, num, optNum, optStr, str } from '../command';
import { expertTokenizer, MERGE_OPTIONS, openMerge } from '../merge-experts';

export default defineCommand({
  path: ['merge'],
  summary: 'merge experts by averaging their logits (or another mode) into a new model folder',
  options: [
    ...MERGE_OPTIONS,
    { name: 'out', kind: 'string', metavar: 'DIR', description: 'the merge folder to write', required: true },
    {
      name: 'tune-heads',
      kind: 'number',
      metavar: 'STEPS',
      description:
        "then train only the experts' output heads through the merge for STEPS steps (saved as heads.safetensors)",
    },
    {
      name: 'data',
      kind: 'list',
      metavar: 'FILE',
      description: "head tuning: text to tune on (repeat for each expert's corpus); each file's last 10% is held out",
    },
    { name: 'lr', kind: 'number', metavar: 'LR', default: 0.003, description: 'head tuning: Adam learning rate' },
    { name: 'batch', kind: 'number', metavar: 'N', default: 8, description: 'head tuning: windows per step' },
    {
      name: 'context',
      kind: 'number',
      metavar: 'T',
      description: "head tuning: window length (default 64, at most the merge's context)",
    },
    { name: 'seed', kind: 'number', metavar: 'S', default: 0, description: 'head tuning: seeds the window order' },
  ],
  async run(opts, _pos, ctx) {
    await initBackend({ backend: parseBackendName(optStr(opts, 'backend')) });
    const dirs = list(opts, 'expert');
    const steps = optNum(opts, 'tune-heads');
    const data = list(opts, 'data');
    if (steps === undefined && data.length > 0)
      throw new UserError('--data is for head tuning; give --tune-heads STEPS too');
    const { experts, merged } = await openMerge(dirs, str(opts, 'mode'), optStr(opts, 'weights'));
    try {
      const out = str(opts, 'out');
      const spec = saveMerge(out, merged, dirs);
      ctx.log(`merged ${dirs.length} experts (${spec.mode}) into ${out}`);
      if (steps === undefined)
        return { out, ...spec, contextLength: merged.contextLength, vocabSize: merged.vocabSize };
      const tuned = await tuneHeadsFromFiles(merged, expertTokenizer(dirs, merged), data, out, {
        steps,
        lr: num(opts, 'lr'),
        batch: num(opts, 'batch'),
        context: optNum(opts, 'context'),
        seed: num(opts, 'seed'),
        onStep: (s, loss) => ctx.progress('tune heads', s, steps, `loss ${loss.toFixed(3)}`),
      });
      ctx.progressDone();
      ctx.log(
        `held-out loss: zero-shot ${tuned.zeroShotLoss.toFixed(4)}, tuned heads ${tuned.tunedLoss.toFixed(4)} (${tuned.file})`,
      );
      const { losses: _l, ...summary } = tuned;
      return { out, ...spec, contextLength: merged.contextLength, vocabSize: merged.vocabSize, tuning: summary };
    } finally {
      for (const e of experts) e.dispose();
    }
  },
});
