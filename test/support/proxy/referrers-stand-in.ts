/**
 * Test support: a STAND-IN for the OCI 1.1 referrers API, which Debian's docker-registry
 * (distribution 2.8) lacks. A proxy in front of the real registry answers
 * `GET /v2/<name>/referrers/<digest>` from the manifests the registry stores for <name> (read
 * from its storage folder), by their `subject`, as the distribution spec describes: an image
 * index of descriptors with `artifactType` and annotations, the `artifactType` filter with
 * `OCI-Filters-Applied`, and paging by `Link`. Everything else goes to the registry unchanged.
 */
import { OCI_INDEX, OCI_MANIFEST } from '../images/media-types';
import type { RunningRegistry } from '../registry/start';
import { storedManifests, type StoredManifest } from '../registry/storage';
import { startProxy, type TestProxy } from './proxy';

/** Options of the stand-in. */
export interface StandInOptions {
  /** Descriptors per page (default 100); a small number exercises `Link` paging. */
  pageSize?: number;
  /** false: ignore `artifactType` (the client must filter itself; no OCI-Filters-Applied). */
  filter?: boolean;
}

/** The stand-in proxy; `referrerRequests` counts the referrers calls it answered. */
export interface ReferrersStandIn extends TestProxy {
  readonly referrerRequests: number;
}

function referrerDescriptor(m: StoredManifest): Record<string, unknown> {
  const config = m.json.config as { mediaType?: string } | undefined;
  const d: Record<string, unknown> = {
    mediaType: m.json.mediaType ?? OCI_MANIFEST,
    digest: m.digest,
    size: m.bytes.length,
    artifactType: m.json.artifactType ?? config?.mediaType,
  };
  if (m.json.annotations) d.annotations = m.json.annotations;
  return d;
}

/** Starts the stand-in in front of `reg` (an open, plain-http registry). */
export async function startReferrersStandIn(reg: RunningRegistry, opts: StandInOptions = {}): Promise<ReferrersStandIn> {
  const pageSize = opts.pageSize ?? 100;
  let answered = 0;
  const proxy = await startProxy(reg.url, {
    answer: (req, res) => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const m = /^\/v2\/(.+)\/referrers\/(sha256:[a-f0-9]{64})$/.exec(url.pathname);
      if (!m || req.method !== 'GET') return false;
      answered++;
      const [, repo, subject] = m;
      const artifactType = url.searchParams.get('artifactType');
      const useFilter = artifactType !== null && opts.filter !== false;
      const all = storedManifests(reg, repo)
        .filter((s) => (s.json.subject as { digest?: string } | undefined)?.digest === subject)
        .map(referrerDescriptor)
        .filter((d) => !useFilter || d.artifactType === artifactType);
      const start = Number(url.searchParams.get('page') ?? '0');
      const page = all.slice(start * pageSize, (start + 1) * pageSize);
      const headers: Record<string, string> = { 'content-type': OCI_INDEX };
      if (useFilter) headers['oci-filters-applied'] = 'artifactType';
      if ((start + 1) * pageSize < all.length) {
        const next = new URLSearchParams(url.searchParams);
        next.set('page', String(start + 1));
        headers.link = `</v2/${repo}/referrers/${subject}?${next}>; rel="next"`;
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: page }));
      return true;
    },
  });
  Object.defineProperty(proxy, 'referrerRequests', { get: () => answered });
  return proxy as ReferrersStandIn;
}
