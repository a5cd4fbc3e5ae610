// A finished study arm's models become normal catalog models: the arm's model (or both experts) copied from the
// study folder and registered with their tokenizer and substrate, and a merge arm's merge over those experts.
import type { ArmResult } from '../../src-shared/study';
import { STUDY_MODEL_PROMOTED } from '../../src-shared/study-records';
import { UserError } from '../common/errors';
import type * as store from '../store/index';
import { datasetTextFile, requireDataset, requireModel } from './catalog';
import type { ServiceContext } from './context';
import { registerModelFolder } from './model-registration';

const MERGE_MODES = new Set(['logits', 'probs']);

/** Registers the arm's models; returns their catalog ids (experts first, then the merge). */
export function registerArmModels(c: ServiceContext, s: store.StudyRecord, arm: ArmResult, runId: string): string[] {
  const provenance = {
    studyId: s.id,
    study: s.name,
    runId,
    kind: 'study',
    run: arm.run,
    arm: arm.arm,
    seed: arm.seed,
    factors: arm.factors,
  };
  const made = arm.models.length > 0 ? arm.models : [{ name: arm.run, kind: 'model' as const, dir: arm.modelDir }];
  const ids: string[] = [];
  const experts: store.Model[] = [];
  for (const m of made) {
    if (m.kind === 'merge' || !m.dir) continue;
    const name = m.kind === 'expert' ? `${s.name} · ${arm.run} · ${m.name}` : `${s.name} · ${arm.run}`;
    const model = registerModelFolder(c, {
      projectId: s.projectId,
      from: m.dir,
      name,
      kind: 'trained',
      label: 'study',
      provenance: { ...provenance, role: m.kind },
    });
    ids.push(model.id);
    if (m.kind === 'expert') experts.push(model);
  }
  const merge = made.find((m) => m.kind === 'merge' && m.dir);
  // A merge the app can load needs experts on one tokenizer and substrate (the runner leaves dir null otherwise).
  const shared =
    experts.length >= 2 &&
    experts.every((e) => e.substrateId === experts[0]!.substrateId && e.tokenizerId === experts[0]!.tokenizerId);
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

/**
 * The text files of a spec's datasets (ids of this project's text datasets): one corpus per entry, named by the
 * dataset (made unique), its held-out dataset's text or null for the fixed hold-out. Each bad id names its field.
 */
export function studyDatasets(
  c: ServiceContext,
  projectId: string,
  entries: readonly { train: string; heldOut?: string | undefined }[],
): { name: string; train: string; val: string | null }[] {
  const used = new Set<string>();
  return entries.map((e, i) => {
    const at = `spec.data.datasets[${i}]`;
    const file = (field: 'train' | 'heldOut', id: string) => {
      const d = (() => {
        try {
          return requireDataset(c.ws, id);
        } catch {
          throw new UserError(`${at}.${field}: no dataset with id "${id}" in this workspace`);
        }
      })();
      if (d.projectId !== projectId)
        throw new UserError(`${at}.${field}: the dataset "${d.name}" belongs to another project`);
      try {
        return { name: d.name, file: datasetTextFile(c.ws, d) };
      } catch (err) {
        throw new UserError(`${at}.${field}: ${(err as Error).message}`);
      }
    };
    const train = file('train', e.train);
    if (e.heldOut !== undefined && e.heldOut === e.train)
      throw new UserError(
        `${at}.heldOut: is the training dataset itself; choose another dataset or leave it empty for the fixed hold-out (the text's last 10%)`,
      );
    const val = e.heldOut !== undefined ? file('heldOut', e.heldOut).file : null;
    let name = train.name.replace(/[^A-Za-z0-9 .,_()+-]/g, '_').slice(0, 60) || `dataset ${i + 1}`;
    while (used.has(name)) name = `${name} (${i + 1})`;
    used.add(name);
    return { name, train: train.file, val };
  });
}

/** Marks a study's model as promoted (shown in every picker) or back to kept under its study. */
export function promoteStudyModel(c: ServiceContext, modelId: string, promoted: boolean): store.Model {
  const m = requireModel(c.ws, modelId);
  if (m.provenance['kind'] !== 'study')
    throw new UserError(`"${m.name}" is not a study's model; only those are kept out of the pickers`);
  return c.ws.models.update(m.id, { provenance: { ...m.provenance, [STUDY_MODEL_PROMOTED]: promoted } });
}
