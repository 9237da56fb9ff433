/**
 * Docker Hub's pull rate-limit headers (https://docs.docker.com/docker-hub/usage/pulls/):
 * `ratelimit-limit: 100;w=21600` and `ratelimit-remaining: 76;w=21600` (count, then the window
 * in seconds). Read so the app can say how many pulls are left before Hub starts answering 429.
 */
import type { RateLimit } from '../../shared/connection-types';

type Headers = Record<string, string | string[] | undefined>;

/** One header value `N` or `N;w=SECONDS` (extra `;k=v` parameters ignored); null when garbled. */
export function parseRateLimitValue(value: string | string[] | undefined): { count: number; windowSeconds: number | null } | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return null;
  const [head, ...params] = raw.split(';').map((p) => p.trim());
  if (!/^\d{1,15}$/.test(head)) return null;
  let windowSeconds: number | null = null;
  for (const p of params) {
    const m = /^w\s*=\s*(\d{1,15})$/i.exec(p);
    if (m) windowSeconds = Number(m[1]);
  }
  return { count: Number(head), windowSeconds };
}

/**
 * The rate limit an answer announces, or null when it carries no (readable) `ratelimit-remaining`.
 * Hub's own API (hub.docker.com) spells them `x-ratelimit-*`; both spellings are read.
 */
export function parseRateLimit(headers: Headers, now: number = Date.now()): RateLimit | null {
  const pick = (name: string): string | string[] | undefined => headers[name] ?? headers[`x-${name}`];
  const remaining = parseRateLimitValue(pick('ratelimit-remaining'));
  if (!remaining) return null;
  const limit = parseRateLimitValue(pick('ratelimit-limit'));
  return {
    limit: limit?.count ?? null,
    remaining: remaining.count,
    windowSeconds: remaining.windowSeconds ?? limit?.windowSeconds ?? null,
    seenAt: now,
  };
}
