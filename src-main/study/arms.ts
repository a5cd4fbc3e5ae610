// One run of a study (an arm at one seed): a single model on all the corpora, or one expert per corpus merged by
// the arm's rule — trained, evaluated on the held-out suite and summarised as metrics with their protocols.
import { join } from 'node:path';
import {
  windowsPerStep,
  STAGE_METRIC,
  type ArmResult,
  type RunSeed,
  type StudyArm,
  type StudyMetric,
  type StudySpec,
} from '../../src-shared/study';
import { MergedLM } from '../engine/compose/merged';
import { saveMerge } from '../engine/compose/spec';
import type { CausalLM } from '../engine/model/index';
import { armSchedule } from './budget';
import type { StudyInputs } from './data';
import { modelSeeds, seedRecords } from './seeds';
import { heldOut, loadTrained, studyPlan, trainModel, type CurvePoint, type TrainHooks } from './train';

/** How each metric was measured; the report prints these beside the numbers. */
export function protocols(spec: StudySpec): Record<string, string> {
  const m = spec.model;
  const heldout = `loglik: mean NLL in nats/token over the first ${m.evalTokens} held-out tokens of each corpus (sliding windows, half-context stride)`;
  return {
    nll: `${heldout}; the union is their token-weighted mean`,
    ppl: `exp of the union NLL (${heldout})`,
    val: `training-time: mean loss on ${m.evalWindows} fixed held-out windows of ${m.contextLength} tokens after the last step`,
    tokens: `training tokens (steps × ${windowsPerStep(m)} windows × ${m.contextLength} tokens)`,
    flops:
      'estimate: 3× forward for trained blocks and the head, 1× for frozen blocks (2× when a trainable embedding below needs their gradient); evaluation not counted',
    seconds: 'wall-clock training seconds on this machine',
    gain: "best expert's union NLL − the merge's (nats/token; > 0: the merge beats both experts)",
    oracle: "routing oracle: each corpus scored by its own expert (token-weighted mean of the experts' own-corpus NLL)",
    normGain:
      "(best expert's union NLL − the merge's) / (best expert's union NLL − the routing oracle's): the share of the gap to perfect routing the merge closes (1: as good as routing, 0: no better than the best expert)",
    stage: 'the same held-out NLL, of the model as it stood after this growth stage',
  };
}

const metric = (value: number | null | undefined, protocol: string): StudyMetric => ({
  value: value !== undefined && value !== null && Number.isFinite(value) ? value : null,
  protocol,
});

export interface RunContext {
  spec: StudySpec;
  arm: StudyArm;
  seed: number;
  dir: string;
  inputs: StudyInputs;
  hooks: TrainHooks;
}

type RunOutcome = Omit<ArmResult, 'arm' | 'run' | 'factors' | 'seed' | 'finishedAt'>;

/** A single model trained on every corpus; null when stopped. */
export async function runSingle(c: RunContext): Promise<RunOutcome | null> {
  const { spec, arm, inputs } = c;
  const seeds = modelSeeds(c.seed, arm, 'model');
  const sub = inputs.substrate(arm.substrate, arm.substrate === 'random' ? seeds.substrate : null);
  const sched = armSchedule(arm, spec.model, inputs.tokenizer.size);
  const t = await trainModel(
    studyPlan(arm, spec.model, sched, seeds.train),
    { ...inputs.all, substrate: sub },
    inputs,
    join(c.dir, 'model'),
    '',
    c.hooks,
  );
  if (!t) return null;
  const p = protocols(spec);
  // A grown model is scored after every stage (the last stage is the model itself): depth, measured per stage.
  const evals: Awaited<ReturnType<typeof heldOut>>[] = [];
  for (const [k, st] of t.stages.entries()) {
    const model = loadTrained(st.dir, sub);
    try {
      evals.push(
        await heldOut(model, k === t.stages.length - 1 ? arm.name : `${arm.name} stage ${k + 1}`, inputs, st.dir),
      );
    } finally {
      model.dispose();
    }
  }
  const stageNll = evals.map((e) => e.union?.metrics['nll'] ?? null);
  const ev = evals[evals.length - 1]!;
  const nll = ev.union?.metrics['nll'] ?? null;
  const metrics: Record<string, StudyMetric> = {
    'heldout nll': metric(nll, p.nll!),
    'heldout ppl': metric(nll === null ? null : Math.exp(nll), p.ppl!),
  };
  for (const r of ev.rows)
    metrics[`heldout nll ${r.key.slice('ppl:'.length)}`] = metric(r.metrics['nll'], p.nll!.split(';')[0]!);
  Object.assign(metrics, {
    'val loss': metric(t.valLoss, p.val!),
    'train tokens': metric(sched.tokens, p.tokens!),
    'train FLOPs': metric(sched.flops, p.flops!),
    'train seconds': metric(t.seconds, p.seconds!),
  });
  if (t.stages.length > 1)
    stageNll.forEach(
      (v, k) =>
        (metrics[`${STAGE_METRIC}${k + 1}`] = metric(
          v,
          `${p.stage!} (${t.stages[k]!.blocks} blocks, ${t.stages[k]!.steps} steps)`,
        )),
    );
  return {
    modelDir: t.dir,
    models: [{ name: arm.name, kind: 'model', dir: t.dir }],
    curve: t.curve,
    metrics,
    seeds: seedRecords(arm.name, seeds),
    seconds: t.seconds,
  };
}

/** A stand-in that reports another substrate id, so experts with their own trained tables can be merged in memory. */
function withSubstrateId(m: CausalLM, substrateId: string): CausalLM {
  return {
    vocabSize: m.vocabSize,
    contextLength: m.contextLength,
    substrateId,
    tokenizerId: m.tokenizerId,
    logits: (t) => m.logits(t),
    openDecoder: (b) => m.openDecoder(b),
    dispose: () => m.dispose(),
  };
}

