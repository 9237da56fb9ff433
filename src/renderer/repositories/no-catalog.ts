/** When a failed catalog means "this registry does not list repositories" rather than "something broke". */
import type { ErrorCode } from '../../shared/errors';
import type { RegistryCheck, RegistryInfo } from '../../shared/types';
import { NO_CATALOG_CODES } from './queries';

/** Refusals that, once signed in (or on Docker Hub), only mean the catalog is withheld. */
const WITHHELD_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UNAUTHORIZED', 'DENIED']);

/**
 * Docker Hub answers `_catalog` with 401 even with a token, GHCR with 404/401, and token servers
 * may withhold `registry:catalog:*`; a 401 while `/v2/` itself accepted us is the same thing.
 */
export function catalogMissing(code: ErrorCode | null, check: RegistryCheck | undefined, info: RegistryInfo | undefined): boolean {
  if (code !== null && NO_CATALOG_CODES.has(code)) return true;
  if (code !== null && WITHHELD_CODES.has(code)) return !!info?.dockerHub || check?.authenticated === true;
  return false;
}
