// The seam between the typed client and how bytes travel (Electron preload bridge or browser-mode WebSocket).
import type { ContractError } from '../../src-shared/contract';

export type RawResult = { ok: true; value: unknown } | { ok: false; error: ContractError };
export type EventListener = (channel: string, payload: unknown) => void;

export type ConnectionStatus = 'connecting' | 'open' | 'closed';
export interface ConnectionState {
  status: ConnectionStatus;
  mode: 'electron' | 'browser';
  /** Consecutive failed attempts since the last open connection. */
  attempt: number;
  /** Epoch ms of the next reconnect attempt while closed. */
  retryAt: number | null;
  /** Why the connection is not open, in words a user can act on. */
  detail: string;
  /** How many times a connection has opened; > 1 means the view must reload what it missed. */
  opens: number;
}

export interface Transport {
  invoke(channel: string, payload: unknown): Promise<RawResult>;
  onEvent(listener: EventListener): () => void;
  onState(listener: (s: ConnectionState) => void): () => void;
  state(): ConnectionState;
  /** Try to reconnect now instead of waiting for the backoff (no-op where always connected). */
  retryNow(): void;
  close(): void;
}
