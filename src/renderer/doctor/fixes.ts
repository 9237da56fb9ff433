/**
 * The registry doctor's verdicts: each item of RegistryCheck as ok / info / warn / fail / unknown,
 * and for anything not ok the concrete fix (config snippet, environment variable, what to do in
 * Berth). `info` is for what is normal and needs nothing done (no HTTP garbage collection on
 * distribution): it never counts as a warning.
 */
import type { RegistryCheck, RegistryInfo } from '../../shared/types';

/** How one item looks. */
export type Verdict = 'ok' | 'info' | 'warn' | 'fail' | 'unknown';

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
  if (code === 'TLS_UNTRUSTED' || code === 'TLS_FAILURE' || code === 'TLS_PIN_MISMATCH') {
    return { key: 'reachable', label: 'Reachable', verdict: 'fail', value: `${code}: ${check.error!.message}`, fix: tlsFix(code, info) };
  }
  if (code === 'CREDENTIAL_HELPER_FAILED' || code === 'CREDENTIALS_UNREADABLE') {
    // Nothing was sent: the registry may be fine, so no "is it running?" advice (the panel above has the message).
    return {
      key: 'reachable',
      label: 'Reachable',
      verdict: 'fail',
      value: `not checked (${code})`,
      fix: { text: 'Berth could not look up the credentials for this registry, so it did not contact it. Fix the credential helper or Docker config named above, or use “Edit registry” to choose anonymous access or a username and password.' },
    };
  }
  return {
    key: 'reachable',
    label: 'Reachable',
    verdict: 'fail',
    value: check.error ? `${check.error.code}: ${check.error.message}` : 'no answer',
    fix: {
      text: 'Check that the registry is running and the address is right; from this machine this must answer with HTTP 200 or 401:',
      snippets: [{ label: 'Check from a terminal', code: `curl -i ${base}/v2/` }],
    },
  };
}

/** TLS problems are fixed in the registry's own TLS settings, never by re-adding it. */
function tlsFix(code: 'TLS_UNTRUSTED' | 'TLS_FAILURE' | 'TLS_PIN_MISMATCH', info: RegistryInfo | undefined): Fix {
  const where = `“Edit registry” → TLS${info ? ` for ${info.name}` : ''}`;
  if (code === 'TLS_PIN_MISMATCH') {
    return { text: `The registry presents a different certificate from the one you trusted. If its administrator renewed it, compare the new fingerprint and choose “Trust this certificate”; otherwise someone may be intercepting the connection. To trust its CA instead, use ${where} → “Trust a CA file”.` };
  }
  if (code === 'TLS_FAILURE') {
    return { text: `The TLS handshake failed. Check that the registry serves HTTPS on this port (or, for plain http to another machine, tick “Insecure (http)” in ${where}).` };
  }
  return {
    text: `The registry’s TLS certificate is not trusted. In ${where}, choose “Trust a CA file” with the CA that signed it, or “Trust the certificate it presents” after comparing its fingerprint with the registry’s:`,
    snippets: [{ label: 'Fingerprint, on the registry’s host', code: 'openssl x509 -noout -fingerprint -sha256 -in <certificate.pem>' }],
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
  const how =
    info?.auth === 'password' && info.hasCredentials
      ? `The saved credentials for ${info.username ?? 'this account'} were refused. Use “Edit registry” and type the right password (or an access token as the password).`
      : info?.auth === 'auto'
        ? `The registry wants credentials and none were found for ${host}. Run \`docker login ${host}\`, or use “Edit registry” → “Username and password”.`
        : 'The registry wants credentials. Use “Edit registry” → “Username and password” (an access token works as the password); Berth keeps them in main, never in the page.';
  return {
    key: 'auth',
    label: 'Auth scheme',
    verdict: 'fail',
    value,
    fix: { text: info?.auth === 'auto' ? how : `${how} They are the same ones \`docker login ${host}\` takes.` },
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
        ? { text: 'This registry does not list its repositories (Docker Hub, GHCR and registries whose token server withholds registry:catalog:*). Add the repositories you use with “Add repository” below; Berth keeps them in the list.' }
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
    verdict: tri(check.referrers, 'info'),
    value: yesNo(check.referrers, 'available', 'not available'),
    fix:
      check.referrers === false
        ? { text: 'Not needed to browse, push or delete. Signatures and SBOMs attached through the referrers API (OCI distribution-spec 1.1) can only be listed on registries that implement it.' }
        : undefined,
  });
  items.push({
    key: 'gc',
    label: 'HTTP garbage collection',
    verdict: tri(check.httpGarbageCollect, 'info'),
    value: yesNo(check.httpGarbageCollect, 'offered (POST /v2/_gc)', 'not offered'),
    fix:
      check.httpGarbageCollect === false
        ? { text: 'Normal for distribution (registry:2): deleted images free their space only when garbage-collect runs on the registry’s host — see “Reclaim space”.' }
        : undefined,
  });
  return items;
}
