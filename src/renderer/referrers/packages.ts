/** Searching an SBOM's packages: every word must appear in the name, version or license. */
import type { SbomPackage } from '../../shared/supply-chain-types';

/** The packages matching `query` (case-insensitive, words anywhere), in SBOM order. */
export function filterPackages(packages: readonly SbomPackage[], query: string): SbomPackage[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...packages];
  return packages.filter((p) => {
    const text = `${p.name} ${p.version ?? ''} ${p.license ?? ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