/** One expert per corpus, merged by the arm's rule; each expert and the merge scored on every corpus and the union. */
export async function runMerge(c: RunContext): Promise<RunOutcome | null> {
  const { spec, arm, inputs } = c;
  const sched = armSchedule(arm, spec.model, inputs.tokenizer.size);
  const experts: {
    name: string;
    dir: string;
    sub: ReturnType<StudyInputs['substrate']>;
    curve: CurvePoint[];
    seconds: number;
  }[] = [];
  const seeds: RunSeed[] = [];
  for (const corpus of inputs.corpora) {
    const name = `expert ${corpus.expert}`;
    const s = modelSeeds(c.seed, arm, name);
    seeds.push(...seedRecords(name, s));
    // "different": each expert its own seeded rows (random codes, or permuted glyph / binary-id columns).
    const seeded = arm.substrate === 'random' || arm.expertInit === 'different';
    const sub = inputs.substrate(arm.substrate, seeded ? s.substrate : null);
    const plan = studyPlan(arm, spec.model, sched, s.train);
    const t = await trainModel(
      plan,
      { train: corpus.train, val: corpus.valWindows, substrate: sub },
      inputs,
      join(c.dir, `expert-${corpus.expert}`),
      `${name} `,
      c.hooks,
    );
    if (!t) return null;
    experts.push({ name, dir: t.dir, sub, curve: t.curve, seconds: t.seconds });
  }
  const p = protocols(spec);
  const metrics: Record<string, StudyMetric> = {};
  const models = experts.map((e) => loadTrained(e.dir, e.sub));
  const shared = experts.every((e) => e.sub.id === experts[0]!.sub.id);
  let mergeDir: string | null = null;
  try {
    const unions: number[] = [];
    // The routing oracle: every corpus scored by its own expert, token-weighted like the union.
    let ownNats = 0;
    let ownTokens = 0;
    for (const [i, e] of experts.entries()) {
      const ev = await heldOut(models[i]!, e.name, inputs, e.dir);
      const u = ev.union?.metrics['nll'] ?? NaN;
      unions.push(u);
      metrics[`${e.name} union nll`] = metric(u, p.nll!);
      const own = ev.rows.find((r) => r.key === `ppl:${inputs.corpora[i]!.name}`);
      metrics[`${e.name} own nll`] = metric(
        own?.metrics['nll'],
        `${p.nll!.split(';')[0]!}, on the expert's own corpus`,
      );
      ownNats += (own?.metrics['nll'] ?? NaN) * (own?.n ?? 0);
      ownTokens += own?.n ?? 0;
    }
    const mode = arm.merge === 'probs' ? 'probs' : 'logits';
    // Experts with their own trained tables (different random starts) have different substrate ids; the catalog
    // refuses such a merge, so it is measured in memory and not saved as a merge folder.
    const parts = shared ? models : models.map((m) => withSubstrateId(m, experts[0]!.sub.id));
    const byRule: Record<string, number | null> = {};
    // Both rules are scored on the same experts, so logit vs probability merging is a paired comparison in each run.
    for (const rule of [mode, mode === 'logits' ? 'probs' : 'logits'] as const) {
      const merged = new MergedLM(parts, { mode: rule, names: experts.map((e) => e.name) });
      if (shared && rule === mode) {
        mergeDir = join(c.dir, 'merge');
        saveMerge(
          mergeDir,
          merged,
          experts.map((e) => e.dir),
        );
      }
      const ev = await heldOut(merged, `merge (${rule})`, inputs, rule === mode ? (mergeDir ?? undefined) : undefined);
      byRule[rule] = ev.union?.metrics['nll'] ?? null;
    }
    const m = byRule[mode] ?? null;
    const best = Math.min(...unions);
    const oracle = ownTokens > 0 ? ownNats / ownTokens : NaN;
    Object.assign(metrics, {
      'heldout nll': metric(m, `the merge's union NLL — ${p.nll!}`),
      'heldout ppl': metric(m === null ? null : Math.exp(m), p.ppl!),
      'merge nll logits': metric(byRule['logits'], `the logit-averaging merge's union NLL — ${p.nll!}`),
      'merge nll probs': metric(byRule['probs'], `the probability-averaging merge's union NLL — ${p.nll!}`),
      'best expert union nll': metric(best, p.nll!),
      'oracle union nll': metric(oracle, p.oracle!),
      'merge gain': metric(m === null ? null : best - m, p.gain!),
      'normalised merge gain': metric(
        m === null || !(best - oracle > 0) ? null : (best - m) / (best - oracle),
        p.normGain!,
      ),
      'train tokens': metric(sched.tokens * experts.length, `${p.tokens!}, both experts`),
      'train FLOPs': metric(sched.flops * experts.length, `${p.flops!}; both experts`),
      'train seconds': metric(
        experts.reduce((a, e) => a + e.seconds, 0),
        p.seconds!,
      ),
    });
  } finally {
    for (const m of models) m.dispose();
  }
  // Both experts' curves in sequence (expert B's steps follow expert A's).
  const steps = experts[0]!.curve.length;
  const curve = experts.flatMap((e, i) => e.curve.map((pt) => ({ ...pt, step: pt.step + i * steps })));
  return {
    modelDir: experts[0]!.dir,
    models: [
      ...experts.map((e) => ({ name: e.name, kind: 'expert' as const, dir: e.dir })),
      { name: `merge (${arm.merge})`, kind: 'merge' as const, dir: mergeDir },
    ],
    curve,
    metrics,
    seeds,
    seconds: experts.reduce((a, e) => a + e.seconds, 0),
  };
}
