// The workspace's settings.json: small per-workspace choices that need no table (the compute backend). Read
// strictly (a bad file names its field and is never overwritten blindly), written atomically.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { WorkspaceSettings } from '../../src-shared/settings';
import { jsonProblem, UserError } from '../common/errors';

/** The file's settings; {} when there is none. A file that does not parse is an error naming the field. */
export function readSettings(file: string): WorkspaceSettings {
  if (!existsSync(file)) return {};
  // A copied workspace's settings.json may be a link to a device or a huge file: a regular file of a few KiB only.
  const st = statSync(file);
  if (!st.isFile() || st.size > 1 << 20)
    throw new UserError(
      `${file}: not a settings file (a regular file under 1 MiB); delete it to start from the defaults`,
    );
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `${file}: not valid JSON (${jsonProblem(err, text)}); fix it or delete the file to start from the defaults`,
    );
  }
  const parsed = WorkspaceSettings.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(top level)');
  throw new UserError(
    `${file}: field "${field}": ${issue.message}; fix it or delete the file to start from the defaults`,
  );
}

/** Merges `patch` into the file (validated first, written through a temporary file and a rename). */
export function writeSettings(file: string, patch: WorkspaceSettings): WorkspaceSettings {
  const next = WorkspaceSettings.parse({ ...readSettings(file), ...patch });
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(tmp, file);
  return next;
}
