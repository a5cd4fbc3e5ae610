// 'world' job: generates the demo world (EN/RU/ZH corpora, QA, multiple choice, translation pairs), writes its
// files into the workspace and imports each as a dataset; main records the rows in the new demo project.
import { join } from 'node:path';
import { generateWorld, writeWorld } from '../../lab/world/index';
import { importBenchmark } from '../../lib/datasets/benchmark-import';
import { importDataset } from '../../lib/datasets/import';
import { newId } from '../../store/rows';
import { WorldParams } from '../job-types';
import type { JobHandler } from '../runtime';

type Split = 'train' | 'val' | 'test';

/** Which world files become datasets, and their role. Eval sets (split test) are imported as benchmarks: the eval
 *  loaders read the original file, the import validates and counts its items. */
function roleOf(file: string): { split: Split; name: string } | null {
  let m = /^(.+)\.(train|val)\.txt$/.exec(file);
  if (m) return { split: m[2] as Split, name: `${m[1]} ${m[2] === 'train' ? 'train' : 'held-out'}` };
  m = /^qa\.(\w+)\.json$/.exec(file);
  if (m) return { split: 'test', name: `qa ${m[1]}` };
  if (file === 'mc.csv') return { split: 'test', name: 'multiple choice' };
  m = /^translate\.(.+)\.tsv$/.exec(file);
  if (m) return { split: 'test', name: `translate ${m[1]}` };
  return null;
}

export const worldJob: JobHandler = async (raw, ctx) => {
  const p = WorldParams.parse(raw);
  ctx.progress(0.02, `generating the ${p.scale} world (seed ${p.seed})`);
  const world = generateWorld({ seed: p.seed, scale: p.scale });
  ctx.stopIfAsked();
  const manifest = writeWorld(p.dir, world);
  ctx.log(`wrote ${manifest.files.length} files to ${p.dir}`);
  const chosen = manifest.files.flatMap((f) => {
    const role = roleOf(f.name);
    return role ? [{ file: f.name, ...role }] : [];
  });
  const datasets = [];
  for (const [i, c] of chosen.entries()) {
    ctx.stopIfAsked();
    ctx.progress(0.1 + (0.9 * i) / chosen.length, `importing ${c.file}`);
    const id = newId('ds');
    const destination = join(p.datasetsDir, `${id}.txt`);
    const file = join(p.dir, c.file);
    const stats =
      c.split === 'test'
        ? await importBenchmark({ file })
        : (await importDataset({ file, format: 'txt', destination })).stats;
    datasets.push({ id, name: c.name, split: c.split, destination, stats: { ...stats } });
  }
  ctx.progress(1, `${datasets.length} datasets`);
  return {
    manifest: {
      id: manifest.id,
      seed: manifest.seed,
      scale: manifest.scale,
      files: manifest.files.map((f) => ({ name: f.name, bytes: f.bytes })),
    },
    datasets,
  };
};
