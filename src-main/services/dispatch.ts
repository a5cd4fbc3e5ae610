// Binds contract channels to handler functions: validates every request and response, maps errors to ContractError.
import {
  invokeChannels,
  isInvokeChannel,
  parseRequest,
  type ContractError,
  type InvokeChannel,
  type InvokeResponse,
} from '../../src-shared/contract';
import { dbErrorIfDiskFull } from '../engine/util/disk-full';
import { ConflictError, NotFoundError, UserError } from '../common/errors';
import type { z } from 'zod';

export type ParsedRequest<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['req']>;
export type Handler<C extends InvokeChannel> = (
  req: ParsedRequest<C>,
) => Promise<InvokeResponse<C>> | InvokeResponse<C>;
export type Handlers = { [C in InvokeChannel]?: Handler<C> };

export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: ContractError };

export interface Dispatcher {
  dispatch(channel: unknown, payload: unknown): Promise<DispatchResult>;
}

/**
 * The request field a user error's message starts with ("dest: exports go into …", "spec.data.corpora[0].train: …"),
 * when the request has that field; null otherwise (a message starting with a file name names no field).
 */
export function fieldOf(message: string, payload: unknown): string | null {
  const m = /^([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*|\[\d+\])*): /.exec(message);
  if (!m || typeof payload !== 'object' || payload === null) return null;
  let cur: unknown = payload;
  for (const part of m[1]!.split(/\.|\[|\]\.?/).filter(Boolean)) {
    if (typeof cur !== 'object' || cur === null || !(part in cur)) return null;
    cur = (cur as Record<string, unknown>)[part];
  }
  return m[1]!;
}

function toContractError(
  caught: unknown,
  dbFile?: string,
  forUser: (message: string) => string = (m) => m,
  payload?: unknown,
): ContractError {
  const err = dbErrorIfDiskFull(caught, dbFile);
  if (err instanceof UserError)
    return { code: 'user-error', message: forUser(err.message), field: fieldOf(err.message, payload) };
  if (err instanceof NotFoundError) return { code: 'not-found', message: forUser(err.message), field: null };
  if (err instanceof ConflictError) return { code: 'conflict', message: forUser(err.message), field: null };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `internal error: ${forUser(message)}`, field: null };
}

/**
 * `dbFile` names the database in disk-full messages from SQLite (its errors carry no path); `forUser` rewrites
 * messages in the user's terms (user-names.ts: file and record names instead of workspace paths and ids).
 */
export function createDispatcher(
  handlers: Handlers,
  onInternalError?: (channel: string, err: unknown) => void,
  dbFile?: string,
  forUser?: (message: string) => string,
): Dispatcher {
  return {
    async dispatch(channel, payload) {
      if (!isInvokeChannel(channel)) {
        return {
          ok: false,
          error: {
            code: 'invalid-request',
            message: `unknown channel "${String(channel).slice(0, 100)}"`,
            field: null,
          },
        };
      }
      const parsed = parseRequest(channel, payload);
      if (!parsed.ok) return parsed;
      const handler = handlers[channel] as Handler<typeof channel> | undefined;
      if (!handler)
        return {
          ok: false,
          error: { code: 'internal', message: `channel "${channel}" is not available in this build`, field: null },
        };
      try {
        const value = await handler(parsed.value as never);
        // Responses are validated too: the renderer can rely on every shape it receives.
        const checked = invokeChannels[channel].res.safeParse(value);
        if (!checked.success) {
          const issue = checked.error.issues[0]!;
          throw new Error(
            `response of ${channel} failed validation at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
          );
        }
        return { ok: true, value: checked.data };
      } catch (err) {
        const error = toContractError(err, dbFile, forUser, parsed.value);
        if (error.code === 'internal') onInternalError?.(channel, err);
        return { ok: false, error };
      }
    },
  };
}
