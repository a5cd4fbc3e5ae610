// Per-workspace settings (the workspace's settings.json) and the compute-backend facts the app shows: the choice
// its worker processes start with, and which backend and adapter a run computed on.
import { z } from 'zod';

/** Which compute backend the app's worker processes start: 'auto' walks node-gpu → webgpu (hardware) → node → wasm → cpu. */
export const BackendChoice = z.enum(['auto', 'node-gpu', 'webgpu', 'node', 'wasm', 'cpu']);
export type BackendChoice = z.infer<typeof BackendChoice>;
export const BACKEND_CHOICES = BackendChoice.options;

/** settings.json in the workspace folder: every field optional; an unknown one is refused by name. */
export const WorkspaceSettings = z.object({ backend: BackendChoice.optional() }).strict();
export type WorkspaceSettings = z.infer<typeof WorkspaceSettings>;

/** Where the backend choice in force comes from. */
export const BackendChoiceSource = z.enum(['workspace', 'environment', 'default']);

/** The backend a run computed on, as its worker started it; `adapter` names the WebGPU adapter on webgpu. */
export const RunBackend = z.object({
  name: z.string(),
  adapter: z.string().nullable(),
  software: z.boolean(),
  /** What computes, as the run log, doctor and the System view say it: "wasm (native AVX2+FMA, 2 threads)". */
  description: z.string().optional(),
});
export type RunBackend = z.infer<typeof RunBackend>;
