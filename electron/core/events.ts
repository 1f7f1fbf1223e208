import { events, type EventName, type EventPayload } from '../../shared/contract/index.ts';
import type { Logger } from './log/logger.ts';

export type EventListener = (name: EventName, payload: unknown) => void;

/** Events main pushes to the renderer; each payload is validated against the contract before it leaves. */
export class CoreEvents {
  private readonly listeners = new Set<EventListener>();
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].safeParse(payload);
    if (!checked.success) {
      this.log.error('event.invalid_payload', { event: name });
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(name, checked.data);
      } catch (err) {
        this.log.error('event.listener_failed', { event: name, error: err });
      }
    }
  }
}
