// Reads a study spec from a JSON file: bad JSON names the file and line, a bad field names its path.
import { readFileSync } from 'node:fs';
import { StudySpec, studyIssues } from '../../src-shared/study';
import { UserError } from '../common/errors';

/** Parses spec JSON text; `source` names the file in errors. */
export function parseStudySpec(text: string, source: string): StudySpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const at = /position (\d+)/.exec(msg);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : null;
    throw new UserError(`${source}${line !== null ? `:${line}` : ''}: not valid JSON (${msg})`);
  }
  const r = StudySpec.safeParse(json);
  if (!r.success) throw new UserError(`${source}: invalid study spec — ${studyIssues(r.error).join('; ')}`);
  return r.data;
}

export function loadStudySpec(file: string): StudySpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read the study spec (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseStudySpec(text, file);
}
