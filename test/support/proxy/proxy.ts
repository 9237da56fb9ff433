/**
 * Test helper: a small HTTP proxy in front of a real registry, for what a registry cannot be
 * made to do (redirect blobs to another origin, stall, count concurrent requests).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the proxy saw. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

/** Decides per request: return true when the hook answered itself. */
export type ProxyHook = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** A running proxy. */
export interface TestProxy {
  url: string;
  seen: SeenRequest[];
  /** Most requests in flight at once. */
  readonly peak: number;
  stop(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 forwarding to `target` (http only), with optional hooks and extra headers. */
export async function startProxy(target: string, hook?: ProxyHook, opts: { addHeaders?: Record<string, string>; delayMs?: number } = {}): Promise<TestProxy> {
  const seen: SeenRequest[] = [];
  let active = 0;
  let peak = 0;
  const t = new URL(target);
  const server = createServer(async (req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    peak = Math.max(peak, ++active);
    res.on('close', () => active--);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    if (hook && (await hook(req, res))) return;
    const headers = { ...req.headers, ...opts.addHeaders, host: t.host };
    const up = httpRequest({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    get peak() {
      return peak;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
