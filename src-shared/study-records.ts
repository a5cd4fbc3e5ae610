// Studies as the app's contract shows them: the stored study (spec, status, progress through its arms, the catalog
// models each finished arm registered) and, for one study, its finished arms with the comparison over seeds.
import { z } from 'zod';
import { Id, Timestamp } from './domain';
import { ArmResult, StudyComparison, StudySpec } from './study';

export const StudyStatus = z.enum(['draft', 'queued', 'running', 'paused', 'done', 'failed', 'cancelled']);
export type StudyStatus = z.infer<typeof StudyStatus>;

/** The live loss of one run of a study (an arm at one seed) streams under this metric name on its 'study' run. */
export const STUDY_LOSS_PREFIX = 'study/loss/';
export function studyLossMetric(run: string): string {
  return `${STUDY_LOSS_PREFIX}${run}`;
}

export const Study = z.object({
  id: Id,
  projectId: Id,
  name: z.string(),
  spec: StudySpec,
  status: StudyStatus,
  /** The 'study' run that runs it now (or ran it last): live progress and loss; null before the first start. */
  runId: Id.nullable(),
  /** Runs (arm × seed) in the study and how many finished. */
  runs: z.number().int(),
  runsDone: z.number().int(),
  /** Catalog models each finished run registered, by run label ("frozen glyph · seed 1"). */
  models: z.record(z.string(), z.array(Id)),
  error: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Study = z.infer<typeof Study>;

export const StudyDetail = Study.extend({
  /** Finished runs in the order they finished (curves and metrics). */
  arms: z.array(ArmResult),
  /** Mean ± CI per arm for every metric the finished runs share; null until one run finished. */
  comparison: StudyComparison.nullable(),
  /** Why there is no comparison yet although runs finished (e.g. the comparison could not be computed). */
  comparisonNote: z.string().nullable(),
});
export type StudyDetail = z.infer<typeof StudyDetail>;

/** How many runs (arm × seed) a spec makes. */
export function studyRunCount(spec: Pick<StudySpec, 'arms' | 'seeds'>): number {
  return spec.arms.length * spec.seeds.length;
}

/** Provenance key a promoted study model carries (study models stay out of the pickers until promoted). */
export const STUDY_MODEL_PROMOTED = 'promoted';

/** Whether a catalog model belongs to a study and has not been promoted: the pickers leave it out. */
export function isStudyModel(m: { provenance: Record<string, unknown> }): boolean {
  return m.provenance['kind'] === 'study' && m.provenance[STUDY_MODEL_PROMOTED] !== true;
}

/** The study a catalog model came from (its id and name), or null. */
export function studyOfModel(m: { provenance: Record<string, unknown> }): { id: string; name: string } | null {
  const id = m.provenance['studyId'];
  return m.provenance['kind'] === 'study' && typeof id === 'string'
    ? { id, name: typeof m.provenance['study'] === 'string' ? m.provenance['study'] : id }
    : null;
}
