// The options runStudy takes (kept apart so the runner and the public index share one definition).
import type { ArmResult, StudyProgress } from '../../src-shared/study';
import type { ResolvedCorpus } from './data';

export interface RunStudyOptions {
  /** The study's folder: state file, one folder per run, result and report. An existing study there resumes. */
  outDir: string;
  /** Scratch folder for the data, tokenizer and substrates (default: <outDir>/work). */
  workDir?: string;
  /** The files of a spec whose data names the project's datasets (the app resolves ids; the spec keeps ids only). */
  datasets?: ResolvedCorpus[];
  signal?: AbortSignal;
  onProgress?: (e: StudyProgress) => void;
  onArmDone?: (arm: ArmResult) => void;
}
