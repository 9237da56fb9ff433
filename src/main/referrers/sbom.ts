/**
 * SBOMs as people read them: SPDX 2.x JSON (`packages[]`) and CycloneDX JSON (`components[]`,
 * nested ones included) reduced to a package count and {name, version, license}.
 * https://spdx.github.io/spdx-spec/v2.3/package-information/ · https://cyclonedx.org/docs/1.5/json/
 */
import type { SbomInfo, SbomPackage } from './types';

/** Largest SBOM (or attestation) Berth reads; a larger one is reported, not read. */
export const MAX_SBOM_BYTES = 32 * 1024 * 1024;
/** Packages kept per SBOM (the count is always the full one). */
export const MAX_SBOM_PACKAGES = 20_000;

/** Media types of SBOM documents (referrer artifact types and cosign `.sbom` layers). */
export const SBOM_MEDIA_TYPES = new Set([
  'application/spdx+json',
  'text/spdx+json',
  'application/vnd.cyclonedx+json',
  'application/vnd.cyclonedx',
  'text/spdx',
]);

/** Predicate types of attestations whose predicate is an SBOM. */
export function isSbomPredicate(predicateType: string | null): boolean {
  return !!predicateType && /spdx\.dev\/Document|cyclonedx\.org\/bom|^https:\/\/cyclonedx\.org/i.test(predicateType);
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function spdxLicense(p: Json): string | null {
  for (const k of ['licenseConcluded', 'licenseDeclared']) {
    const v = str(p[k]);
    if (v && v !== 'NOASSERTION' && v !== 'NONE') return v;
  }
  return null;
}

function cdxLicense(c: Json): string | null {
  if (!Array.isArray(c.licenses)) return null;
  const names: string[] = [];
  for (const l of c.licenses) {
    if (!isObj(l)) continue;
    const e = str(l.expression);
    if (e) names.push(e);
    else if (isObj(l.license)) {
      const n = str(l.license.id) ?? str(l.license.name);
      if (n) names.push(n);
    }
  }
  return names.length ? names.join(' AND ') : null;
}

function cdxComponents(list: unknown, out: SbomPackage[], count: { n: number }, depth = 0): void {
  if (!Array.isArray(list) || depth > 16) return;
  for (const c of list) {
    if (!isObj(c)) continue;
    count.n++;
    if (out.length < MAX_SBOM_PACKAGES) out.push({ name: str(c.name) ?? '(unnamed)', version: str(c.version), license: cdxLicense(c) });
    cdxComponents(c.components, out, count, depth + 1);
  }
}

/** Reads an SBOM document (already parsed JSON); null when it is neither SPDX nor CycloneDX. */
export function readSbom(doc: unknown): SbomInfo | null {
  if (!isObj(doc)) return null;
  if (typeof doc.spdxVersion === 'string') {
    const list = Array.isArray(doc.packages) ? doc.packages.filter(isObj) : [];
    const packages = list.slice(0, MAX_SBOM_PACKAGES).map((p) => ({ name: str(p.name) ?? '(unnamed)', version: str(p.versionInfo), license: spdxLicense(p) }));
    return { format: 'spdx', specVersion: doc.spdxVersion, name: str(doc.name), packageCount: list.length, packages };
  }
  if (doc.bomFormat === 'CycloneDX') {
    const packages: SbomPackage[] = [];
    const count = { n: 0 };
    cdxComponents(doc.components, packages, count);
    const meta = isObj(doc.metadata) && isObj(doc.metadata.component) ? str(doc.metadata.component.name) : null;
    return { format: 'cyclonedx', specVersion: str(doc.specVersion), name: meta, packageCount: count.n, packages };
  }
  return null;
}

/** Reads SBOM bytes; an unreadable SBOM says why instead of looking empty. */
export function readSbomBytes(bytes: Buffer, what: string): SbomInfo {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { format: 'unreadable', message: `${what} is not JSON (Berth reads SPDX and CycloneDX JSON).` };
  }
  return readSbom(doc) ?? { format: 'unreadable', message: `${what} is JSON but neither SPDX 2.x nor CycloneDX.` };
}

/** The "too large" answer, saying the limit. */
export function sbomTooLarge(what: string, size: number): SbomInfo {
  return { format: 'unreadable', message: `${what} is ${(size / 1048576).toFixed(1)} MB; Berth reads SBOMs of at most ${MAX_SBOM_BYTES / 1048576} MB.` };
}
