// The shape of `espalier demo --json` that the demo tests check: its sections, its claims, its fields.
export const SECTIONS = [
  'world',
  'substrate',
  'growth',
  'merges',
  'evals',
  'depthVsCapability',
  'expertsVsMerge',
  'claims',
  'studies',
  'report',
  'seconds',
];
export const CLAIMS = ['deeperIsBetter', 'qaRisesWithDepth', 'expertsBestOnOwnLanguage', 'mergeBeatsExpertsOnUnion'];

export interface DemoJson {
  source: string;
  world: null | { id: string };
  skipped: string[];
  substrate: { id: string; kind: string; note: string };
  growth: { expert: string; stages: { depth: number; valLoss: number; model: string }[] }[];
  merges: { name: string; mode: string; dir: string }[];
  evals: { model: string; key: string; task: string; protocol: string; metrics: Record<string, number | null> }[];
  depthVsCapability: { title: string; columns: string[]; rows: unknown[][] }[];
  expertsVsMerge: { columns: string[]; rows: unknown[][] };
  claims: Record<string, { holds: boolean | null; statement: string; numbers: Record<string, unknown> }>;
  studies: {
    preset: string;
    metric: string;
    control: string;
    rows: { arm: string; mean: number; ci95: number; n: number }[];
    outcome: string[];
    report: string;
  }[];
  report: { markdown: string; json: string };
  seconds: Record<string, number>;
  workspace: {
    root: string;
    projectId: string;
    projectName: string;
    modelIds: Record<string, string>;
    evalIds: string[];
    datasetIds: Record<string, string>;
  };
}
