// The model catalog: list, rename, delete, disk use, export and import.
import { z } from 'zod';
import { Id, ModelEntry } from '../domain';
import { ById, Name, Ok, ProjectRef } from './common';

export const DiskUsage = z.object({
  /** Bytes of each model's own folder (a merge: its tuned heads), by model id. */
  models: z.record(z.string(), z.number().int().nonnegative()),
  /** Each substrate the project's models use, stored once per workspace, with how many models (any project) use it. */
  substrates: z.array(
    z.object({
      id: Id,
      name: z.string(),
      bytes: z.number().int().nonnegative(),
      /** Models (any project) built on it. */
      models: z.number().int().nonnegative(),
      /** Projects that chose it, and finished builds that list it in a Substrate view: these keep it too. */
      projects: z.number().int().nonnegative(),
      builds: z.number().int().nonnegative(),
    }),
  ),
  /** The project's models plus the substrates they use. */
  projectBytes: z.number().int().nonnegative(),
  /** Everything in the workspace folder (database, datasets, runs, models, substrates, …). */
  workspaceBytes: z.number().int().nonnegative(),
});
export type DiskUsage = z.infer<typeof DiskUsage>;

/** Folder formats a model exports to: Espalier's own, or a Hugging Face transformers folder. */
export const ModelFolderFormat = z.enum(['espalier', 'hf']);
export type ModelFolderFormat = z.infer<typeof ModelFolderFormat>;

export const modelChannels = {
  'models.list': { req: ProjectRef, res: z.array(ModelEntry) },
  'models.rename': { req: z.object({ id: Id, name: Name }).strict(), res: ModelEntry },
  /** Frees the model's own folder, and its substrate file when nothing else (model or project) references it. */
  'models.delete': {
    req: ById,
    res: Ok.extend({ freedBytes: z.number().int().nonnegative(), substrateFreed: z.boolean() }),
  },
  /** Disk use of the project's models (own files), the substrates they share (counted once), and the whole workspace. */
  'models.disk': { req: ProjectRef, res: DiskUsage },
  /** `format`: 'espalier' copies the model folder (a merge: merge.json and its experts); 'hf' writes a transformers folder. */
  'models.export': {
    req: z
      .object({ id: Id, dest: z.string().min(1).max(4096), format: ModelFolderFormat.default('espalier') })
      .strict(),
    res: z.object({ folder: z.string() }),
  },
  /** A Hugging Face folder (ArceeForCausalLM, e.g. grown further with scale/grow.py) on the host, as a new model. */
  'models.import': {
    req: z
      .object({ projectId: Id, from: z.string().min(1).max(4096), format: z.literal('hf'), name: Name.optional() })
      .strict(),
    res: ModelEntry,
  },
} as const;
