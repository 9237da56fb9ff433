/**
 * Finding the manifests that refer to a subject (OCI distribution-spec 1.1 "Listing Referrers"):
 * the referrers API where the registry offers it, else the referrers tag schema — a tag
 * `sha256-<hex>` holding an index of referrer descriptors — plus cosign's own tags
 * `sha256-<hex>.sig|.att|.sbom`, which cosign writes whatever the registry offers.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-referrers
 */
import { BerthError } from '../../shared/errors';
import { parseReferrerTag } from '../../shared/referrer-tags';
import type { Descriptor } from '../../shared/types';
import type { RegistryClient } from './client';
import { readDescriptor } from './image-config';
import { assertDigest, assertRepository, fetchManifest, readCapped } from './manifest';
import { isIndexType, MAX_MANIFEST_BYTES, OCI_INDEX } from './media-types';
import { parseLinkNext } from './paging';
import type { RegistryResponse } from './types';

/** A referrer descriptor: the spec's index entry, whose `artifactType` says what it is. */
export interface ReferrerDescriptor extends Descriptor {
  artifactType?: string;
}

/** What the referrers API answered for one subject. */
export interface ReferrersApiAnswer {
  /** false when the registry has no referrers API (404 without an index): use the tag schema. */
  supported: boolean;
  descriptors: ReferrerDescriptor[];
  /** Filters the registry applied itself (`OCI-Filters-Applied`); Berth applies the rest. */
  filtersApplied: string[];
}

/** Pages followed at most; a registry that keeps sending `rel="next"` is cut off here. */
export const MAX_REFERRER_PAGES = 50;
export { COSIGN_SUFFIXES, parseReferrerTag, type CosignSuffix } from '../../shared/referrer-tags';

/** `sha256:abc…` → `sha256-abc…`: the tag schema's name for a subject digest. */
export function fallbackTag(digest: string): string {
  assertDigest(digest);
  return digest.replace(':', '-');
}

/** The tags of `tags` that belong to `subject` under the tag schema (fallback index and cosign suffixes). */
export function referrerTagsOf(tags: readonly string[], subject: string): string[] {
  return tags.filter((t) => parseReferrerTag(t)?.subject === subject);
}

function header(res: RegistryResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function descriptorsOf(json: unknown): ReferrerDescriptor[] {
  const list = (json as { manifests?: unknown } | null)?.manifests;
  if (!Array.isArray(list)) return [];
  return list
    .map((raw): ReferrerDescriptor => {
      const d: ReferrerDescriptor = readDescriptor(raw);
      const at = (raw as { artifactType?: unknown }).artifactType;
      if (typeof at === 'string' && at) d.artifactType = at;
      return d;
    })
    .filter((d) => d.digest);
}

/**
 * `GET /v2/<name>/referrers/<digest>` with paging by `Link`; `artifactType` filters (by the
 * registry when `OCI-Filters-Applied` says so, else here). A 404 without an index body means
 * the registry has no referrers API.
 */
export async function fetchReferrersApi(
  client: RegistryClient,
  repository: string,
  subject: string,
  opts: { artifactType?: string; signal?: AbortSignal } = {},
): Promise<ReferrersApiAnswer> {
  assertRepository(repository);
  assertDigest(subject);
  const { artifactType, signal } = opts;
  const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
  let url: string | URL = `/v2/${repository}/referrers/${subject}${query}`;
  const out: ReferrerDescriptor[] = [];
  let filtered = true;
  const applied = new Set<string>();
  for (let page = 0; ; page++) {
    const res = await client.request({ method: 'GET', url, scope: { repository, actions: ['pull'] }, headers: { accept: OCI_INDEX }, signal, expect: [200, 404] });
    const bytes = await readCapped(res, MAX_MANIFEST_BYTES, `The referrers list of ${repository}@${subject}`, signal);
    let json: unknown = null;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      if (res.status === 200) throw new BerthError('UNEXPECTED_RESPONSE', `${client.config.host} answered the referrers list of ${repository}@${subject} with something that is not JSON. The registry's referrers API is broken; report it to its operator.`);
    }
    const isIndex = Array.isArray((json as { manifests?: unknown } | null)?.manifests);
    if (res.status === 404 && !isIndex) return { supported: false, descriptors: [], filtersApplied: [] };
    if (!isIndex) throw new BerthError('UNEXPECTED_RESPONSE', `${client.config.host} answered the referrers list of ${repository}@${subject} without a "manifests" list. The registry's referrers API is broken.`);
    const pageApplied = (header(res, 'oci-filters-applied') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const f of pageApplied) applied.add(f);
    if (!pageApplied.includes('artifactType')) filtered = false;
    out.push(...descriptorsOf(json));
    const next = parseLinkNext(res.headers.link, res.url);
    if (!next) break;
    if (page + 1 >= MAX_REFERRER_PAGES) {
      throw new BerthError('UNEXPECTED_RESPONSE', `${client.config.host} sent more than ${MAX_REFERRER_PAGES} pages of referrers for ${repository}@${subject}. Berth stops there; the registry may be looping.`);
    }
    // Paging stays on the registry: a Link to another origin is not followed with its credentials.
    if (next.origin !== new URL(client.config.baseUrl).origin) break;
    url = next;
  }
  const descriptors = artifactType && !filtered ? out.filter((d) => d.artifactType === artifactType) : out;
  return { supported: true, descriptors, filtersApplied: [...applied] };
}

/**
 * The tag schema's fallback index `sha256-<hex>` of a subject: its referrer descriptors, or an
 * empty list when the tag does not exist (or is not an index).
 */
export async function fetchFallbackIndex(client: RegistryClient, repository: string, subject: string, signal?: AbortSignal): Promise<{ digest: string | null; descriptors: ReferrerDescriptor[] }> {
  try {
    const m = await fetchManifest(client, repository, fallbackTag(subject), signal);
    if (!isIndexType(m.mediaType)) return { digest: null, descriptors: [] };
    return { digest: m.digest, descriptors: descriptorsOf(m.json) };
  } catch (err) {
    if (err instanceof BerthError && (err.code === 'MANIFEST_UNKNOWN' || err.code === 'NAME_UNKNOWN')) return { digest: null, descriptors: [] };
    throw err;
  }
}
