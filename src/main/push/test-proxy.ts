/**
 * A small HTTP proxy for push tests: forwards to the real registry, counts request body bytes,
 * records upload `Location`s, and can cut the connection once in the middle of a chosen PATCH —
 * a fault a registry cannot produce on demand.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How to cut: drop the PATCH (nothing reaches the registry) or forward part of it first. */
export interface CutPlan {
  /** 1-based number of the PATCH to cut. */
  patchNumber: number;
  /** Body bytes received before cutting. */
  afterBytes: number;
  mode: 'drop' | 'forward-partial';
}

/** A running proxy. */
export interface TestProxy {
  url: string;
  /** Request body bytes received from the client, by method. */
  bodyBytes: Record<string, number>;
  /** Requests received, by method and path kind (`POST uploads`, `PUT manifests` …). */
  requests: Record<string, number>;
  /** Every upload session Location the registry handed out (absolute, as seen through the proxy). */
  locations: string[];
  patches: number;
  cut: boolean;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 in front of `target` (http only). */
export async function startProxy(target: string, cut?: CutPlan): Promise<TestProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const state: TestProxy = { url: '', bodyBytes: {}, requests: {}, locations: [], patches: 0, cut: false, close: async () => {} };
  const count = (method: string, n: number): void => {
    state.bodyBytes[method] = (state.bodyBytes[method] ?? 0) + n;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET';
    const kind = `${method} ${/\/blobs\/uploads\//.test(req.url ?? '') ? 'uploads' : /\/manifests\//.test(req.url ?? '') ? 'manifests' : 'other'}`;
    state.requests[kind] = (state.requests[kind] ?? 0) + 1;
    let cutThis = false;
    if (method === 'PATCH') {
      state.patches++;
      cutThis = !!cut && !state.cut && state.patches === cut.patchNumber;
    }
    let seen = 0;
    const forward = !cutThis || cut!.mode === 'forward-partial';
    const up = forward
      ? httpRequest({ host: upstream.hostname, port: upstream.port, method, path: req.url, headers: req.headers, agent }, (ur) => {
          const loc = ur.headers.location;
          if (loc && /\/blobs\/uploads\//.test(loc)) state.locations.push(new URL(loc, state.url).href);
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
        })
      : null;
    up?.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => {
      if (cutThis && seen >= cut!.afterBytes) return;
      let part = chunk;
      if (cutThis && seen + chunk.length >= cut!.afterBytes) part = chunk.subarray(0, cut!.afterBytes - seen);
      seen += part.length;
      count(method, part.length);
      up?.write(part);
      if (cutThis && seen >= cut!.afterBytes) {
        state.cut = true;
        // Give forwarded bytes a moment to reach the registry, then break both sides.
        setTimeout(() => {
          up?.destroy();
          req.socket.destroy();
        }, 50);
      }
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      if (!cutThis) up?.end();
    });
    // A client that gives up mid-body: the registry must see the connection break too.
    req.on('close', () => {
      if (!ended) up?.destroy();
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      agent.destroy();
      server.close(() => resolve());
    });
  return state;
}
