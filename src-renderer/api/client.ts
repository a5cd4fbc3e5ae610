// The typed contract client: validates requests before sending and responses on arrival (zod schemas from
// src-shared/contract.ts), turns {ok:false} into ApiError, and delivers validated events by channel.
import {
  eventChannels,
  invokeChannels,
  isEventChannel,
  parseRequest,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
} from '../../src-shared/contract';
import { ApiError } from './errors';
import type { ConnectionState, Transport } from './transport';

type Handler<E extends EventChannel> = (payload: EventPayload<E>) => void;

export class ApiClient {
  private readonly handlers = new Map<EventChannel, Set<(p: unknown) => void>>();
  private readonly unsubscribe: () => void;

  constructor(readonly transport: Transport) {
    this.unsubscribe = transport.onEvent((channel, payload) => this.dispatch(channel, payload));
  }

  async invoke<C extends InvokeChannel>(channel: C, req: InvokeRequest<C>): Promise<InvokeResponse<C>> {
    const parsed = parseRequest(channel, req);
    if (!parsed.ok) throw ApiError.fromContract(channel, parsed.error);
    const raw = await this.transport.invoke(channel, parsed.value);
    if (!raw.ok) throw ApiError.fromContract(channel, raw.error);
    const checked = invokeChannels[channel].res.safeParse(raw.value);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      const at = issue.path.join('.') || '(root)';
      throw new ApiError(
        channel,
        'bad-response',
        `The reply to ${channel} broke the contract at ${at}: ${issue.message}`,
      );
    }
    return checked.data as InvokeResponse<C>;
  }

  on<E extends EventChannel>(channel: E, handler: Handler<E>): () => void {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    const h = handler as (p: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  connection(): ConnectionState {
    return this.transport.state();
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    return this.transport.onState(listener);
  }

  dispose(): void {
    this.unsubscribe();
    this.handlers.clear();
    this.transport.close();
  }

  private dispatch(channel: string, payload: unknown): void {
    if (!isEventChannel(channel)) return;
    const set = this.handlers.get(channel);
    if (!set || set.size === 0) return;
    const parsed = eventChannels[channel].safeParse(payload);
    if (!parsed.success) {
      console.warn(`Espalier: dropped a malformed "${channel}" event: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    for (const h of set) h(parsed.data);
  }
}
