// A finished study arm's models become normal catalog models: the arm's model (or both experts) copied from the
// study folder and registered with their tokenizer and substrate, and a merge arm's merge over those experts.
import type { ArmResult } from '../../src-shared/study';
import type * as store from '../store/index';
import type { ServiceContext } from './context';
import { registerModelFolder } from './model-folder';

const MERGE_MODES = new Set(['logits', 'probs']);

/** Registers the arm's models; returns their catalog ids (experts first, then the merge). */
export function registerArmModels(c: ServiceContext, s: store.StudyRecord, arm: ArmResult, runId: string): string[] {
  const provenance = { studyId: s.id, study: s.name, runId, kind: 'study', run: arm.run, arm: arm.arm, seed: arm.seed, factors: arm.factors };
  const made = arm.models.length > 0 ? arm.models : [{ name: arm.run, kind: 'model' as const, dir: arm.modelDir }];
  const ids: string[] = [];
  const experts: store.Model[] = [];
  for (const m of made) {
    if (m.kind === 'merge' || !m.dir) continue;
    const name = m.kind === 'expert' ? `${s.name} · ${arm.run} · ${m.name}` : `${s.name} · ${arm.run}`;
    const model = registerModelFolder(c, { projectId: s.projectId, from: m.dir, name, kind: 'trained', label: 'study', provenance: { ...provenance, role: m.kind } });
    ids.push(model.id);
    if (m.kind === 'expert') experts.push(model);
  }
  const merge = made.find((m) => m.kind === 'merge' && m.dir);
  // A merge the app can load needs experts on one tokenizer and substrate (the runner leaves dir null otherwise).
  const shared = experts.length >= 2 && experts.every((e) => e.substrateId === experts[0]!.substrateId && e.tokenizerId === experts[0]!.tokenizerId);
  if (merge && shared) {
    const mode = String(arm.factors['merge'] ?? 'logits');
    const weights = experts.map(() => 1 / experts.length);
    const m = c.ws.models.createMerge({
      projectId: s.projectId,
      name: `${s.name} · ${arm.run} · ${merge.name}`,
      experts: experts.map((e, i) => ({ modelId: e.id, weight: weights[i]! })),
      config: { mode: MERGE_MODES.has(mode) ? mode : 'logits', weights },
      provenance: { ...provenance, role: 'merge' },
    });
    ids.push(m.id);
  }
  return ids;
}
