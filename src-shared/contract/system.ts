// The app and the machine: version, compute backend and its choice, the file dialog, optional installs.
import { z } from 'zod';
import { BackendChoice, BackendChoiceSource } from '../settings';
import { Empty } from './common';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const SystemInfo = z.object({
  backend: z.string(),
  tried: z.array(z.object({ name: z.string(), ok: z.boolean(), reason: z.string() })),
  gpus: z.array(z.string()),
  wasm: z.object({ simd: z.boolean(), threads: z.boolean() }),
  /** The WebGPU adapter Dawn offered (in use when backend is 'webgpu'), or null with the reason in `tried`. */
  adapter: z
    .object({
      name: z.string(),
      vendor: z.string(),
      architecture: z.string(),
      description: z.string(),
      software: z.boolean(),
      limits: z.record(z.string(), z.number()),
    })
    .nullable(),
  /** One line on the adapter: the one in use, the one `webgpu` would use (software ones say so), or why there is none. */
  adapterNote: z.string(),
  /** What computes, in the words the run log and doctor use: "wasm (native AVX2+FMA, 2 threads)". */
  description: z.string().optional(),
  /** What Dawn and the Vulkan loader printed during the one quiet WebGPU probe (kept out of the terminal). */
  webgpuWarnings: z.array(z.string()).optional(),
  /** The backend jobs start with and where that choice comes from (the workspace setting, ESPALIER_BACKEND, the default). */
  choice: z.object({ backend: BackendChoice, source: BackendChoiceSource }),
  /** Where `backend` was measured: a worker process started with that choice (jobs run there; only workers load Dawn). */
  probedIn: z.enum(['worker', 'main']),
  memory: z.object({ rssBytes: z.number(), totalBytes: z.number(), freeBytes: z.number() }),
  versions: z.record(z.string(), z.string()),
  workspace: z.string(),
});

/** What can be fetched or installed on request: GNU Unifont (when none is found) and the optional compute backends. */
export const InstallTarget = z.enum(['unifont', 'node-gpu', 'node', 'webgpu']);
export type InstallTarget = z.infer<typeof InstallTarget>;
export const Installables = z.object({
  font: z.object({ found: z.string().nullable(), version: z.string(), folder: z.string() }),
  backends: z.array(
    z.object({
      target: InstallTarget,
      packages: z.array(z.string()),
      installed: z.boolean(),
      installable: z.boolean(),
      reason: z.string(),
    }),
  ),
  /** The install running now, if any (one at a time). */
  running: InstallTarget.nullable(),
});
export type Installables = z.infer<typeof Installables>;

export const systemChannels = {
  'app.info': { req: Empty, res: AppInfo },
  /** Cached after the first worker probe; `refresh` probes again. */
  'system.info': { req: z.object({ refresh: z.boolean().optional() }).strict(), res: SystemInfo },
  /**
   * Persists the workspace's backend choice; the next worker starts with it (and main's playground follows it,
   * except webgpu: Dawn loads only in workers). Refused while a job runs or waits. Answers with a fresh probe.
   */
  'system.setBackend': { req: z.object({ backend: BackendChoice }).strict(), res: SystemInfo },
  /**
   * Electron only: the native file dialog, opened by main. The path it returns is the only kind of host path the
   * app accepts afterwards (in fontPath, matrixPath, datasets.import path, models.export dest); null: cancelled.
   */
  'files.choose': {
    req: z.object({ purpose: z.enum(['font', 'matrix', 'dataset', 'export-folder']) }).strict(),
    res: z.object({ path: z.string().nullable() }),
  },
  'system.installables': { req: Empty, res: Installables },
  /** Resolves when the install ends; `line` says what happened in one line. Progress streams on 'system.installProgress'. */
  'system.install': {
    req: z.object({ target: InstallTarget }).strict(),
    res: z.object({ ok: z.boolean(), line: z.string() }),
  },
} as const;
