import type { BerthEvents, EventName } from '../../shared/api';

type Listener<E extends EventName> = (payload: BerthEvents[E]) => void;

/** Typed fan-out of BerthEvents; each shell subscribes once and forwards (IPC send, SSE). */
export class ServiceEvents {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  /** Subscribes; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => void set.delete(listener as Listener<EventName>);
  }

  /** Delivers to every listener; one failing listener must not starve the others. */
  emit<E extends EventName>(event: E, payload: BerthEvents[E]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) {
      try {
        l(payload);
      } catch (err) {
        console.error(`berth: a ${event} listener failed:`, err);
      }
    }
  }

  /** How many listeners an event has (for tests and leak checks). */
  count(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
