/**
 * The proxy in front of `berth serve` for faults of the web shell's event stream: it can swallow
 * events (as a sleeping laptop misses them) and cut every open stream (as a network change or a
 * server restart does), so the browser reconnects. Everything else passes through, with Host and
 * Origin rewritten to the server's own (its guard checks them).
 */
import { WEB_EVENTS_PATH } from '../../../src/shared/api';
import { startProxy, textFilter } from './proxy';
import type { ProxiedRequest } from './request';

/** A running event proxy. */
export interface EventProxy {
  /** http://127.0.0.1:PORT — open this instead of the server's own address. */
  url: string;
  /** While true, event blocks (`event: …`) are not passed on. */
  mute: boolean;
  /** Event blocks swallowed so far, by event name. */
  swallowed: Record<string, number>;
  /** Event streams opened through the proxy so far. */
  readonly streams: number;
  /** Ends every open event stream (the browser reconnects after the server's `retry:`). */
  cutStreams(): void;
  stop(): Promise<void>;
}

const isEvents = (r: ProxiedRequest): boolean => r.url.split('?')[0] === WEB_EVENTS_PATH;

/** Starts the proxy on 127.0.0.1 in front of the web shell at `origin` (http://127.0.0.1:PORT). */
export async function startEventProxy(origin: string): Promise<EventProxy> {
  const target = new URL(origin);
  const state = { mute: false, swallowed: {} as Record<string, number> };
  // Passes whole SSE blocks (up to the blank line) on, or counts them as swallowed while muted.
  const blocks = () => {
    let pending = '';
    return textFilter((text) => {
      pending += text;
      let out = '';
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const block = pending.slice(0, end + 2);
        pending = pending.slice(end + 2);
        const name = /^event: (.+)$/m.exec(block)?.[1];
        if (name && state.mute) state.swallowed[name] = (state.swallowed[name] ?? 0) + 1;
        else out += block;
      }
      return out;
    });
  };
  const proxy = await startProxy(origin, {
    upstreamHost: true,
    rewrite: (out) => {
      if (out.headers.origin) out.headers.origin = target.origin;
    },
    onResponse: (r) => (isEvents(r) && r.status === 200 ? blocks() : undefined),
  });
  return {
    url: proxy.url,
    get mute() {
      return state.mute;
    },
    set mute(on: boolean) {
      state.mute = on;
    },
    swallowed: state.swallowed,
    get streams() {
      return proxy.seen.filter((r) => isEvents(r) && r.status === 200).length;
    },
    cutStreams: () => proxy.cutOpen(isEvents),
    stop: () => {
      proxy.cutOpen(isEvents);
      return proxy.stop();
    },
  };
}
