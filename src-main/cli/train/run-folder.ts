// What a `train` run folder holds besides the checkpoint, so `train --resume DIR` alone continues after a crash:
// tokenizer.json and substrate.json (a reference: the substrate's id and absolute path), written at the first
// checkpoint. Also the guard that keeps `--out` from silently replacing another run.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { CHECKPOINT_FILE, findCheckpoint } from '../../engine/io/checkpoint-folder';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../engine/util/atomic';
import { SUBSTRATE_FILE } from '../../engine/io/model-folder-format';
import { tokenizerToJson, type Tokenizer } from '../../engine/tokenizer/index';
import { UserError } from '../../common/errors';
import { READ_LIMITS, readFileCapped } from '../../engine/util/read-capped';
import { RUN_TOKEN_FILE } from './token-data';

/** The run folder's checkpoint: the one layout the app's runs use too (engine/io/checkpoint-folder.ts). */
export const CHECKPOINT = CHECKPOINT_FILE;
export const RUN_TOKENIZER = 'tokenizer.json';
export const RUN_SUBSTRATE_REF = 'substrate.json';

const SubstrateRef = z.object({ id: z.string().min(1), file: z.string().min(1) });

/** Refuses a non-empty --out (it holds another run) unless resuming into it or --force says to replace it. */
export function checkOutFolder(outDir: string, opts: { resuming: boolean; force: boolean }): void {
  if (opts.resuming || opts.force || !existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new UserError(`--out ${outDir}: is a file; choose a folder`);
  // A token file being made there (train --token-file stopped while tokenizing) is continued, not in the way.
  const entries = readdirSync(outDir).filter((e) => !e.startsWith(RUN_TOKEN_FILE));
  if (entries.length === 0) return;
  if (entries.includes(CHECKPOINT)) {
    throw new UserError(
      `--out ${outDir}: the folder already holds a training run (its checkpoint would be replaced); continue it with --resume ${outDir}, replace it with --force, or choose an empty folder`,
    );
  }
  // No checkpoint: nothing to resume (a run that stopped before its first one, e.g. on a full disk). Never send the
  // user to --resume here: that would answer "no checkpoint; start again with --out" — a circle.
  throw new UserError(
    `--out ${outDir}: the folder already holds ${entries.length} file(s) but no ${CHECKPOINT} to resume from; start the run over in it with --force, or choose an empty folder`,
  );
}

/**
 * The checkpoint `--resume DIR` continues from: DIR itself when it is a file, else the folder's newest checkpoint
 * (a folder in the app's older layout of step files too); refused in one line when there is none.
 */
export function resumeCheckpointFile(dir: string): string {
  const file = statSync(dir, { throwIfNoEntry: false })?.isFile() ? dir : findCheckpoint(dir);
  if (file === null)
    throw new UserError(
      // The same advice from every command that resumes: never send the user back and forth between flags.
      `--resume ${dir}: no ${CHECKPOINT} there (the run never reached its first checkpoint, so there is nothing to resume); start it over with --out ${dir} --force`,
    );
  return file;
}

/** Written once, with the first checkpoint: enough for a resume that names nothing but the folder. */
export function writeRunInputs(outDir: string, tok: Tokenizer, substrate: { id: string; file: string }): void {
  const tokFile = join(outDir, RUN_TOKENIZER);
  writeFileAtomic(tokFile, tokenizerToJson(tok));
  writeFileAtomic(
    join(outDir, RUN_SUBSTRATE_REF),
    `${JSON.stringify({ id: substrate.id, file: resolve(substrate.file) }, null, 2)}\n`,
  );
}

/** The vocabulary of a run folder (absent: null). */
export function runTokenizerPath(dir: string): string | null {
  const f = join(dir, RUN_TOKENIZER);
  return existsSync(f) ? f : null;
}

/** Where the run's substrate is: the exported copy when training finished, else the recorded reference. */
export function runSubstratePath(dir: string): { file: string; id: string | null } | null {
  const copy = join(dir, SUBSTRATE_FILE);
  if (existsSync(copy)) return { file: copy, id: null };
  const refFile = join(dir, RUN_SUBSTRATE_REF);
  if (!existsSync(refFile)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileCapped(refFile, READ_LIMITS.vocabulary, 'substrate reference').toString('utf8'));
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${refFile}: damaged substrate reference (${(err as Error).message}); pass --substrate FILE`);
  }
  const ref = SubstrateRef.safeParse(json);
  if (!ref.success)
    throw new UserError(
      `${refFile}: damaged substrate reference (field ${ref.error.issues[0]?.path.join('.') || '(root)'}); pass --substrate FILE`,
    );
  return ref.data;
}
