/**
 * Turns registry answers and network failures into BerthErrors whose messages say what
 * happened and what to do. Spec error body: distribution-spec "Error Codes"
 * (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes).
 */
import { BerthError, SPEC_ERROR_CODES, type ErrorCode, type SpecErrorCode } from '../../shared/errors';
import { altNamesOf, describeTlsProblem, tlsProblemOf } from './tls-problems';

/** One entry of the spec's `{"errors": [...]}` body. */
export interface SpecError {
  code: string;
  message: string;
  detail?: unknown;
}

/** Parses `{"errors":[{code,message,detail}]}`; returns [] for anything else (HTML, plain text, empty). */
export function parseErrorBody(text: string): SpecError[] {
  if (!text || !text.trimStart().startsWith('{')) return [];
  try {
    const parsed = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string')
      .map((e) => ({
        code: String(e.code).toUpperCase(),
        message: typeof e.message === 'string' ? e.message : '',
        ...(e.detail !== undefined ? { detail: e.detail } : {}),
      }));
  } catch {
    return [];
  }
}

/** What the failed call was about, so messages can name it. */
export interface ErrorContext {
  method: string;
  url: URL;
  /** Whether credentials were configured (changes the 401 advice). */
  hasCredentials?: boolean;
}

const SPEC_CODES = new Set<string>(SPEC_ERROR_CODES);

function describeTarget(url: URL): string {
  const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/(.*)$/.exec(url.pathname);
  if (!m) return url.host;
  const [, repo, kind, ref] = m;
  const r = decodeURIComponent(ref);
  if (kind === 'manifests') return r.includes(':') ? `${repo}@${r}` : `${repo}:${r}`;
  if (kind === 'blobs') return r.startsWith('uploads') ? `an upload to ${repo}` : `blob ${r} in ${repo}`;
  return repo;
}

function repoOf(url: URL): string | null {
  const m = /^\/v2\/(.+?)\/(manifests|blobs|tags|referrers)\//.exec(url.pathname);
  return m ? m[1] : null;
}

/** Human message for a spec (or status-derived) code, with the registry's own words appended. */
export function messageFor(code: ErrorCode, ctx: ErrorContext, registrySaid?: string): string {
  const host = ctx.url.host;
  const target = describeTarget(ctx.url);
  const repo = repoOf(ctx.url);
  let msg: string;
  switch (code) {
    case 'NAME_UNKNOWN':
      msg = `Repository ${repo ?? target} does not exist on ${host}. Check the name, or refresh the repository list.`;
      break;
    case 'MANIFEST_UNKNOWN':
      msg = `${target} was not found on ${host}; it may have been deleted. Refresh the list and try again.`;
      break;
    case 'BLOB_UNKNOWN':
      msg = `The registry does not have ${target}. The image may be incomplete or garbage-collected; push it again.`;
      break;
    case 'MANIFEST_BLOB_UNKNOWN':
      msg = `The registry is missing a blob the manifest refers to. Push every layer before the manifest, then retry.`;
      break;
    case 'MANIFEST_INVALID':
      msg = `The registry rejected the manifest as invalid. Check the image's manifest and retry the push.`;
      break;
    case 'DIGEST_INVALID':
      msg = `The registry rejected a digest for ${target}. Make sure you used a digest (sha256:…), and retry.`;
      break;
    case 'NAME_INVALID':
      msg = `The repository name is not valid on ${host}. Use lowercase letters, digits, and separators (. _ - /).`;
      break;
    case 'SIZE_INVALID':
      msg = `The registry rejected an upload because its size did not match. Retry the push.`;
      break;
    case 'BLOB_UPLOAD_INVALID':
    case 'BLOB_UPLOAD_UNKNOWN':
      msg = `The registry lost or rejected a blob upload. Retry the push; if it keeps failing, check the registry's storage.`;
      break;
    case 'UNAUTHORIZED':
      msg = ctx.hasCredentials
        ? `${host} refused the credentials. Check the username and password (or token) in the registry's settings.`
        : `${host} requires you to log in. Add a username and password (or token) in the registry's settings.`;
      break;
    case 'DENIED':
      msg = `${host} denied access to ${repo ?? target}. Check that the account has permission for this action.`;
      break;
    case 'UNSUPPORTED':
      msg = `${host} does not support this operation (${ctx.method} ${ctx.url.pathname}).`;
      break;
    case 'TOOMANYREQUESTS':
      msg = `${host} is rate limiting requests. Wait a while and try again.`;
      break;
    case 'CATALOG_UNAVAILABLE':
      msg = `${host} does not offer a repository catalog. Open a repository by name instead.`;
      break;
    case 'SERVER_ERROR':
      msg = `${host} had an internal error. Check the registry's logs and try again.`;
      break;
    default:
      msg = `${host} answered ${ctx.method} ${ctx.url.pathname} unexpectedly. Check the registry URL and try again.`;
  }
  return registrySaid ? `${msg} (Registry said: ${registrySaid})` : msg;
}

function codeForStatus(status: number, url: URL): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status === 405) return 'UNSUPPORTED';
  if (status >= 500) return 'SERVER_ERROR';
  if (status === 404) {
    const p = url.pathname;
    if (p === '/v2/_catalog') return 'CATALOG_UNAVAILABLE';
    if (/\/manifests\/[^/]+$/.test(p)) return 'MANIFEST_UNKNOWN';
    if (/\/blobs\/uploads\//.test(p)) return 'BLOB_UPLOAD_UNKNOWN';
    if (/\/blobs\/[^/]+$/.test(p)) return 'BLOB_UNKNOWN';
    return 'NAME_UNKNOWN';
  }
  return 'UNEXPECTED_RESPONSE';
}

