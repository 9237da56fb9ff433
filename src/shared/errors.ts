/**
 * Error codes that travel between main and the renderer (and out of the CLI).
 * The distribution spec's codes (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes)
 * plus Berth's own. Every WireError message says what happened and what to do.
 */
import { redactUrl } from './redact-url';

export const SPEC_ERROR_CODES = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'SIZE_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
  'TOOMANYREQUESTS',
] as const;

export const BERTH_ERROR_CODES = [
  // input and state
  'INVALID_ARGUMENT',
  'INVALID_REFERENCE',
  'REGISTRY_UNKNOWN',
  'HANDLE_UNKNOWN',
  'TAGS_CHANGED',
  'CANCELLED',
  'INTERNAL',
  // network
  'CONNECTION_REFUSED',
  'DNS_FAILURE',
  'TLS_UNTRUSTED',
  'TLS_FAILURE',
  'TLS_PIN_MISMATCH',
  'TIMEOUT',
  'NETWORK',
  'INSECURE_REFUSED',
  // registry behaviour
  'CATALOG_UNAVAILABLE',
  'AUTH_FAILED',
  'CREDENTIAL_HELPER_FAILED',
  'CREDENTIALS_UNREADABLE',
  'DIGEST_MISMATCH',
  'UNEXPECTED_RESPONSE',
  'SERVER_ERROR',
  // archives
  'ARCHIVE_NOT_TAR',
  'ARCHIVE_EMPTY',
  'ARCHIVE_TRUNCATED',
  'ARCHIVE_NO_MANIFEST',
  'ARCHIVE_BAD_JSON',
  'ARCHIVE_MISSING_BLOB',
  'ARCHIVE_UNSAFE_PATH',
  'ARCHIVE_TOO_LARGE',
  'ARCHIVE_UNSUPPORTED',
  'LAYER_DIGEST_MISMATCH',
] as const;

export type SpecErrorCode = (typeof SPEC_ERROR_CODES)[number];
export type BerthErrorCode = (typeof BERTH_ERROR_CODES)[number];
export type ErrorCode = SpecErrorCode | BerthErrorCode;

/** The serialisable shape of an error crossing IPC, HTTP or the CLI's --json. */
export interface WireError {
  code: ErrorCode;
  message: string;
  detail?: unknown;
}

/** What every contract call resolves to: errors are data, never thrown across the boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Thrown inside main and the renderer; converted to WireError at every boundary. */
export class BerthError extends Error {
  readonly code: ErrorCode;
  readonly detail?: unknown;
  constructor(code: ErrorCode, message: string, detail?: unknown) {
    // Messages echo what was typed or answered; a URL in them never keeps its `user:password@`.
    super(redactUrl(message));
    this.name = 'BerthError';
    this.code = code;
    this.detail = detail;
  }
  toWire(): WireError {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

/** Any thrown value as a WireError; unknown errors become INTERNAL with their message. */
export function toWireError(err: unknown): WireError {
  if (err instanceof BerthError) return err.toWire();
  // Before the shape check: Node's AbortError carries a string `code` (ABORT_ERR) too.
  if (err instanceof Error && err.name === 'AbortError') {
    return { code: 'CANCELLED', message: 'The operation was cancelled.' };
  }
  if (isWireError(err)) return { ...err, message: redactUrl(err.message) };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Unexpected error: ${redactUrl(message)}. Please report this as a bug.` };
}

/** Narrowing guard for values that already have the WireError shape. */
export function isWireError(v: unknown): v is WireError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as WireError).code === 'string' &&
    typeof (v as WireError).message === 'string'
  );
}
