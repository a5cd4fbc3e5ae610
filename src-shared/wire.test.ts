// The wire schema accepts both result shapes and events.
import { ServerMessage } from './wire';
import { it, expect } from 'vitest';
it('accepts results and events', () => {
  expect(ServerMessage.safeParse({ type: 'result', id: 1, ok: true, value: 3 }).success).toBe(true);
  expect(
    ServerMessage.safeParse({
      type: 'result',
      id: 1,
      ok: false,
      error: { code: 'internal', message: 'm', field: null },
    }).success,
  ).toBe(true);
  expect(ServerMessage.safeParse({ type: 'event', channel: 'x', payload: 1 }).success).toBe(true);
});
