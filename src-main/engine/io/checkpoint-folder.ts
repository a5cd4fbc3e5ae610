// The one checkpoint layout, for the CLI's run folders and the app's runs alike: a run folder holds
// `checkpoint.safetensors`, the newest checkpoint (replaced atomically, so a crash leaves the previous one whole),
// and, for a caller that wants history, `checkpoints/step-NNNNNNNNN.safetensors`: hard links to earlier newest files
// (no second write), the newest `history` kept. Resumes read `checkpoint.safetensors`; folders written before the
// layout was shared (the app kept only step files, in `<run>/checkpoints/`) are still found by findCheckpoint.
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { GPT } from '../model/gpt';
import type { ResolvedTrainOptions, TrainerState } from '../train/trainer-options';
import { writeCheckpointFile, type AdapterSnapshot } from './checkpoint';

/** The newest checkpoint of a run folder: the file every resume reads. */
export const CHECKPOINT_FILE = 'checkpoint.safetensors';
/** Where a run folder keeps earlier checkpoints, when it keeps any. */
export const CHECKPOINT_HISTORY_DIR = 'checkpoints';

const STEP_FILE = /^step-(\d+)\.safetensors$/;

/** The step a `step-N.safetensors` checkpoint holds, from its name (null when it does not follow the naming). */
export function checkpointStep(path: string): number | null {
  const m = STEP_FILE.exec(basename(path));
  return m ? Number(m[1]) : null;
}

export interface FolderCheckpointOptions {
  /** Anything the caller wants restored with the run (data files, a growth stage's notes…). */
  extra?: Record<string, unknown>;
  adapter?: AdapterSnapshot | null;
  /** How many step files to keep in `checkpoints/` (0: none, the CLI's default). */
  history?: number;
}

/** Writes `<dir>/checkpoint.safetensors` (and its history, if asked) and returns its path. */
export function saveFolderCheckpoint(
  dir: string,
  model: GPT,
  train: ResolvedTrainOptions,
  state: TrainerState,
  opts: FolderCheckpointOptions = {},
): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, CHECKPOINT_FILE);
  writeCheckpointFile(path, model, train, state, opts.extra ?? {}, opts.adapter ?? null);
  const keep = opts.history ?? 0;
  if (keep > 0) {
    const hist = join(dir, CHECKPOINT_HISTORY_DIR);
    mkdirSync(hist, { recursive: true });
    const step = join(hist, `step-${String(state.step).padStart(9, '0')}.safetensors`);
    rmSync(step, { force: true });
    // A hard link costs nothing; the next atomic replace of checkpoint.safetensors leaves it pointing at this one.
    try {
      linkSync(path, step);
    } catch {
      copyFileSync(path, step);
    }
    for (const n of stepFiles(hist).slice(0, -keep)) rmSync(join(hist, n), { force: true });
  }
  return path;
}

function stepFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((n) => STEP_FILE.test(n))
    .sort();
}

/**
 * The checkpoint a resume of `dir` starts from: `checkpoint.safetensors`; else the newest step file in
 * `checkpoints/` or in `dir` itself (the app's layout before it was shared with the CLI). Null when there is none.
 */
export function findCheckpoint(dir: string): string | null {
  const main = join(dir, CHECKPOINT_FILE);
  if (existsSync(main)) return main;
  for (const d of [join(dir, CHECKPOINT_HISTORY_DIR), dir]) {
    const newest = stepFiles(d).at(-1);
    if (newest !== undefined) return join(d, newest);
  }
  return null;
}