/** Maps a non-success HTTP answer (status + body text) to a BerthError. */
export function httpError(status: number, bodyText: string, ctx: ErrorContext): BerthError {
  const specErrors = parseErrorBody(bodyText);
  const first = specErrors.find((e) => SPEC_CODES.has(e.code));
  // A 401 is about the credentials whatever code the body carries; 403 likewise about permission.
  let code: ErrorCode;
  if (status === 401) code = 'UNAUTHORIZED';
  else if (first) code = first.code as SpecErrorCode;
  else code = codeForStatus(status, ctx.url);
  if (code === 'UNEXPECTED_RESPONSE' && status === 400 && /HTTP request to an HTTPS server/i.test(bodyText)) {
    return new BerthError('TLS_FAILURE', `${ctx.url.host} speaks https, not http. Change the registry URL to https://${ctx.url.host}.`, { status });
  }
  const said = first?.message || specErrors[0]?.message || undefined;
  const detail = { status, ...(specErrors.length ? { errors: specErrors } : {}) };
  const msg = messageFor(code, ctx, said && !/^(unauthorized|authentication required)$/i.test(said) ? said : undefined);
  return new BerthError(code, code === 'UNEXPECTED_RESPONSE' ? `${msg} (HTTP ${status})` : msg, detail);
}

/**
 * A redirect target (object storage, a CDN) answered 401: Berth never answers another origin's
 * challenge with the registry's credentials (DESIGN "HTTP discipline"), so the call ends here.
 */
export function redirectTargetChallenge(registryHost: string, method: string, asked: URL, target: URL): BerthError {
  const what = /^\/v2\/.+\/(manifests|blobs)\//.test(asked.pathname) ? describeTarget(asked) : asked.pathname;
  return new BerthError(
    'UNEXPECTED_RESPONSE',
    `${registryHost} redirected ${method} ${what} to ${target.host}, which asked for credentials (HTTP 401). ` +
      `Berth refused to send the credentials saved for ${registryHost} to another host. Storage redirects must carry their own access (signed URLs): check the registry's storage settings.`,
    { status: 401, redirectedTo: target.host },
  );
}

const TLS_UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function errorCodes(err: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown): void => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') out.push(c);
    walk((e as { cause?: unknown }).cause);
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner)) inner.forEach(walk);
  };
  walk(err);
  return out;
}

function isAbort(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: string; code?: string };
  return e.name === 'AbortError' || e.code === 'ABORT_ERR' || e.code === 'UND_ERR_ABORTED' || e.code === 'UND_ERR_ABORT';
}

/** The refused certificate, when the error carries it (host-name errors and the engine's connector do). */
function certOf(err: unknown): PeerCert | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const cert = (e as { cert?: unknown }).cert;
    if (cert && typeof cert === 'object') return cert as PeerCert;
  }
  return undefined;
}

type PeerCert = { valid_from?: string; valid_to?: string; subjectaltname?: string; fingerprint256?: string };

/** TLS_UNTRUSTED naming the problem (expired when, valid for which names) in the words the UI uses. */
function untrusted(nodeCode: string, err: unknown, url: URL): BerthError {
  const cert = certOf(err);
  const problem = tlsProblemOf(nodeCode);
  const altNames = altNamesOf(cert?.subjectaltname);
  const facts = { host: url.host, code: nodeCode, validFrom: cert?.valid_from, validTo: cert?.valid_to, altNames };
  const detail = { problem, nodeCode, ...(cert?.fingerprint256 ? { sha256: cert.fingerprint256 } : {}) };
  return new BerthError('TLS_UNTRUSTED', describeTlsProblem(problem, facts), detail);
}

/** Maps an undici/Node failure (no HTTP answer) to a named BerthError. Passes BerthErrors through. */
export function networkError(err: unknown, url: URL): BerthError {
  if (err instanceof BerthError) return err;
  const host = url.host;
  if (isAbort(err)) return new BerthError('CANCELLED', 'The request was cancelled.');
  const codes = errorCodes(err);
  const text = err instanceof Error ? err.message : String(err);
  const has = (...cs: string[]): boolean => codes.some((c) => cs.includes(c));
  if (has('ECONNREFUSED')) {
    return new BerthError('CONNECTION_REFUSED', `Nothing is listening at ${host}; is the registry running? Check the address and port.`);
  }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL')) {
    return new BerthError('DNS_FAILURE', `The host name ${url.hostname} could not be resolved. Check the registry address and your network/DNS.`);
  }
  const certCode = codes.find((c) => TLS_UNTRUSTED_CODES.has(c) || c.startsWith('CERT_'));
  if (certCode) return untrusted(certCode, err, url);
  if (codes.some((c) => c.startsWith('ERR_SSL') || c.startsWith('ERR_TLS') || c === 'EPROTO') || /SSL|TLS/.test(text)) {
    return new BerthError('TLS_FAILURE', `The TLS handshake with ${host} failed (${text}). Check that the URL's scheme (http/https) matches the registry.`);
  }
  if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) {
    return new BerthError('TIMEOUT', `Connecting to ${host} timed out. Check that the registry is up and reachable from this machine.`);
  }
  if (has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')) {
    return new BerthError('TIMEOUT', `${host} stopped answering (timed out). Try again; if it persists, check the registry's health.`);
  }
  if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CLOSED')) {
    return new BerthError('NETWORK', `The connection to ${host} failed (${codes[0]}). Check the network and try again.`);
  }
  return new BerthError('NETWORK', `Could not talk to ${host}: ${text}. Check the registry address and try again.`);
}
