// Studies: define, run, compare over seeds, promote a study's models, export the comparison.
import { z } from 'zod';
import { Id } from '../domain';
import { StudySpec } from '../study';
import { Study, StudyDetail } from '../study-records';
import { ById, Ok, ProjectRef } from './common';

export const studyChannels = {
  'studies.list': { req: ProjectRef, res: z.array(Study) },
  /** Defines a study (a preset's spec, resized or edited, or one written by hand) as a draft; start runs it. */
  'studies.create': { req: z.object({ projectId: Id, spec: StudySpec }).strict(), res: Study },
  /** The study with its finished runs and the comparison over seeds (mean ± CI per arm and metric). */
  'studies.get': { req: ById, res: StudyDetail },
  /** Runs a draft, or resumes a stopped study from its next unfinished run (finished runs are kept). */
  'studies.start': { req: ById, res: Study },
  'studies.cancel': { req: ById, res: Study },
  /** Deletes the study and its folder; the models its runs registered stay in the catalog. */
  'studies.delete': { req: ById, res: Ok },
  /** A study's model joins the Merge, Playground and Evaluate pickers (promoted: true) or is kept under its study again. */
  'studies.promote': { req: z.object({ modelId: Id, promoted: z.boolean() }).strict(), res: Ok },
  /**
   * Writes the comparison as CSV, or as a Markdown report with its plots (SVG) and the CSV, into a new file or
   * folder under `dest` (same rules as models.export: the export folder for browser clients).
   */
  'studies.export': {
    req: z.object({ id: Id, dest: z.string().min(1).max(4096), format: z.enum(['csv', 'markdown']) }).strict(),
    res: z.object({ path: z.string(), files: z.array(z.string()) }),
  },
} as const;
