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

function parse(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** `3 days ago`; `—` for unknown or unparsable dates (the secondary form, on hover or beside the date). */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  const t = parse(iso);
  if (t === null) return '—';
  const seconds = Math.round((t - now) / 1000);
  for (const [unit, size] of STEPS) {
    if (Math.abs(seconds) >= size || unit === 'second') return RELATIVE.format(Math.round(seconds / size), unit);
  }
  return '—';
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The local calendar day of a date, `2021-06-01`; null when unknown. */
export function dayOf(iso: string | null | undefined): string | null {
  const t = parse(iso);
  if (t === null) return null;
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A date shown with its time when it is this recent. */
export const RECENT_MS = 7 * 24 * 3600_000;

/**
 * The one way dates are shown: the absolute local date (`2021-06-01`), with the time
 * (`2021-06-01 09:00`) when it is recent or when `withTime` says its neighbours share its day;
 * `—` when unknown. The relative form goes on hover or beside it (see `When`).
 */
export function formatDate(iso: string | null | undefined, opts: { withTime?: boolean; now?: number } = {}): string {
  const t = parse(iso);
  if (t === null) return '—';
  const d = new Date(t);
  const day = dayOf(iso)!;
  const recent = Math.abs((opts.now ?? Date.now()) - t) < RECENT_MS;
  return opts.withTime || recent ? `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}` : day;
}

/** The days that more than one of `dates` falls on: rows on those days show their time too. */
export function sharedDays(dates: Iterable<string | null | undefined>): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const iso of dates) {
    const day = dayOf(iso);
    if (day === null) continue;
    if (seen.has(day)) shared.add(day);
    seen.add(day);
  }
  return shared;
}

/** A date in UTC to the minute, `2026-11-23 13:36 UTC` (certificates), from ISO or OpenSSL's form; the text itself when unparsable. */
export function formatDateUtc(text: string): string {
  const t = Date.parse(text);
  if (Number.isNaN(t)) return text;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
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
