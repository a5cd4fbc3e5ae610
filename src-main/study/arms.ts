// One run of a study (an arm at one seed): a single model on all the corpora, or one expert per corpus merged by
// the arm's rule — trained, evaluated on the held-out suite and summarised as metrics with their protocols.
import { join } from 'node:path';
import type { ArmResult, StudyArm, StudyMetric, StudySpec } from '../../src-shared/study';
import { MergedLM } from '../engine/compose/merged';
import { saveMerge } from '../engine/compose/spec';
import type { CausalLM } from '../engine/model/index';
import { armSchedule } from './budget';
import type { StudyInputs } from './data';
import { heldOut, loadTrained, studyPlan, trainModel, type CurvePoint, type TrainHooks } from './train';

/** How each metric was measured; the report prints these beside the numbers. */
export function protocols(spec: StudySpec): Record<string, string> {
  const m = spec.model;
  const heldout = `loglik: mean NLL in nats/token over the first ${m.evalTokens} held-out tokens of each corpus (sliding windows, half-context stride)`;
  return {
    nll: `${heldout}; the union is their token-weighted mean`,
    ppl: `exp of the union NLL (${heldout})`,
    val: `training-time: mean loss on ${m.evalWindows} fixed held-out windows of ${m.contextLength} tokens after the last step`,
    tokens: `training tokens (steps × ${m.batchSize} windows × ${m.contextLength} tokens)`,
    flops: 'estimate: 3× forward for trained blocks and the head, 1× for frozen blocks (2× when a trainable embedding below needs their gradient); evaluation not counted',
    seconds: 'wall-clock training seconds on this machine',
    gain: 'best expert\'s union NLL − the merge\'s (nats/token; > 0: the merge beats both experts)',
  };
}

const metric = (value: number | null | undefined, protocol: string): StudyMetric => ({ value: value !== undefined && value !== null && Number.isFinite(value) ? value : null, protocol });

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
  const sub = inputs.substrate(arm.substrate, c.seed);
  const sched = armSchedule(arm, spec.model, inputs.tokenizer.size);
  const t = await trainModel(studyPlan(arm, spec.model, sched, c.seed), { ...inputs.all, substrate: sub }, inputs, join(c.dir, 'model'), '', c.hooks);
  if (!t) return null;
  const p = protocols(spec);
  const model = loadTrained(t.dir, sub);
  let ev;
  try {
    ev = await heldOut(model, arm.name, inputs, t.dir);
  } finally {
    model.dispose();
  }
  const nll = ev.union?.metrics['nll'] ?? null;
  const metrics: Record<string, StudyMetric> = {
    'heldout nll': metric(nll, p.nll!),
    'heldout ppl': metric(nll === null ? null : Math.exp(nll), p.ppl!),
  };
  for (const r of ev.rows) metrics[`heldout nll ${r.key.slice('ppl:'.length)}`] = metric(r.metrics['nll'], p.nll!.split(';')[0]!);
  Object.assign(metrics, { 'val loss': metric(t.valLoss, p.val!), 'train tokens': metric(sched.tokens, p.tokens!), 'train FLOPs': metric(sched.flops, p.flops!), 'train seconds': metric(t.seconds, p.seconds!) });
  return { modelDir: t.dir, models: [{ name: arm.name, kind: 'model', dir: t.dir }], curve: t.curve, metrics, seconds: t.seconds };
}

/** A stand-in that reports another substrate id, so experts with their own trained tables can be merged in memory. */
function withSubstrateId(m: CausalLM, substrateId: string): CausalLM {
  return { vocabSize: m.vocabSize, contextLength: m.contextLength, substrateId, tokenizerId: m.tokenizerId, logits: (t) => m.logits(t), openDecoder: (b) => m.openDecoder(b), dispose: () => m.dispose() };
}

/** Different random codes per expert: far apart seeds so no two runs' experts share a draw. */
const expertSeed = (arm: StudyArm, seed: number, i: number) => (arm.expertInit === 'different' ? seed + i * 1_000_003 : seed);

