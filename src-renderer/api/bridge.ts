// Electron transport: the preload's window.espalier bridge. IPC cannot drop, so the state is always open.
import { ContractError } from '../../src-shared/contract';
import type { ConnectionState, EventListener, RawResult, Transport } from './transport';

export interface EspalierBridgeLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  onEvent(listener: (channel: string, payload: unknown) => void): () => void;
}

export class BridgeTransport implements Transport {
  private readonly st: ConnectionState = {
    status: 'open',
    mode: 'electron',
    attempt: 0,
    retryAt: null,
    detail: '',
    opens: 1,
  };

  constructor(private readonly bridge: EspalierBridgeLike) {}

  async invoke(channel: string, payload: unknown): Promise<RawResult> {
    const raw = (await this.bridge.invoke(channel, payload)) as {
      ok?: unknown;
      value?: unknown;
      error?: unknown;
    } | null;
    if (raw && raw.ok === true) return { ok: true, value: raw.value };
    const err = ContractError.safeParse(raw?.error);
    if (err.success) return { ok: false, error: err.data };
    return {
      ok: false,
      error: { code: 'internal', message: `${channel}: the main process sent a malformed reply`, field: null },
    };
  }

  onEvent(listener: EventListener): () => void {
    return this.bridge.onEvent(listener);
  }

  onState(): () => void {
    return () => undefined;
  }

  state(): ConnectionState {
    return this.st;
  }

  retryNow(): void {}
  close(): void {}
}
