/**
 * The one loopback HTTP proxy of the tests and benches, in front of a real registry (or of
 * `berth serve`), for what the real thing cannot be made to do on demand. It forwards everything
 * and records every request (kind, body bytes each way, status, timing); hooks let a test answer a
 * request itself (redirects, stand-in APIs, hangs), rewrite its path or headers, delay it, change
 * the answer's headers or body, or apply a fault (request.ts): answer 429/503, cut or stall its
 * body, flip a byte of it, cut the download mid-body. `cutOpen` breaks open responses and
 * `down(ms)` stops listening for a while.
 */
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { kindOf, type Fault, type FaultRule, type ProxiedRequest } from './request';

/** Answers a request itself when it returns true (it may also never answer: a hang). */
export type AnswerHook = (req: IncomingMessage, res: ServerResponse, r: ProxiedRequest) => boolean | Promise<boolean>;
/** Transforms one response body chunk by chunk (state lives in the closure); returns what to pass on. */
export type ResponseFilter = (chunk: Buffer) => Buffer | string;

/** Options of startProxy. */
export interface ProxyOptions {
  fault?: FaultRule;
  answer?: AnswerHook;
  /** Changes what goes upstream, in place: the path and query, the headers. */
  rewrite?: (out: { url: string; headers: IncomingHttpHeaders }, r: ProxiedRequest) => void;
  /**
   * Send the upstream its own Host (for a server that checks it, like `berth serve`). By default
   * the client's Host goes on, so a registry builds the upload Locations it hands out on the
   * proxy's address and every request of an upload comes through.
   */
  upstreamHost?: boolean;
  /** Holds every request this long before hooks and forwarding. */
  delayMs?: number;
  /** Sees each upstream answer before it goes on: may change its headers in place, and return a filter for its body. */
  onResponse?: (r: ProxiedRequest, headers: IncomingHttpHeaders) => ResponseFilter | void;
}

/** A running proxy. */
export interface TestProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT */
  host: string;
  /** Every request since the last reset, in arrival order. */
  seen: ProxiedRequest[];
  /** Requests since the last reset, by kind. */
  requests: Record<string, number>;
  /** Request body bytes received from clients since the last reset, by method. */
  bodyBytes: Record<string, number>;
  /** Every upload session Location the upstream handed out (absolute, resolved against the proxy). */
  locations: string[];
  /** Faults applied so far. */
  faults: number;
  /** The fault rule in force; replace it to change what happens to the next requests. */
  fault: FaultRule | undefined;
  /** Most requests in flight at once, and how many are in flight now. */
  readonly peak: number;
  readonly inflight: number;
  /** Forgets what was seen (seen, requests, bodyBytes, peak). */
  reset(): void;
  /** Resolves once nothing was in flight for `quietMs` (or after `timeoutMs`, whichever first). */
  waitIdle(quietMs?: number, timeoutMs?: number): Promise<void>;
  /** Breaks every open response (those `match` picks): the client sees its connection drop. */
  cutOpen(match?: (r: ProxiedRequest) => boolean): void;
  /** Stops listening and drops every connection for `ms`, then listens on the same port again. */
  down(ms: number): Promise<void>;
  stop(): Promise<void>;
}

const distributionError = (status: number): string =>
  JSON.stringify({ errors: [{ code: status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: 'fault proxy' }] });

