// 'merge-tune' job: trains only a saved merge's output heads through the merged distribution on the chosen
// datasets (each one's fixed hold-out measures zero-shot vs tuned) and writes them to the merge's heads file.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { initBackend } from '../../engine/backend';
import type { MergedLM } from '../../engine/compose/merged';
import { tuneHeadsToFile } from '../../engine/compose/tune-files';
import { loadModelSpec, loadSpecTokenizer } from '../../lib/model-spec';
import { MergeTuneParams, MergeTuneResult } from '../job-types';
import type { JobHandler } from '../runtime';

export const mergeTuneJob: JobHandler = async (raw, ctx) => {
  const p = MergeTuneParams.parse(raw);
  if (p.merge.kind !== 'merge') throw new Error('merge-tune needs a merge spec');
  await initBackend();
  ctx.progress(0.02, 'loading the experts');
  const merged = (await loadModelSpec({ ...p.merge, headsFile: undefined })) as MergedLM;
  try {
    mkdirSync(dirname(p.headsFile), { recursive: true });
    ctx.progress(0.05, 'measuring the zero-shot merge on the held-out text');
    const tuned = await tuneHeadsToFile(
      merged,
      loadSpecTokenizer(p.merge),
      p.datasets.map((d) => d.file),
      p.headsFile,
      {
        steps: p.steps,
        dataNames: p.datasets.map((d) => d.name),
        onStep: (step, loss) => {
          ctx.stopIfAsked();
          ctx.progress(0.05 + (0.9 * step) / p.steps, `step ${step}/${p.steps}: loss ${loss.toFixed(3)}`);
        },
      },
    );
    ctx.progress(1, `held-out loss ${tuned.zeroShotLoss.toFixed(3)} → ${tuned.tunedLoss.toFixed(3)} nats/token`);
    return MergeTuneResult.parse({
      zeroShotLoss: tuned.zeroShotLoss,
      tunedLoss: tuned.tunedLoss,
      steps: tuned.steps,
      data: tuned.data,
      losses: tuned.losses,
    });
  } finally {
    merged.dispose();
  }
};
