// The slow part of registering a demo run: its dataset files imported, its tokenizer and substrate copied once,
// its stage folders copied into models/<id>/ (or found already there, when the demo wrote them in place).
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { DemoPlacement, DemoResult } from '../demo/index';
import { CHECKPOINT_FILE } from '../engine/io/checkpoint-folder';
import { loadTokenizer } from '../engine/tokenizer/index';
import { ID_PATTERN, newId, type Workspace } from '../store/index';
import type * as store from '../store/index';
import { importDataset, type ImportStats } from '../lib/datasets/import';
import { importBenchmark, type BenchmarkStats } from '../lib/datasets/benchmark-import';
import { referenceSubstrate } from '../lib/workspace-model-folders';

type Split = store.DatasetSplit;

/** The demo's files that become datasets, with their role (as the app's 'world' job imports them). */
function datasetFiles(r: DemoResult): { file: string; name: string; split: Split }[] {
  const out = r.corpora.flatMap((c) => [
    { file: c.train, name: `${c.name} train`, split: 'train' as Split },
    { file: c.val, name: `${c.name} held-out`, split: 'val' as Split },
  ]);
  const w = r.world;
  if (w) {
    for (const [lang, file] of Object.entries(w.qa)) out.push({ file, name: `qa ${lang}`, split: 'test' });
    out.push({ file: w.mc, name: 'multiple choice', split: 'test' });
    for (const [pair, file] of Object.entries(w.translate))
      out.push({ file, name: `translate ${pair}`, split: 'test' });
  }
  return out;
}

/** Copies a stage's model folder (weights, config, tokenizer, substrate, saved evals) into models/<id>/; not its checkpoint. */
function copyModelFolder(src: string, dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const f of readdirSync(src)) {
    if (f === CHECKPOINT_FILE || f.startsWith('.')) continue;
    cpSync(join(src, f), join(dest, f), { recursive: true });
  }
}

/**
 * Where `espalier demo` writes into a workspace so that registering copies nothing: the substrate straight to
 * substrates/<id>.safetensors, each stage straight to models/<id>/ under an id reserved here.
 */
export function demoPlacement(ws: Workspace): DemoPlacement {
  const stages = new Map<string, string>();
  return {
    substrateFile: (id) => ws.paths.substrateFile(id),
    stageDir: (expert, stage) => {
      const key = `${expert}/${stage}`;
      let id = stages.get(key);
      if (!id) stages.set(key, (id = newId('mdl')));
      return ws.paths.modelDir(id);
    },
  };
}

/** The catalog id of a stage folder the demo wrote straight into models/<id>/ (demoPlacement), else null. */
function placedModelId(ws: Workspace, dir: string): string | null {
  const id = basename(dir);
  return resolve(dirname(dir)) === ws.paths.modelsDir && ID_PATTERN.test(id) && existsSync(join(dir, 'config.json'))
    ? id
    : null;
}

export interface ImportedDataset {
  file: string;
  name: string;
  split: Split;
  id: string;
  destination: string;
  /** Corpora are imported as text; the QA, multiple-choice and translation files as benchmarks. */
  stats: ImportStats | BenchmarkStats;
}

/** What the demo made, copied into the workspace: dataset texts, tokenizer, substrate, stage folders. */
export interface CopiedFiles {
  imported: ImportedDataset[];
  tokenizerFile: string;
  substrateFile: string;
  /** Catalog id per stage model folder of the demo run. */
  stageIds: Map<string, string>;
}

function copyOnce(src: string, dest: string, dir: string): void {
  if (existsSync(dest)) return;
  mkdirSync(dir, { recursive: true });
  copyFileSync(src, dest);
}

/** The slow part, outside the transaction: imports the datasets and copies tokenizer, substrate and stage folders. */
export async function copyDemoFiles(ws: Workspace, r: DemoResult): Promise<CopiedFiles> {
  const imported: ImportedDataset[] = [];
  const tokenizer = loadTokenizer(r.tokenizer.file);
  for (const d of datasetFiles(r)) {
    const id = newId('ds');
    const destination = ws.paths.datasetText(id);
    // Token counts for the corpora (what the app shows beside a training set); eval sets are read as files.
    const stats =
      d.split === 'test'
        ? await importBenchmark({ file: d.file })
        : (await importDataset({ file: d.file, format: 'txt', destination, tokenizer })).stats;
    imported.push({ ...d, id, destination, stats });
  }
  const tokenizerFile = ws.paths.tokenizerFile(r.tokenizer.id);
  copyOnce(r.tokenizer.file, tokenizerFile, ws.paths.tokenizersDir);
  const substrateFile = ws.paths.substrateFile(r.substrate.id);
  copyOnce(r.substrate.file, substrateFile, ws.paths.substratesDir);
  const stageIds = new Map<string, string>();
  for (const g of r.growth) {
    for (const s of g.stages) {
      // Placed by demoPlacement: already where it belongs. Otherwise copied in, referencing the shared substrate.
      let id = placedModelId(ws, s.model);
      if (id === null) {
        id = newId('mdl');
        copyModelFolder(s.model, ws.paths.modelDir(id));
        referenceSubstrate(ws.paths.modelDir(id), substrateFile);
      }
      stageIds.set(s.model, id);
    }
  }
  return { imported, tokenizerFile, substrateFile, stageIds };
}
