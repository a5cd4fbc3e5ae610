// Reads a study spec from a JSON file: bad JSON names the file and line, a bad field names its path.
import { StudySpec, studyIssues } from '../../src-shared/study';
import { jsonProblem, UserError } from '../common/errors';
import { READ_LIMITS, readTextCapped } from '../engine/util/read-capped';

/** Parses spec JSON text; `source` names the file in errors. */
export function parseStudySpec(text: string, source: string): StudySpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : null;
    throw new UserError(`${source}${line !== null ? `:${line}` : ''}: not valid JSON (${jsonProblem(err, text)})`);
  }
  const r = StudySpec.safeParse(json);
  if (!r.success) throw new UserError(`${source}: invalid study spec — ${studyIssues(r.error).join('; ')}`);
  return r.data;
}

export function loadStudySpec(file: string): StudySpec {
  const text = readTextCapped(file, READ_LIMITS.config, 'study spec');
  return parseStudySpec(text, file);
}
