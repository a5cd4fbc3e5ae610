// The browser-mode wire protocol: the contract carried as JSON messages over one WebSocket.
// The page URL carries ?token=…; the socket connects to /ws?token=… on 127.0.0.1 and is refused without it.
import { z } from 'zod';
import { ContractError } from './contract';

export const WS_PATH = '/ws';

export const ClientMessage = z.object({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  payload: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.union([
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: ContractError }),
  z.object({ type: z.literal('event'), channel: z.string(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