/** Starts a proxy on 127.0.0.1 in front of `target` (http only). */
export async function startProxy(target: string, opts: ProxyOptions = {}): Promise<TestProxy> {
  const upstream = new URL(target);
  // Keep-alive upstream, so the proxy adds as little as possible to what benches measure.
  const agent = new Agent({ keepAlive: true });
  const t0 = performance.now();
  const ever: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const open = new Map<ServerResponse, ProxiedRequest>();
  let active = 0;
  let peak = 0;
  let lastChange = t0;
  const proxy: TestProxy = {
    url: '',
    host: '',
    seen: [],
    requests: {},
    bodyBytes: {},
    locations: [],
    faults: 0,
    fault: opts.fault,
    get peak() {
      return peak;
    },
    get inflight() {
      return active;
    },
    reset() {
      proxy.seen.length = 0;
      proxy.requests = {};
      proxy.bodyBytes = {};
      peak = active;
    },
    async waitIdle(quietMs = 500, timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline && !(active === 0 && performance.now() - lastChange >= quietMs)) await new Promise((r) => setTimeout(r, 25));
    },
    cutOpen(match) {
      for (const [res, r] of open) if (!match || match(r)) res.destroy();
    },
    down: async () => {},
    stop: async () => {},
  };

  const answerFault = (req: IncomingMessage, res: ServerResponse, r: ProxiedRequest, fault: Extract<Fault, { kind: 'respond' }>): void => {
    req.resume();
    req.on('end', () => {
      r.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? distributionError(fault.status));
    });
  };

  const relay = (ur: IncomingMessage, res: ServerResponse, r: ProxiedRequest, fault: Fault | null): void => {
    r.status = ur.statusCode ?? 502;
    const loc = ur.headers.location;
    if (loc && /\/blobs\/uploads\//.test(loc)) proxy.locations.push(new URL(loc, proxy.url).href);
    const headers = { ...ur.headers };
    const filter = opts.onResponse?.(r, headers);
    res.writeHead(r.status, headers);
    const cutAt = fault?.kind === 'cut-response' ? fault.afterBytes : Infinity;
    ur.on('data', (chunk: Buffer) => {
      if (r.bytes + chunk.length >= cutAt) {
        const part = chunk.subarray(0, cutAt - r.bytes);
        r.bytes += part.length;
        // Both ends go down, as when a connection drops in the middle of a download.
        res.write(part, () => {
          ur.destroy();
          res.socket?.destroy();
        });
        return;
      }
      const out = filter ? filter(chunk) : chunk;
      if (out.length === 0) return;
      r.bytes += Buffer.byteLength(out);
      if (!res.write(out)) {
        ur.pause();
        res.once('drain', () => ur.resume());
      }
    });
    ur.on('end', () => res.end());
    ur.on('error', () => res.destroy());
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const kind = kindOf(method, url);
    ever[kind] = (ever[kind] ?? 0) + 1;
    const r: ProxiedRequest = {
      method,
      url,
      headers: req.headers,
      kind,
      n: ever[kind],
      length: Number(req.headers['content-length'] ?? 0),
      range: req.headers.range,
      at: performance.now() - t0,
      status: 0,
      bytes: 0,
      closed: false,
      complete: false,
    };
    proxy.seen.push(r);
    proxy.requests[kind] = (proxy.requests[kind] ?? 0) + 1;
    peak = Math.max(peak, ++active);
    lastChange = performance.now();
    open.set(res, r);
    res.on('close', () => {
      open.delete(res);
      if (!r.status && res.headersSent) r.status = res.statusCode;
      r.closed = true;
      r.complete = res.writableFinished;
      r.ms = performance.now() - t0 - r.at;
      active--;
      lastChange = performance.now();
    });
    if (opts.delayMs) await new Promise((resolve) => setTimeout(resolve, opts.delayMs));
    if (opts.answer && (await opts.answer(req, res, r))) return;
    const fault = proxy.fault?.(r) ?? null;
    if (fault) {
      r.fault = fault.kind;
      proxy.faults++;
    }
    if (fault?.kind === 'respond') return answerFault(req, res, r, fault);

    const forward = !(fault?.kind === 'stall' || (fault?.kind === 'cut' && !fault.forward));
    const out = { url, headers: opts.upstreamHost ? { ...req.headers, host: upstream.host } : { ...req.headers } };
    opts.rewrite?.(out, r);
    const up = forward
      ? httpRequest({ host: upstream.hostname, port: upstream.port, method, path: out.url, headers: out.headers, agent }, (ur) => relay(ur, res, r, fault))
      : null;
    up?.on('error', () => res.destroy());
    // A client that hangs up before the answer is over: the upstream must see the connection break too.
    res.on('close', () => {
      if (!res.writableFinished) up?.destroy();
    });
    const limit = fault?.kind === 'cut' || fault?.kind === 'stall' ? fault.afterBytes : Infinity;
    let received = 0;
    let stopped = false;
    req.on('data', (chunk: Buffer) => {
      if (stopped) return;
      let part = received + chunk.length > limit ? chunk.subarray(0, limit - received) : chunk;
      if (fault?.kind === 'flip' && fault.atByte >= received && fault.atByte < received + part.length) {
        part = Buffer.from(part);
        part[fault.atByte - received] ^= 0xff;
      }
      received += part.length;
      proxy.bodyBytes[method] = (proxy.bodyBytes[method] ?? 0) + part.length;
      if (up && !up.write(part) && received < limit) {
        req.pause();
        up.once('drain', () => stopped || req.resume());
      }
      if (received < limit) return;
      stopped = true;
      // A stall reads nothing more and never answers: the client's socket fills and its upload stands still.
      if (fault?.kind === 'stall') return void req.pause();
      // Give forwarded bytes a moment to reach the upstream, then break both sides.
      setTimeout(() => {
        up?.destroy();
        req.socket.destroy();
      }, 50);
    });
    req.on('end', () => stopped || up?.end());
  };

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.host = `127.0.0.1:${port}`;
  const stopListening = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      agent.destroy();
    });
  proxy.down = async (ms) => {
    await stopListening();
    await new Promise((r) => setTimeout(r, ms));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  };
  proxy.stop = stopListening;
  return proxy;
}

/** A ResponseFilter over text: `fn` gets whole decoded chunks (multi-byte characters never split). */
export function textFilter(fn: (text: string) => string): ResponseFilter {
  const decoder = new StringDecoder('utf8');
  return (chunk) => fn(decoder.write(chunk));
}
