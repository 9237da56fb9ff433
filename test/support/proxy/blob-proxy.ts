/**
 * Test support: an HTTP proxy in front of a real registry that records every request (with its
 * Range header and the response bytes it passed on) and can cut one blob download once, mid-body
 * — the dropped connection a registry cannot be made to produce.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request seen by the proxy. */
export interface ProxiedRequest {
  method: string;
  url: string;
  range: string | undefined;
  status: number;
  /** Response body bytes passed to the client. */
  bytes: number;
  /** The response is over; `complete` says whether all of it was sent (false: the client hung up early). */
  closed: boolean;
  complete: boolean;
}

/** A running proxy. */
export interface BlobProxy {
  url: string;
  host: string;
  seen: ProxiedRequest[];
  /** GETs of `/v2/…/blobs/<digest>` (optionally of one digest). */
  blobGets(digest?: string): ProxiedRequest[];
  /** Cut the next GET of `digest` after `afterBytes` response bytes (once). */
  cutOnce(digest: string, afterBytes: number): void;
  stop(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 forwarding to `target` (plain http). */
export async function startBlobProxy(target: string): Promise<BlobProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const seen: ProxiedRequest[] = [];
  let cut: { digest: string; afterBytes: number } | null = null;

  const server = createServer((req: IncomingMessage, res) => {
    const record: ProxiedRequest = { method: req.method ?? '', url: req.url ?? '', range: req.headers.range, status: 0, bytes: 0, closed: false, complete: false };
    seen.push(record);
    const cutThis = cut && req.method === 'GET' && record.url.endsWith(`/blobs/${cut.digest}`) ? cut : null;
    if (cutThis) cut = null;
    const up = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent }, (ur) => {
      record.status = ur.statusCode ?? 0;
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.on('data', (chunk: Buffer) => {
        if (cutThis && record.bytes + chunk.length >= cutThis.afterBytes) {
          const part = chunk.subarray(0, cutThis.afterBytes - record.bytes);
          record.bytes += part.length;
          res.write(part, () => {
            // Both ends go down, as when a connection drops in the middle of a download.
            ur.destroy();
            res.socket?.destroy();
          });
          return;
        }
        record.bytes += chunk.length;
        if (!res.write(chunk)) {
          ur.pause();
          res.once('drain', () => ur.resume());
        }
      });
      ur.on('end', () => res.end());
      ur.on('error', () => res.destroy());
    });
    up.on('error', () => res.destroy());
    res.on('close', () => {
      record.complete = res.writableFinished;
      record.closed = true;
      up.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    seen,
    blobGets: (digest) => seen.filter((r) => r.method === 'GET' && /\/blobs\/sha256:/.test(r.url) && (!digest || r.url.endsWith(digest))),
    cutOnce: (digest, afterBytes) => {
      cut = { digest, afterBytes };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
