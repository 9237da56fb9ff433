/**
 * Paging of `_catalog` and `tags/list` (distribution spec "Listing Tags"/catalog): `n`, `last`,
 * and `Link: <…>; rel="next"` (RFC 8288) resolved against the request URL.
 */

/** Distribution refuses page sizes above this. */
export const MAX_PAGE_SIZE = 1000;

/** Clamps a requested page size into 1…1000; undefined stays undefined (server default). */
export function clampPageSize(n: number | undefined): number | undefined {
  if (n === undefined || !Number.isFinite(n)) return undefined;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(n)));
}

/** The `rel="next"` target of a Link header, resolved against `base`; null when absent. */
export function parseLinkNext(header: string | string[] | undefined, base: URL | string): URL | null {
  if (header === undefined) return null;
  const text = Array.isArray(header) ? header.join(', ') : header;
  for (const link of splitLinks(text)) {
    if (!link.rels.includes('next')) continue;
    try {
      return new URL(link.target, base);
    } catch {
      return null;
    }
  }
  return null;
}

/** Splits a Link header into targets and their `rel` values; commas inside quotes or <> do not split. */
function splitLinks(text: string): { target: string; rels: string[] }[] {
  const out: { target: string; rels: string[] }[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('<', i);
    if (open < 0) break;
    const close = text.indexOf('>', open);
    if (close < 0) break;
    const target = text.slice(open + 1, close);
    // Parameters run to the next comma outside a quoted string.
    let j = close + 1;
    let inQuote = false;
    while (j < text.length && (inQuote || text[j] !== ',')) {
      if (text[j] === '"') inQuote = !inQuote;
      else if (text[j] === '\\' && inQuote) j++;
      j++;
    }
    const params = text.slice(close + 1, j);
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(params);
    out.push({ target, rels: (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/).filter(Boolean) });
    i = j + 1;
  }
  return out;
}

/** The `last` cursor of the next page from a Link header, or null at the end. */
export function nextCursor(header: string | string[] | undefined, base: URL | string): string | null {
  return parseLinkNext(header, base)?.searchParams.get('last') ?? null;
}

/** Query string for a page: `n` (clamped) and `last`. */
export function pageQuery(page: { n?: number; last?: string } | undefined): string {
  const q = new URLSearchParams();
  const n = clampPageSize(page?.n);
  if (n !== undefined) q.set('n', String(n));
  if (page?.last) q.set('last', page.last);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Pages a full list on the client when the registry ignores `n`/`last` (distribution 2.8 does
 * for tags): lexical order, entries after `last`, at most `n`.
 */
export function pageLocally(all: string[], page: { n?: number; last?: string } | undefined): { items: string[]; next: string | null } {
  const sorted = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const after = page?.last ? sorted.filter((t) => t > page.last!) : sorted;
  const n = clampPageSize(page?.n);
  if (n === undefined || after.length <= n) return { items: after, next: null };
  const items = after.slice(0, n);
  return { items, next: items[items.length - 1] };
}
