// runStudy: every run of the grid (seed by seed, arm by arm) one after another in the study's folder. A state
// file records finished runs, so calling it again on the same folder skips them and resumes a stopped one.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ArmResult,
  StudyResult,
  StudySpec,
  studyIssues,
  type StudyArm,
  type StudyProgress,
} from '../../src-shared/study';
import { UserError } from '../common/errors';
import { writeFileAtomic } from '../engine/util/atomic';
import { runMerge, runSingle } from './arms';
import { prepareInputs, type StudyInputs } from './data';
import type { RunStudyOptions } from './options';
import { readJsonCapped } from '../engine/util/read-capped';

export const STATE_FILE = 'study-state.json';
export const RESULT_FILE = 'study-result.json';

interface StudyState {
  format: 'espalier-study-state';
  version: 1;
  spec: StudySpec;
  startedAt: string;
  finished: ArmResult[];
  notes: string[];
}

export interface PlannedRun {
  arm: StudyArm;
  seed: number;
  /** "<arm> · seed <n>" */
  run: string;
  /** The run's folder name. */
  slug: string;
}

/** Seed by seed, arm by arm: a study stopped early still has every arm at its first seeds. */
export function plannedRuns(spec: StudySpec): PlannedRun[] {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  return spec.seeds.flatMap((seed) =>
    spec.arms.map((arm) => ({ arm, seed, run: `${arm.name} · seed ${seed}`, slug: `${slug(arm.name)}-seed${seed}` })),
  );
}

export function armFactors(arm: StudyArm): Record<string, string> {
  return {
    substrate: arm.substrate,
    embedding: arm.embedding,
    schedule: arm.schedule,
    budget: arm.budget,
    merge: arm.merge,
    expertInit: arm.expertInit,
  };
}

function openState(outDir: string, spec: StudySpec): StudyState {
  const path = join(outDir, STATE_FILE);
  if (!existsSync(path))
    return {
      format: 'espalier-study-state',
      version: 1,
      spec,
      startedAt: new Date().toISOString(),
      finished: [],
      notes: [],
    };
  let s: StudyState;
  try {
    s = readJsonCapped(path, 'study state') as StudyState;
  } catch (err) {
    throw new UserError(`${(err as Error).message}; use a new output folder`);
  }
  if (s.format !== 'espalier-study-state') throw new UserError(`${path}: not a study state file`);
  if (JSON.stringify(s.spec) !== JSON.stringify(spec))
    throw new UserError(
      `${outDir}: holds another study ("${s.spec.name}", or the same with other settings); resume it with its own spec or choose a new output folder`,
    );
  const finished = s.finished.map((a, i) => {
    const r = ArmResult.safeParse(a);
    if (!r.success) throw new UserError(`${path}: finished[${i}] ${studyIssues(r.error).join('; ')}`);
    return r.data;
  });
  return { ...s, finished };
}

export async function runStudy(specIn: StudySpec, opts: RunStudyOptions): Promise<StudyResult> {
  const parsed = StudySpec.safeParse(specIn);
  if (!parsed.success) throw new UserError(`study spec: ${studyIssues(parsed.error).join('; ')}`);
  const spec = parsed.data;
  const outDir = opts.outDir;
  mkdirSync(outDir, { recursive: true });
  const workDir = opts.workDir ?? join(outDir, 'work');
  mkdirSync(workDir, { recursive: true });
  const state = openState(outDir, spec);
  const save = () => writeFileAtomic(join(outDir, STATE_FILE), `${JSON.stringify(state, null, 1)}\n`);
  save();
  const runs = plannedRuns(spec);
  let inputs: StudyInputs | null = null;
  let status: 'done' | 'stopped' = 'done';
  for (const [i, r] of runs.entries()) {
    const base = { arm: i, arms: runs.length, armName: r.arm.name, seed: r.seed };
    const progress = (e: Omit<StudyProgress, keyof typeof base>) => opts.onProgress?.({ ...base, ...e });
    if (state.finished.some((f) => f.run === r.run)) {
      progress({ phase: 'done', step: 0, steps: 0, loss: null, message: `${r.run}: already finished, skipped` });
      continue;
    }
    if (opts.signal?.aborted) {
      status = 'stopped';
      break;
    }
    if (!inputs) {
      progress({
        phase: 'data',
        step: 0,
        steps: 0,
        loss: null,
        message: 'preparing the data, tokenizer and held-out suite',
      });
      inputs = await prepareInputs(spec, workDir, opts.datasets);
    }
    progress({
      phase: 'start',
      step: 0,
      steps: 0,
      loss: null,
      message: `${r.run}: started (run ${i + 1} of ${runs.length})`,
    });
    const t0 = performance.now();
    const ctx = {
      spec,
      arm: r.arm,
      seed: r.seed,
      dir: join(outDir, 'runs', r.slug),
      inputs,
      hooks: {
        signal: opts.signal,
        onStep: (phase: string, step: number, steps: number, loss: number) => progress({ phase, step, steps, loss }),
      },
    };
    const out = r.arm.merge === 'none' ? await runSingle(ctx) : await runMerge(ctx);
    if (!out) {
      status = 'stopped';
      break;
    }
    const result = ArmResult.parse({
      arm: r.arm.name,
      run: r.run,
      factors: armFactors(r.arm),
      seed: r.seed,
      ...out,
      finishedAt: new Date().toISOString(),
    });
    state.finished.push(result);
    for (const n of inputs.notes) if (!state.notes.includes(n)) state.notes.push(n);
    save();
    const nll = result.metrics['heldout nll']?.value;
    progress({
      phase: 'done',
      step: 0,
      steps: 0,
      loss: null,
      message: `${r.run}: held-out loss ${nll?.toFixed(4) ?? '—'} in ${Math.round((performance.now() - t0) / 1000)} s`,
    });
    opts.onArmDone?.(result);
  }
  const order = new Map(runs.map((r, i) => [r.run, i]));
  const result = StudyResult.parse({
    format: 'espalier-study-result',
    version: 1,
    spec,
    outDir,
    status,
    arms: [...state.finished].sort((a, b) => (order.get(a.run) ?? 0) - (order.get(b.run) ?? 0)),
    notes: state.notes,
    startedAt: state.startedAt,
    finishedAt: new Date().toISOString(),
  });
  writeFileAtomic(join(outDir, RESULT_FILE), `${JSON.stringify(result, null, 1)}\n`);
  return result;
}
