/**
 * The identity in a keyless (Fulcio) signing certificate: the SAN (e-mail or URI) and the OIDC
 * issuer from Fulcio's extensions, which node:crypto's X509Certificate does not expose — so the
 * extensions are read with a small DER walker (RFC 5280 §4.1; Fulcio's OID registry:
 * https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md).
 */
import { X509Certificate } from 'node:crypto';
import type { CertificateIdentity } from './types';

/** Fulcio's OIDC issuer: `.1.8` holds a DER UTF8String, the deprecated `.1.1` the raw string. */
export const FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
export const FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function readTlv(buf: Buffer, at: number): Tlv & { next: number } {
  if (at + 2 > buf.length) throw new Error('DER ends early');
  const tag = buf[at];
  let len = buf[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > buf.length) throw new Error('DER length not supported');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  const end = start + len;
  if (end > buf.length) throw new Error('DER ends early');
  return { tag, start, end, next: end };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const t = readTlv(buf, at);
    out.push(t);
    at = t.next;
  }
  return out;
}

function oidString(bytes: Buffer): string {
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    v = v * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** The extensions of a DER certificate as OID → extnValue contents. */
export function certificateExtensions(der: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const cert = readTlv(der, 0);
  const tbs = children(der, cert)[0];
  // Extensions are the tbsCertificate's [3] EXPLICIT field (context tag 0xa3).
  const ext = children(der, tbs).find((t) => t.tag === 0xa3);
  if (!ext) return out;
  const list = children(der, ext)[0];
  for (const e of children(der, list)) {
    const parts = children(der, e);
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (oid?.tag !== 0x06 || value?.tag !== 0x04) continue;
    out.set(oidString(der.subarray(oid.start, oid.end)), der.subarray(value.start, value.end));
  }
  return out;
}

function utf8OrRaw(value: Buffer): string {
  // A DER string type (UTF8String, IA5String, PrintableString) wraps the text; .1.1 is the text itself.
  if (value.length >= 2 && [0x0c, 0x16, 0x13].includes(value[0])) {
    try {
      const t = readTlv(value, 0);
      if (t.end === value.length) return value.subarray(t.start, t.end).toString('utf8');
    } catch {
      // not DER after all
    }
  }
  return value.toString('utf8');
}

/** SAN entries of a certificate (`email:…`, `URI:…`), as node prints them, split safely. */
function sanEntries(san: string | undefined): { type: string; value: string }[] {
  if (!san) return [];
  const out: { type: string; value: string }[] = [];
  // Node quotes values containing commas ("URI:\"a,b\""), so split only outside quotes.
  const re = /(\w+):("(?:[^"\\]|\\.)*"|[^,]*)(?:,\s*|$)/g;
  for (const m of san.matchAll(re)) {
    if (!m[1]) continue;
    const raw = m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2];
    out.push({ type: m[1], value: raw.trim() });
  }
  return out;
}

/** Reads who a PEM certificate was issued to and by which OIDC issuer; null when it is not a certificate. */
export function readCertificateIdentity(pem: string): CertificateIdentity | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return null;
  }
  const san = sanEntries(cert.subjectAltName);
  const subject = san.find((e) => e.type === 'email')?.value ?? san.find((e) => e.type === 'URI')?.value ?? null;
  let issuer: string | null;
  try {
    const ext = certificateExtensions(cert.raw);
    const v2 = ext.get(FULCIO_ISSUER_V2);
    const v1 = ext.get(FULCIO_ISSUER_V1);
    issuer = v2 ? utf8OrRaw(v2) : v1 ? v1.toString('utf8') : null;
  } catch {
    issuer = null;
  }
  return { subject, issuer, certificateIssuer: cert.issuer.replace(/\n/g, ', '), validFrom: cert.validFrom, validTo: cert.validTo };
}
