/**
 * A loopback HTTP proxy in front of a real registry that counts the requests going through it,
 * so a benchmark can report how many registry requests a screen cost.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  url: string;
  host: string;
  /** Requests since the last reset, by kind (catalog, tags, manifest, blob, other). */
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

function kindOf(req: IncomingMessage): string {
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
  let counts: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const kind = kindOf(req);
    counts[kind] = (counts[kind] ?? 0) + 1;
    const upstream = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
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
    reset: () => {
      counts = {};
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
