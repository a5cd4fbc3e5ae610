// Studies: run a grid of arms × seeds through the engine (resumable), compare them over seeds, write the report.
import type { ArmResult, StudyComparison, StudyProgress, StudyResult, StudySpec } from '../../src-shared/study';

export interface RunStudyOptions {
  /** The study's folder: state file, one folder per run, result and report. An existing study there resumes. */
  outDir: string;
  /** Scratch folder for data and substrates (default: <outDir>/work). */
  workDir?: string;
  signal?: AbortSignal;
  onProgress?: (e: StudyProgress) => void;
  onArmDone?: (arm: ArmResult) => void;
}

export async function runStudy(_spec: StudySpec, _opts: RunStudyOptions): Promise<StudyResult> {
  throw new Error('runStudy: being implemented on this branch');
}

export function compareStudy(_result: StudyResult): StudyComparison {
  throw new Error('compareStudy: being implemented on this branch');
}

export function writeStudyReport(_result: StudyResult, _outDir: string): { csv: string; markdown: string; svgs: string[] } {
  throw new Error('writeStudyReport: being implemented on this branch');
}
