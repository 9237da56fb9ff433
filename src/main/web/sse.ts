import type { ServerResponse } from 'node:http';
import { EVENT_NAMES } from '../../shared/api';
import type { ServiceEvents } from '../service/events';

/** Heartbeat interval: keeps proxies and idle timeouts from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;

/** Server-Sent Events fan-out of BerthEvents to every connected browser tab. */
export class EventStreamHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly unsubscribe: (() => void)[];
  private readonly heartbeat: NodeJS.Timeout;

  constructor(events: ServiceEvents, heartbeatMs = HEARTBEAT_MS) {
    this.unsubscribe = EVENT_NAMES.map((name) => events.on(name, (payload) => this.broadcast(name, payload)));
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Turns `res` into an event stream and keeps it until the client goes away. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  /** How many streams are open. */
  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream and stops listening to the service. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const u of this.unsubscribe) u();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcast(name: string, payload: unknown): void {
    // JSON has no raw newlines, so one `data:` line carries the whole payload.
    this.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  private write(chunk: string): void {
    for (const res of this.clients) {
      if (!res.writableEnded) res.write(chunk);
    }
  }
}
