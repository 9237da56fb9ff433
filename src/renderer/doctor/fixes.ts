/**
 * The registry doctor's verdicts: each item of RegistryCheck as ok / warn / fail / unknown, and
 * for anything not ok the concrete fix (config snippet, environment variable, what to do in Berth).
 */
import type { RegistryCheck, RegistryInfo } from '../../shared/types';

/** How one item looks. */
export type Verdict = 'ok' | 'warn' | 'fail' | 'unknown';

/** What to do about an item that is not ok. */
export interface Fix {
  text: string;
  /** Config or commands to copy, one snippet per entry. */
  snippets?: { label: string; code: string }[];
}

/** One line of the doctor. */
export interface DoctorItem {
  key: 'reachable' | 'api' | 'auth' | 'catalog' | 'delete' | 'referrers' | 'gc';
  label: string;
  verdict: Verdict;
  value: string;
  fix?: Fix;
}

/** The command that reclaims space on a `registry:2` container (distribution). */
export const GC_DOCKER = 'docker exec <container> registry garbage-collect /etc/docker/registry/config.yml';
/** The same with --delete-untagged. */
export const GC_DOCKER_UNTAGGED = 'docker exec <container> registry garbage-collect --delete-untagged /etc/docker/registry/config.yml';
/** Debian's `docker-registry` package. */
export const GC_DEBIAN = 'docker-registry garbage-collect /etc/docker/registry/config.yml';

const DELETE_CONFIG = 'storage:\n  delete:\n    enabled: true';
const DELETE_ENV = 'REGISTRY_STORAGE_DELETE_ENABLED=true';

const yesNo = (v: boolean | null, yes: string, no: string): string => (v === null ? 'unknown' : v ? yes : no);
const tri = (v: boolean | null, whenFalse: Verdict): Verdict => (v === null ? 'unknown' : v ? 'ok' : whenFalse);

function reachability(check: RegistryCheck, info: RegistryInfo | undefined): DoctorItem {
  const base = info?.baseUrl ?? 'the registry';
  if (check.reachable) return { key: 'reachable', label: 'Reachable', verdict: 'ok', value: 'GET /v2/ answered' };
  const code = check.error?.code;
  const tls = code === 'TLS_UNTRUSTED' || code === 'TLS_FAILURE';
  return {
    key: 'reachable',
    label: 'Reachable',
    verdict: 'fail',
    value: check.error ? `${check.error.code}: ${check.error.message}` : 'no answer',
    fix: tls
      ? { text: 'The registry’s TLS certificate is not trusted. Install its CA on this machine, or (for a test registry only) remove it and add it again with “insecure” allowed.' }
      : {
          text: 'Check that the registry is running and the address is right; from this machine this must answer with HTTP 200 or 401:',
          snippets: [{ label: 'Check from a terminal', code: `curl -i ${base}/v2/` }],
        },
  };
}

function auth(check: RegistryCheck, info: RegistryInfo | undefined): DoctorItem {
  const value = check.authScheme === 'none' ? 'none (anonymous access)' : `${check.authScheme}, ${check.authenticated ? 'signed in' : 'not signed in'}`;
  if (check.authenticated) return { key: 'auth', label: 'Auth scheme', verdict: 'ok', value };
  const code = check.error?.code;
  if (check.error && code !== 'UNAUTHORIZED' && code !== 'AUTH_FAILED' && code !== 'DENIED') {
    // Not a credentials problem (e.g. the address is not a registry): say what happened instead.
    return { key: 'auth', label: 'Auth scheme', verdict: 'fail', value, fix: { text: `${check.error.message} (${check.error.code})` } };
  }
  const host = info?.host ?? '<registry>';
  const how = info?.hasCredentials
    ? `The stored credentials for ${info.username ?? 'this account'} were refused. Remove this registry and add it again with the right username and password (or an access token as the password).`
    : 'The registry wants credentials. Remove this registry and add it again with a username and password (or an access token as the password); Berth keeps them in main, never in the page.';
  return {
    key: 'auth',
    label: 'Auth scheme',
    verdict: 'fail',
    value,
    fix: { text: `${how} They are the same ones \`docker login ${host}\` takes.` },
  };
}

/** Every item of the doctor for `check` (items after "reachable" are unknown when it is not). */
export function diagnose(check: RegistryCheck, info?: RegistryInfo): DoctorItem[] {
  const items: DoctorItem[] = [reachability(check, info)];
  const unreachable = !check.reachable;
  items.push({
    key: 'api',
    label: 'API version',
    verdict: unreachable ? 'unknown' : check.apiVersion ? 'ok' : 'warn',
    value: check.apiVersion ?? (unreachable ? 'unknown' : 'not announced'),
    fix:
      !unreachable && !check.apiVersion
        ? { text: 'The registry did not send Docker-Distribution-API-Version. Some OCI registries omit it; if browsing fails, check that the address points at the registry itself and not at a web page or proxy.' }
        : undefined,
  });
  items.push(unreachable ? { key: 'auth', label: 'Auth scheme', verdict: 'unknown', value: 'unknown' } : auth(check, info));
  items.push({
    key: 'catalog',
    label: 'Catalog available',
    verdict: tri(check.catalog, 'warn'),
    value: yesNo(check.catalog, 'yes (_catalog lists repositories)', 'no'),
    fix:
      check.catalog === false
        ? { text: 'This registry does not list its repositories (Docker Hub, GHCR and registries whose token server withholds registry:catalog:*). Type a repository name (“Open by name”) to browse it.' }
        : undefined,
  });
  items.push({
    key: 'delete',
    label: 'Delete enabled',
    verdict: tri(check.deleteEnabled, 'fail'),
    value: yesNo(check.deleteEnabled, 'enabled', 'disabled'),
    fix:
      check.deleteEnabled === false
        ? {
            text: 'Deleting tags and cleanups need deletes enabled. Add this to the registry’s config.yml, or set the environment variable on the registry:2 container, then restart the registry:',
            snippets: [
              { label: 'config.yml', code: DELETE_CONFIG },
              { label: 'Environment (registry:2 image)', code: DELETE_ENV },
            ],
          }
        : undefined,
  });
  items.push({
    key: 'referrers',
    label: 'OCI referrers API',
    verdict: tri(check.referrers, 'warn'),
    value: yesNo(check.referrers, 'available', 'not available'),
    fix:
      check.referrers === false
        ? { text: 'Not needed to browse, push or delete. Signatures and SBOMs attached through the referrers API (OCI distribution-spec 1.1) can only be listed on registries that implement it.' }
        : undefined,
  });
  items.push({
    key: 'gc',
    label: 'HTTP garbage collection',
    verdict: tri(check.httpGarbageCollect, 'warn'),
    value: yesNo(check.httpGarbageCollect, 'offered (POST /v2/_gc)', 'not offered'),
    fix:
      check.httpGarbageCollect === false
        ? { text: 'Normal for distribution (registry:2): deleted images free their space only when garbage-collect runs on the registry’s host — see “Reclaim space”.' }
        : undefined,
  });
  return items;
}
