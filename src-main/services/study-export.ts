// A study's comparison leaves the app as CSV, or as a Markdown report with its plots and the CSV in a folder of
// its own: the runner's report is written to scratch space first, then copied under a name not yet taken in dest.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { StudyResult } from '../../src-shared/study';
import { writeStudyReport } from '../study/index';

function slug(name: string): string {
  return (
    name
      .trim()
      .replace(/[^\p{L}\p{N}._-]+/gu, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 80) || 'study'
  );
}

/** "name", else "name-2", "name-3", … among what `dir` holds. */
function freeName(dir: string, base: string, ext: string): string {
  const taken = new Set(readdirSync(dir));
  if (!taken.has(`${base}${ext}`)) return `${base}${ext}`;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}${ext}`)) return `${base}-${i}${ext}`;
}

/** Files the report wrote, as absolute paths (the runner may answer relative to the folder it wrote into). */
function inScratch(scratch: string, file: string): string {
  return isAbsolute(file) ? file : join(scratch, file);
}

export function exportStudyReport(
  result: StudyResult,
  scratch: string,
  dest: string,
  format: 'csv' | 'markdown',
): { path: string; files: string[] } {
  const written = writeStudyReport(result, scratch);
  const base = slug(result.spec.name);
  if (format === 'csv') {
    const path = join(dest, freeName(dest, base, '.csv'));
    cpSync(inScratch(scratch, written.csv), path);
    return { path, files: [path] };
  }
  const folder = join(dest, freeName(dest, base, ''));
  cpSync(scratch, folder, { recursive: true });
  const files = [written.markdown, written.csv, ...written.svgs]
    .map((f) => join(folder, relative(scratch, inScratch(scratch, f))))
    .filter((f) => existsSync(f));
  return { path: join(folder, relative(scratch, inScratch(scratch, written.markdown))), files };
}
