// The renderer's one door to the main side: picks the Electron bridge when the preload exposed it, else the
// browser-mode WebSocket on the page's own host with the page URL's token. Tests swap the transport.
import { WS_PATH } from '../../src-shared/wire';
import { BridgeTransport } from './bridge';
import { ApiClient } from './client';
import { SocketTransport } from './socket';
import type { Transport } from './transport';

export { ApiClient } from './client';
export { ApiError, errorMessage } from './errors';
export type { ConnectionState, Transport, RawResult } from './transport';

let client: ApiClient | null = null;

export function chooseTransport(): Transport {
  const bridge = window.espalier;
  if (bridge && typeof bridge.invoke === 'function' && typeof bridge.onEvent === 'function')
    return new BridgeTransport(bridge);
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${window.location.host}${WS_PATH}?token=${encodeURIComponent(token)}`;
  return new SocketTransport(url, { tokenMissing: token === '' });
}

export function api(): ApiClient {
  if (!client) client = new ApiClient(chooseTransport());
  return client;
}

/** Replaces the transport (tests, or a reconnect to another host); the old one is closed. */
export function setTransport(transport: Transport | null): ApiClient | null {
  client?.dispose();
  client = transport ? new ApiClient(transport) : null;
  return client;
}
