// Reading one client message off the socket: the reply to a malformed one keeps the request's id (when it has
// one) and names the offending field; close reasons say why the server dropped a connection.
import { ClientMessage } from '../../src-shared/wire';
import type { ContractError } from '../../src-shared/contract';

export type ParsedClientMessage = { ok: true; msg: ClientMessage } | { ok: false; id: number; error: ContractError };

/** Salvages the request id from a message that failed validation, so the client can match the error reply. */
function salvageId(value: unknown): number {
  if (typeof value !== 'object' || value === null) return -1;
  const id = (value as Record<string, unknown>)['id'];
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : -1;
}

export function parseClientMessage(text: string): ParsedClientMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      id: -1,
      error: {
        code: 'invalid-request',
        message: `malformed message: not JSON (${(err as Error).message})`,
        field: null,
      },
    };
  }
  const parsed = ClientMessage.safeParse(json);
  if (parsed.success) return { ok: true, msg: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : null;
  const message = `malformed message: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`;
  return { ok: false, id: salvageId(json), error: { code: 'invalid-request', message, field } };
}

/** Close reasons for the codes the ws library closes with on a bad frame (it sends none of its own; ≤ 123 bytes). */
export function closeReason(code: number | undefined, maxMessageBytes: number): string | undefined {
  switch (code) {
    case 1009:
      return `message too big: the limit is ${Math.floor(maxMessageBytes / 2 ** 20)} MiB`;
    case 1007:
      return 'invalid UTF-8 in a text frame';
    case 1002:
      return 'WebSocket protocol error (malformed frame)';
    default:
      return undefined;
  }
}
