/** SHA-256 certificate fingerprints in the one form Berth stores and shows: `AB:CD:…` (Node's `fingerprint256`). */

/** 32 upper-case hex pairs joined by `:`. */
export const SHA256_FINGERPRINT_RE = /^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/;

/** Upper-case hex pairs joined by `:`, whatever separators or case were pasted (an odd digit stays, so it stays invalid). */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/.{1,2}/g)?.join(':') ?? '';
}

/** True when `text`, normalised, is a SHA-256 fingerprint. */
export const isFingerprint = (text: string): boolean => SHA256_FINGERPRINT_RE.test(normalizeFingerprint(text));
