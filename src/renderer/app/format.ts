/** Display helpers shared by every screen. */
import type { Platform } from '../../shared/types';

/** `sha256:0123456789ab…` → `0123456789ab` (what docker shows). */
export function shortDigest(digest: string): string {
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/** Bytes in SI units like docker does (`12.3 MB`). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** `3 days ago`; `—` for unknown or unparsable dates. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const seconds = Math.round((t - now) / 1000);
  for (const [unit, size] of STEPS) {
    if (Math.abs(seconds) >= size || unit === 'second') return RELATIVE.format(Math.round(seconds / size), unit);
  }
  return '—';
}

/** `linux/arm64/v8`. */
export function formatPlatform(p: Platform | null | undefined): string {
  if (!p) return '—';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** A stable hue per digest, so tags sharing one get the same chip color. */
export function digestHue(digest: string): number {
  const hex = shortDigest(digest);
  const n = Number.parseInt(hex.slice(0, 6), 16);
  return Number.isNaN(n) ? 210 : n % 360;
}

/** `n tag(s)` with the right plural. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
