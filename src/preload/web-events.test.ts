/** The web bridge's event stream: reconnects, resync calls, and reopening a stream the browser gave up on. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventHub } from './web';

/** A stand-in for the browser's EventSource (Node has none): the test drives its life. */
class FakeSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static made: FakeSource[] = [];
  readyState = FakeSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly handlers = new Map<string, ((ev: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeSource.made.push(this);
  }
  addEventListener(name: string, fn: (ev: { data: string }) => void): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), fn]);
  }
  close(): void {
    this.readyState = FakeSource.CLOSED;
  }
  open(): void {
    this.readyState = FakeSource.OPEN;
    this.onopen?.();
  }
  drop(giveUp: boolean): void {
    this.readyState = giveUp ? FakeSource.CLOSED : FakeSource.CONNECTING;
    this.onerror?.();
  }
  emit(name: string, payload: unknown): void {
    for (const fn of this.handlers.get(name) ?? []) fn({ data: JSON.stringify(payload) });
  }
}

beforeEach(() => {
  FakeSource.made = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

const hubWithFake = () => eventHub(FakeSource as unknown as typeof EventSource);

describe('web event stream', () => {
  it('calls resync listeners each time the stream (re)opens, and delivers events', () => {
    const hub = hubWithFake();
    const resync = vi.fn();
    const done = vi.fn();
    hub.onResync(resync);
    hub.on('push:done', done);
    expect(FakeSource.made).toHaveLength(1);
    const s = FakeSource.made[0];
    s.open();
    expect(resync).toHaveBeenCalledTimes(1);
    s.emit('push:done', { pushId: 'p' });
    expect(done).toHaveBeenCalledWith({ pushId: 'p' });
    // The browser reconnects by itself (server restart, laptop sleep): events sent meanwhile are lost.
    s.drop(false);
    s.open();
    expect(resync).toHaveBeenCalledTimes(2);
    expect(FakeSource.made).toHaveLength(1);
  });

  it('opens a new stream, with backoff, when the browser gave up on the old one', () => {
    const hub = hubWithFake();
    const resync = vi.fn();
    hub.onResync(resync);
    FakeSource.made[0].open();
    FakeSource.made[0].drop(true);
    expect(FakeSource.made).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(FakeSource.made).toHaveLength(2);
    FakeSource.made[1].drop(true);
    vi.advanceTimersByTime(1000);
    expect(FakeSource.made).toHaveLength(2);
    vi.advanceTimersByTime(1000);
    expect(FakeSource.made).toHaveLength(3);
    FakeSource.made[2].open();
    expect(resync).toHaveBeenCalledTimes(2);
  });

  it('closes the stream after the last listener and does not reopen it', () => {
    const hub = hubWithFake();
    const off = hub.on('push:progress', () => {});
    const offResync = hub.onResync(() => {});
    FakeSource.made[0].drop(true);
    off();
    offResync();
    vi.advanceTimersByTime(60_000);
    expect(FakeSource.made).toHaveLength(1);
  });
});
