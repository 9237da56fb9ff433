/**
 * A loopback HTTP proxy in front of a real registry that counts the requests going through it,
 * so a benchmark can report how many registry requests a screen cost.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request seen by the proxy since the last reset. */
export interface SeenRequest {
  kind: string;
  method: string;
  path: string;
  /** Milliseconds (performance.now() of this process) when the request arrived. */
  at: number;
  /** Milliseconds until the answer was sent in full (undefined while in flight). */
  ms?: number;
}

export interface CountingProxy {
  url: string;
  host: string;
  /** Requests since the last reset, by kind (catalog, tags, manifest-GET, blob-GET, other …). */
  counts(): Record<string, number>;
  total(): number;
  /** Every request since the last reset, in arrival order. */
  seen(): SeenRequest[];
  /** Requests forwarded and not yet answered in full. */
  inflight(): number;
  /** Resolves once nothing was in flight for `quietMs` (or after `timeoutMs`, whichever first). */
  waitIdle(quietMs?: number, timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

/** The kind a request is counted under. */
export function kindOf(req: Pick<IncomingMessage, 'url' | 'method'>): string {
  const path = req.url ?? '';
  if (path.startsWith('/v2/_catalog')) return 'catalog';
  if (/\/tags\/list/.test(path)) return 'tags';
  if (/\/manifests\//.test(path)) return `manifest-${req.method}`;
  if (/\/blobs\//.test(path)) return `blob-${req.method}`;
  return 'other';
}

/** Starts the proxy on a free loopback port, forwarding to `target` (http://127.0.0.1:PORT). */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  // Keep-alive upstream, so the proxy adds as little as possible to what is measured.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let counts: Record<string, number> = {};
  let seen: SeenRequest[] = [];
  let active = 0;
  let lastChange = performance.now();
  const server: Server = createServer((req, res) => {
    const kind = kindOf(req);
    counts[kind] = (counts[kind] ?? 0) + 1;
    const entry: SeenRequest = { kind, method: req.method ?? 'GET', path: req.url ?? '', at: performance.now() };
    seen.push(entry);
    active++;
    lastChange = performance.now();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      entry.ms = performance.now() - entry.at;
      active--;
      lastChange = performance.now();
    };
    res.once('close', finish);
    const upstream = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host }, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    seen: () => [...seen],
    inflight: () => active,
    async waitIdle(quietMs = 500, timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        if (active === 0 && performance.now() - lastChange >= quietMs) return;
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    reset: () => {
      counts = {};
      seen = [];
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => ok());
      }),
  };
}
