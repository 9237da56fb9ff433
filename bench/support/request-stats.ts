import type { ProxiedRequest } from '../../test/support/proxy/request';
/** Reading the proxy's log: which requests were tag details, for which tags. */

/** Requests of one phase, by kind, with the tag-detail part broken out. */
export interface PhaseRequests {
  total: number;
  byKind: Record<string, number>;
  /** Manifest and blob requests: what a tag row's details cost. */
  detail: number;
  /** Tag-list requests (paging). */
  paging: number;
  /** Distinct tags whose manifest was requested. */
  tagsRequested: number;
  /** From the phase's first request: when the first and the last detail request arrived (ms). */
  firstDetailAt: number | null;
  lastDetailAt: number | null;
  /** Mean time the registry (through the proxy) took per detail request (ms). */
  meanDetailMs: number | null;
  /** The first requests of the phase: "+at ms kind path (took ms)", for reading where time went. */
  timeline: string[];
}

/** The tag a `GET /v2/<repo>/manifests/<tag>` was for (undefined for other requests or digests). */
export function manifestTag(r: ProxiedRequest, repo: string): string | undefined {
  const prefix = `/v2/${repo}/manifests/`;
  if (!r.url.startsWith(prefix) || r.kind !== 'GET manifests') return undefined;
  const ref = decodeURIComponent(r.url.slice(prefix.length).split('?')[0]);
  return ref.startsWith('sha256:') ? undefined : ref;
}

/** Sums up the requests of a phase. */
export function phaseRequests(seen: ProxiedRequest[], repo: string): PhaseRequests {
  const byKind: Record<string, number> = {};
  const tags = new Set<string>();
  let detail = 0;
  let paging = 0;
  let first: number | null = null;
  let last: number | null = null;
  let detailMs = 0;
  const t0 = seen[0]?.at ?? 0;
  for (const r of seen) {
    byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    if (/ (manifests|blobs)$/.test(r.kind)) {
      detail++;
      detailMs += r.ms ?? 0;
      first ??= r.at - t0;
      last = r.at - t0;
    }
    if (r.kind === 'GET tags') paging++;
    const tag = manifestTag(r, repo);
    if (tag !== undefined) tags.add(tag);
  }
  return {
    total: seen.length,
    byKind,
    detail,
    paging,
    tagsRequested: tags.size,
    firstDetailAt: first,
    lastDetailAt: last,
    meanDetailMs: detail ? detailMs / detail : null,
    timeline: seen.slice(0, 16).map((r) => `+${(r.at - t0).toFixed(0)} ms ${r.method} ${r.url.slice(0, 80)} (${r.ms === undefined ? 'in flight' : `${r.ms.toFixed(0)} ms`})`),
  };
}

/** The tags whose manifest was requested, in order of first request. */
export function requestedTags(seen: ProxiedRequest[], repo: string): string[] {
  const out = new Set<string>();
  for (const r of seen) {
    const tag = manifestTag(r, repo);
    if (tag !== undefined) out.add(tag);
  }
  return [...out];
}

/** `GET catalog 6, GET other 1` — a compact description of a by-kind count. */
export function describeKinds(byKind: Record<string, number>): string {
  const parts = Object.entries(byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}
