/**
 * A fault proxy for push tests, in front of a real registry: forwards everything, counts
 * request body bytes and upload `Location`s, and on a rule's word answers a request itself
 * (429/503 with `Retry-After`), cuts it after some body bytes (forwarding them or not: a
 * buffering proxy forwards nothing), stalls it, or flips a byte of its body; `down(ms)` stops
 * listening for a while — faults a registry cannot produce on demand.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What to do to one request. */
export type Fault =
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'cut'; afterBytes: number; forward: boolean }
  | { kind: 'stall'; afterBytes: number }
  | { kind: 'flip'; atByte: number };

/** A request as a rule sees it; `n` counts requests of the same `kind` (1-based). */
export interface ProxiedRequest {
  method: string;
  path: string;
  /** `PATCH uploads`, `PUT manifests`, `HEAD blobs`, `GET other` … */
  kind: string;
  n: number;
  /** The request's Content-Length (0 when absent). */
  length: number;
}

/** Picks a fault for a request (or none). */
export type FaultRule = (r: ProxiedRequest) => Fault | null | undefined;

/** A single-cut plan: cut the Nth PATCH that carries a whole chunk (`chunkSize` bytes) after some body bytes. */
export interface CutPlan {
  chunkSize: number;
  patchNumber: number;
  afterBytes: number;
  mode: 'drop' | 'forward-partial';
}

/** A running proxy. */
export interface TestProxy {
  url: string;
  /** Request body bytes received from the client, by method. */
  bodyBytes: Record<string, number>;
  /** Requests received, by kind (`POST uploads`, `PUT manifests` …). */
  requests: Record<string, number>;
  /** Every upload session Location the registry handed out (absolute, as seen through the proxy). */
  locations: string[];
  /** Every request with the time it arrived (ms since the proxy started) and the fault applied. */
  log: { kind: string; path: string; at: number; fault?: Fault['kind'] }[];
  patches: number;
  /** Faults applied so far. */
  faults: number;
  /** True once any fault was applied. */
  cut: boolean;
  /** Stops listening and drops every connection for `ms`, then listens on the same port again. */
  down(ms: number): Promise<void>;
  close(): Promise<void>;
}

function kindOf(method: string, path: string): string {
  const what = /\/blobs\/uploads\//.test(path) ? 'uploads' : /\/manifests\//.test(path) ? 'manifests' : /\/blobs\//.test(path) ? 'blobs' : 'other';
  return `${method} ${what}`;
}

function ruleOf(plan: FaultRule | CutPlan | undefined): FaultRule {
  if (!plan) return () => null;
  if (typeof plan === 'function') return plan;
  const nth = nthChunk(plan.chunkSize);
  return (r) => (nth(r) === plan.patchNumber ? { kind: 'cut', afterBytes: plan.afterBytes, forward: plan.mode === 'forward-partial' } : null);
}

/** Numbers the PATCHes that carry a whole chunk of `chunkSize` bytes (1, 2 …); 0 for any other request. */
export function nthChunk(chunkSize: number): (r: ProxiedRequest) => number {
  let n = 0;
  return (r) => (r.kind === 'PATCH uploads' && r.length === chunkSize ? ++n : 0);
}

/** Starts a proxy on 127.0.0.1 in front of `target` (http only). */
export async function startProxy(target: string, plan?: FaultRule | CutPlan): Promise<TestProxy> {
  const rule = ruleOf(plan);
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const t0 = performance.now();
  const counts: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const state: TestProxy = {
    url: '',
    bodyBytes: {},
    requests: {},
    locations: [],
    log: [],
    patches: 0,
    faults: 0,
    cut: false,
    down: async () => {},
    close: async () => {},
  };
  const count = (method: string, n: number): void => {
    state.bodyBytes[method] = (state.bodyBytes[method] ?? 0) + n;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const kind = kindOf(method, path);
    state.requests[kind] = (state.requests[kind] ?? 0) + 1;
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (method === 'PATCH') state.patches++;
    const fault = rule({ method, path, kind, n: counts[kind], length: Number(req.headers['content-length'] ?? 0) }) ?? null;
    state.log.push({ kind, path, at: performance.now() - t0, ...(fault ? { fault: fault.kind } : {}) });
    if (fault) {
      state.faults++;
      state.cut = true;
    }
    if (fault?.kind === 'respond') {
      req.resume();
      req.on('end', () => {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? JSON.stringify({ errors: [{ code: fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: 'fault proxy' }] }));
      });
      return;
    }
    const forward = !fault || fault.kind === 'flip' || (fault.kind === 'cut' && fault.forward);
    const up = forward
      ? httpRequest({ host: upstream.hostname, port: upstream.port, method, path, headers: req.headers, agent }, (ur) => {
          const loc = ur.headers.location;
          if (loc && /\/blobs\/uploads\//.test(loc)) state.locations.push(new URL(loc, state.url).href);
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
        })
      : null;
    up?.on('error', () => res.destroy());
    const limit = fault && (fault.kind === 'cut' || fault.kind === 'stall') ? fault.afterBytes : Infinity;
    let seen = 0;
    let stopped = false;
    req.on('data', (chunk: Buffer) => {
      if (stopped) return;
      let part = seen + chunk.length > limit ? chunk.subarray(0, limit - seen) : chunk;
      if (fault?.kind === 'flip' && fault.atByte >= seen && fault.atByte < seen + part.length) {
        part = Buffer.from(part);
        part[fault.atByte - seen] ^= 0xff;
      }
      seen += part.length;
      count(method, part.length);
      up?.write(part);
      if (seen < limit) return;
      stopped = true;
      if (fault?.kind === 'stall') {
        // Read nothing more and never answer: the client's socket fills and its upload stands still.
        req.pause();
        return;
      }
      // Give forwarded bytes a moment to reach the registry, then break both sides.
      setTimeout(() => {
        up?.destroy();
        req.socket.destroy();
      }, 50);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      if (!stopped) up?.end();
    });
    // A client that gives up mid-body: the registry must see the connection break too.
    req.on('close', () => {
      if (!ended) up?.destroy();
    });
  };

  const server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${port}`;
  const stopListening = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      agent.destroy();
    });
  state.down = async (ms) => {
    await stopListening();
    await new Promise((r) => setTimeout(r, ms));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  };
  state.close = stopListening;
  return state;
}
