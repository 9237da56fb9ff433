/**
 * A proxy between the browser and `berth serve` for faults of the web shell's event stream: it
 * can swallow events (as a sleeping laptop misses them) and cut every open stream (as a network
 * change or a server restart does), so the browser reconnects. Everything else passes through,
 * with Host and Origin rewritten to the server's own (its guard checks them).
 */
import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEB_EVENTS_PATH } from '../../../src/shared/api';

/** A running event proxy. */
export interface EventProxy {
  /** http://127.0.0.1:PORT — open this instead of the server's own address. */
  url: string;
  /** While true, event blocks (`event: …`) are not passed on. */
  mute: boolean;
  /** Event blocks swallowed so far, by event name. */
  swallowed: Record<string, number>;
  /** Event streams opened through the proxy so far. */
  streams: number;
  /** Ends every open event stream (the browser reconnects after the server's `retry:`). */
  cutStreams(): void;
  stop(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 in front of the web shell at `origin` (http://127.0.0.1:PORT). */
export async function startEventProxy(origin: string): Promise<EventProxy> {
  const target = new URL(origin);
  const open = new Set<ServerResponse>();
  const proxy: EventProxy = { url: '', mute: false, swallowed: {}, streams: 0, cutStreams: () => {}, stop: async () => {} };
  const server = createServer((req, res) => {
    const headers = { ...req.headers, host: target.host, ...(req.headers.origin ? { origin: target.origin } : {}) };
    const isEvents = (req.url ?? '').split('?')[0] === WEB_EVENTS_PATH;
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      if (!isEvents || upRes.statusCode !== 200) return void upRes.pipe(res);
      proxy.streams++;
      open.add(res);
      res.on('close', () => {
        open.delete(res);
        upRes.destroy();
      });
      let pending = '';
      upRes.setEncoding('utf8');
      upRes.on('data', (text: string) => {
        pending += text;
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end + 2);
          pending = pending.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          if (name && proxy.mute) proxy.swallowed[name] = (proxy.swallowed[name] ?? 0) + 1;
          else res.write(block);
        }
      });
      upRes.on('end', () => res.end());
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.cutStreams = () => {
    for (const res of open) res.destroy();
  };
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      proxy.cutStreams();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
