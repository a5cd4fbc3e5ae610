// The main side's event bus: services emit contract events here; Electron IPC and the WebSocket host subscribe.
// Payloads are validated against the contract before anyone sees them, so a bug shows up here, not in a view.
import { eventChannels, type EventChannel, type EventPayload } from '../../src-shared/contract';

export type EventListener = (channel: EventChannel, payload: unknown) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly onInvalid: (channel: string, message: string) => void = (c, m) =>
      process.stderr.write(`espalier: dropped invalid ${c} event: ${m}\n`),
  ) {}

  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    const checked = eventChannels[channel].safeParse(payload);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      this.onInvalid(channel, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      return;
    }
    for (const l of this.listeners) {
      try {
        l(channel, checked.data);
      } catch (err) {
        // One broken subscriber (a closed window) must not starve the others.
        this.onInvalid(channel, `listener failed: ${(err as Error).message}`);
      }
    }
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