/** One expert per corpus, merged by the arm's rule; each expert and the merge scored on every corpus and the union. */
export async function runMerge(c: RunContext): Promise<RunOutcome | null> {
  const { spec, arm, inputs } = c;
  const sched = armSchedule(arm, spec.model, inputs.tokenizer.size);
  const experts: { name: string; dir: string; sub: ReturnType<StudyInputs['substrate']>; curve: CurvePoint[]; seconds: number }[] = [];
  for (const [i, corpus] of inputs.corpora.entries()) {
    const sub = inputs.substrate(arm.substrate, expertSeed(arm, c.seed, i));
    const plan = studyPlan(arm, spec.model, sched, c.seed + i);
    const t = await trainModel(plan, { train: corpus.train, val: corpus.valWindows, substrate: sub }, inputs, join(c.dir, `expert-${corpus.expert}`), `expert ${corpus.expert} `, c.hooks);
    if (!t) return null;
    experts.push({ name: `expert ${corpus.expert}`, dir: t.dir, sub, curve: t.curve, seconds: t.seconds });
  }
  const p = protocols(spec);
  const metrics: Record<string, StudyMetric> = {};
  const models = experts.map((e) => loadTrained(e.dir, e.sub));
  const shared = experts.every((e) => e.sub.id === experts[0]!.sub.id);
  let mergeDir: string | null = null;
  try {
    const unions: number[] = [];
    for (const [i, e] of experts.entries()) {
      const ev = await heldOut(models[i]!, e.name, inputs, e.dir);
      const u = ev.union?.metrics['nll'] ?? NaN;
      unions.push(u);
      metrics[`${e.name} union nll`] = metric(u, p.nll!);
      const own = ev.rows.find((r) => r.key === `ppl:${inputs.corpora[i]!.name}`);
      metrics[`${e.name} own nll`] = metric(own?.metrics['nll'], `${p.nll!.split(';')[0]!}, on the expert's own corpus`);
    }
    const mode = arm.merge === 'probs' ? 'probs' : 'logits';
    // Experts with their own trained tables (different random starts) have different substrate ids; the catalog
    // refuses such a merge, so it is measured in memory and not saved as a merge folder.
    const parts = shared ? models : models.map((m) => withSubstrateId(m, experts[0]!.sub.id));
    const merged = new MergedLM(parts, { mode, names: experts.map((e) => e.name) });
    if (shared) {
      mergeDir = join(c.dir, 'merge');
      saveMerge(mergeDir, merged, experts.map((e) => e.dir));
    }
    const ev = await heldOut(merged, `merge (${mode})`, inputs, mergeDir ?? undefined);
    const m = ev.union?.metrics['nll'] ?? null;
    const best = Math.min(...unions);
    Object.assign(metrics, {
      'heldout nll': metric(m, `the merge's union NLL — ${p.nll!}`),
      'heldout ppl': metric(m === null ? null : Math.exp(m), p.ppl!),
      'best expert union nll': metric(best, p.nll!),
      'merge gain': metric(m === null ? null : best - m, p.gain!),
      'train tokens': metric(sched.tokens * experts.length, `${p.tokens!}, both experts`),
      'train FLOPs': metric(sched.flops * experts.length, `${p.flops!}; both experts`),
      'train seconds': metric(experts.reduce((a, e) => a + e.seconds, 0), p.seconds!),
    });
  } finally {
    for (const m of models) m.dispose();
  }
  // Both experts' curves in sequence (expert B's steps follow expert A's).
  const steps = experts[0]!.curve.length;
  const curve = experts.flatMap((e, i) => e.curve.map((pt) => ({ ...pt, step: pt.step + i * steps })));
  return {
    modelDir: experts[0]!.dir,
    models: [...experts.map((e) => ({ name: e.name, kind: 'expert' as const, dir: e.dir })), { name: `merge (${arm.merge})`, kind: 'merge' as const, dir: mergeDir }],
    curve,
    metrics,
    seconds: experts.reduce((a, e) => a + e.seconds, 0),
  };
}
