// Studies: run a grid of arms × seeds through the engine (resumable), compare them over seeds, write the report.
// A client of the engine and the demo world, like src-main/demo; the CLI and the worker call it.
export { runStudy, plannedRuns, RESULT_FILE, STATE_FILE, type PlannedRun } from './runner';
export type { RunStudyOptions } from './options';
export { compareStudy, sharedMetrics, headlineMetric } from './compare';
export { paperVerdicts, stageTable, readDifference } from './verdicts';
export { deriveSeed, modelSeeds } from './seeds';
export type { ResolvedCorpus } from './data';
export { comparisonCsv, outcomeLines, runsCsv, studyMarkdown, writeStudyReport, type StudyReportFiles } from './report';
export { loadStudySpec, parseStudySpec } from './spec-file';
export { armSchedule, perTokenFlops, type ArmSchedule } from './budget';
export { pairedDifference, summarize, tQuantile975, type Summary } from './stats';
export { studyPreset, isStudyPreset } from '../../src-shared/study-presets';
export { runDemoStudies } from './run-demo-studies';
