// What the Studies view computes from the contract's records: a spec typed as JSON checked field by field, the
// runs a spec plans in the runner's order, mean loss curves per arm (over seeds) and the live per-run series.
import { STUDY_LOSS_PREFIX } from '../../src-shared/study-records';
import { StudySpec, type ArmResult, type MetricSummary } from '../../src-shared/study';
import { fmtMeanCi as sharedMeanCi, fmtNum as sharedNum } from '../../src-shared/study-format';
import type { Series } from '../charts/downsample';

export interface SpecIssue {
  /** "arms[1].name", "model.heads", or "" for the spec as a whole. */
  field: string;
  message: string;
}

export type SpecCheck = { ok: true; spec: StudySpec; issues: [] } | { ok: false; spec: null; issues: SpecIssue[] };

/** "arms[1].name" from zod's path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** True when parsing `t` fails before its end (not merely because the text stops early). */
function failsInside(t: string): boolean {
  try {
    JSON.parse(t);
    return false;
  } catch (err) {
    const m = (err as Error).message;
    const at = /at position (\d+)/.exec(m);
    return !/end of JSON input/.test(m) && !(at && Number(at[1]) >= t.trimEnd().length);
  }
}

/**
 * Where a JSON syntax error is, as "line L, column C": V8 names the position for some errors only, so the
 * shortest prefix that already fails is searched for (a prefix of valid JSON only ever fails at its end).
 */
function jsonWhere(text: string): string {
  let lo = 0;
  let hi = text.length;
  if (!failsInside(text)) lo = hi;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsInside(text.slice(0, mid + 1))) hi = mid;
    else lo = mid + 1;
  }
  const before = text.slice(0, lo);
  const line = before.split('\n').length;
  const col = before.length - before.lastIndexOf('\n');
  return lo >= text.length
    ? `line ${line}, column ${col}: the text ends too early`
    : `line ${line}, column ${col}: unexpected ${JSON.stringify(text[lo])}`;
}

/** Parses the spec editor's text: a JSON syntax error with its line, or every field the spec gets wrong. */
export function checkSpecText(text: string): SpecCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, spec: null, issues: [{ field: '', message: `not valid JSON at ${jsonWhere(text)}` }] };
  }
  const r = StudySpec.safeParse(raw);
  if (r.success) return { ok: true, spec: r.data, issues: [] };
  return {
    ok: false,
    spec: null,
    issues: r.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message })),
  };
}

/** The runner's label of one run of a spec: "<arm> · seed <n>". */
export function runLabel(arm: string, seed: number): string {
  return `${arm} · seed ${seed}`;
}

/** Every run of a spec in the order the runner takes them: seed by seed, arm by arm. */
export function plannedRuns(spec: Pick<StudySpec, 'arms' | 'seeds'>): { run: string; arm: string; seed: number }[] {
  return spec.seeds.flatMap((seed) => spec.arms.map((a) => ({ run: runLabel(a.name, seed), arm: a.name, seed })));
}

/** One curve per arm: the training loss at each step, averaged over the seeds that reached that step. */
export function meanCurves(arms: readonly ArmResult[]): { arm: string; points: [number, number][] }[] {
  const byArm = new Map<string, Map<number, { sum: number; n: number }>>();
  for (const a of arms) {
    let steps = byArm.get(a.arm);
    if (!steps) byArm.set(a.arm, (steps = new Map()));
    for (const p of a.curve) {
      if (!Number.isFinite(p.loss)) continue;
      const acc = steps.get(p.step) ?? { sum: 0, n: 0 };
      acc.sum += p.loss;
      acc.n += 1;
      steps.set(p.step, acc);
    }
  }
  return [...byArm.entries()].map(([arm, steps]) => ({
    arm,
    points: [...steps.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([step, acc]): [number, number] => [step, acc.sum / acc.n]),
  }));
}

/** The live loss series of a study run, one per run (arm × seed) that has streamed points. */
export function liveRunSeries(series: Readonly<Record<string, Series>>): { run: string; series: Series }[] {
  return Object.entries(series)
    .filter(([name, s]) => name.startsWith(STUDY_LOSS_PREFIX) && s.steps.length > 0)
    .map(([name, s]) => ({ run: name.slice(STUDY_LOSS_PREFIX.length), series: s }));
}

/** A number to 4 significant digits; large counts in exponent form (the report's rule). */
export const fmtNum = sharedNum;

/** "2.35 ± 0.12": mean and CI to the CI's two significant digits; a single seed has no interval. */
export function fmtMeanCi(s: (Omit<MetricSummary, 'protocol'> & { protocol?: string }) | undefined): string {
  if (!s) return '—';
  return s.ci95 === null ? `${sharedMeanCi(s.mean, null)} (one seed)` : sharedMeanCi(s.mean, s.ci95);
}

/** "Δ −0.25 ± 0.10": a paired difference, signed, at the same precision rule. */
export function fmtDiff(d: { diff: number; ci95: number | null }): string {
  return `Δ ${sharedMeanCi(d.diff, d.ci95, { signed: true })}${d.ci95 === null ? ' (one seed)' : ''}`;
}
