// The one IPC contract between main and renderer (Electron IPC or the browser-mode WebSocket):
// invoke channels (request → response) and event channels (main → renderer streams), each with a zod schema.
// Each domain's channels live in contract/<domain>.ts; this file joins them and holds what every channel shares.
import { z } from 'zod';
import { GrowParams, ModelShape, TrainParams } from './params';
import { MergePreviewResult, MergeTuneResult } from './runs';
import { badString } from './request-hygiene';
import { datasetChannels } from './contract/datasets';
import { evalChannels } from './contract/evals';
import { eventChannels } from './contract/events';
import { mergeChannels } from './contract/merge';
import { modelChannels } from './contract/models';
import { playgroundChannels } from './contract/playground';
import { projectChannels } from './contract/projects';
import { runChannels } from './contract/runs';
import { studyChannels } from './contract/studies';
import { substrateChannels } from './contract/substrates';
import { systemChannels } from './contract/system';

export { GrowParams, MergePreviewResult, MergeTuneResult, ModelShape, TrainParams };
export { eventChannels };
export { DiskUsage, ModelFolderFormat } from './contract/models';
export { AppInfo, InstallTarget, Installables, SystemInfo } from './contract/system';
export { SamplingParams } from './contract/playground';
export { RUN_METRICS } from './contract/runs';

/** Every invoke channel: request schema and response schema. */
export const invokeChannels = {
  ...systemChannels,
  ...projectChannels,
  ...datasetChannels,
  ...substrateChannels,
  ...runChannels,
  ...modelChannels,
  ...mergeChannels,
  ...evalChannels,
  ...studyChannels,
  ...playgroundChannels,
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['req']>;
export type InvokeResponse<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['res']>;
export type EventPayload<E extends EventChannel> = z.infer<(typeof eventChannels)[E]>;

/** The structured error every boundary returns instead of throwing across it. */
export const ContractError = z.object({
  code: z.enum(['invalid-request', 'not-found', 'conflict', 'user-error', 'internal']),
  message: z.string(),
  /** Dotted path of the offending field, when a payload failed validation. */
  field: z.string().nullable(),
});
export type ContractError = z.infer<typeof ContractError>;

export type InvokeResult<C extends InvokeChannel> =
  { ok: true; value: InvokeResponse<C> } | { ok: false; error: ContractError };

/** Electron channel names carrying the contract. */
export const IPC_INVOKE = 'espalier:invoke';
export const IPC_EVENT = 'espalier:event';

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(invokeChannels, name);
}
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventChannels, name);
}

/** Validates a request; returns the parsed value (defaults applied) or a ContractError naming the field. */
export function parseRequest<C extends InvokeChannel>(
  channel: C,
  payload: unknown,
): { ok: true; value: z.infer<(typeof invokeChannels)[C]['req']> } | { ok: false; error: ContractError } {
  const bad = badString(payload);
  if (bad)
    return {
      ok: false,
      error: {
        code: 'invalid-request',
        message: `${channel}: ${bad.field ? `${bad.field}: ` : ''}${bad.problem}`,
        field: bad.field || null,
      },
    };
  const res = invokeChannels[channel].req.safeParse(payload ?? {});
  if (res.success) return { ok: true, value: res.data as z.infer<(typeof invokeChannels)[C]['req']> };
  const issue = res.error.issues[0]!;
  // An unknown field is named by itself (zod puts it in `keys`, at the path of the object holding it).
  const path =
    issue.code === 'unrecognized_keys' && issue.keys.length > 0 ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = path.length > 0 ? path.join('.') : null;
  return {
    ok: false,
    error: { code: 'invalid-request', message: `${channel}: ${field ? `${field}: ` : ''}${issue.message}`, field },
  };
}
