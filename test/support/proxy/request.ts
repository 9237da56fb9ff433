/** The proxy's record of a request, and the vocabulary of fault rules. */
import type { IncomingHttpHeaders } from 'node:http';

/** One request as the proxy saw it; fields after `range` fill in as the answer goes. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** `GET catalog`, `GET tags`, `HEAD manifests`, `GET blobs`, `PATCH uploads`, `GET referrers`, `GET other` … */
  kind: string;
  /** Requests of the same kind so far, this one included (never reset). */
  n: number;
  /** The request's Content-Length (0 when absent). */
  length: number;
  range: string | undefined;
  /** Milliseconds since the proxy started when it arrived, and until its answer was over. */
  at: number;
  ms?: number;
  /** Status answered (0 until then). */
  status: number;
  /** Response body bytes passed to the client. */
  bytes: number;
  /** The answer is over; `complete` says whether all of it was sent (false: cut, or the client hung up). */
  closed: boolean;
  complete: boolean;
  fault?: Fault['kind'];
}

/** What to do to one request. */
export type Fault =
  /** Answer it without asking the upstream (default body: a distribution error). */
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string }
  /** Break the connection after `afterBytes` of the request body, forwarding them or not (a buffering proxy forwards nothing). */
  | { kind: 'cut'; afterBytes: number; forward: boolean }
  /** Read no more than `afterBytes` of the request body and never answer: the client's upload stands still. */
  | { kind: 'stall'; afterBytes: number }
  /** Flip the request body's byte at `atByte`. */
  | { kind: 'flip'; atByte: number }
  /** Pass `afterBytes` of the response body on, then break both ends (a download that drops). */
  | { kind: 'cut-response'; afterBytes: number };

/** Picks a fault for a request (or none). */
export type FaultRule = (r: ProxiedRequest) => Fault | null | undefined;

/** The kind a request is counted under: its method and what its path names. */
export function kindOf(method: string, url: string): string {
  const path = url.split('?')[0];
  const what = path.startsWith('/v2/_catalog')
    ? 'catalog'
    : /\/tags\/list$/.test(path)
      ? 'tags'
      : /\/blobs\/uploads\//.test(path)
        ? 'uploads'
        : /\/manifests\//.test(path)
          ? 'manifests'
          : /\/blobs\//.test(path)
            ? 'blobs'
            : /\/referrers\//.test(path)
              ? 'referrers'
              : 'other';
  return `${method} ${what}`;
}

/** Numbers the PATCHes that carry a whole chunk of `chunkSize` bytes (1, 2 …); 0 for any other request. */
export function nthChunk(chunkSize: number): (r: ProxiedRequest) => number {
  let n = 0;
  return (r) => (r.kind === 'PATCH uploads' && r.length === chunkSize ? ++n : 0);
}

/** A rule that cuts the next download of blob `digest` after `afterBytes` of its body, once. */
export function cutDownloadOnce(digest: string, afterBytes: number): FaultRule {
  let done = false;
  return (r) => {
    if (done || r.kind !== 'GET blobs' || !r.url.endsWith(`/blobs/${digest}`)) return null;
    done = true;
    return { kind: 'cut-response', afterBytes };
  };
}
