/** Printing a benchmark's figures as a table next to the targets and an anchor (another tool's figure). */

/** One line of the table. */
export interface Row {
  figure: string;
  value: string;
  target?: string;
  anchor?: string;
  /** undefined: no target to compare with. */
  meets?: boolean;
}

/** Seconds with two decimals. */
export const secs = (ms: number | null | undefined): string => (ms === null || ms === undefined || !Number.isFinite(ms) ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);

/** Binary megabytes with one decimal. */
export const mib = (bytes: number | null | undefined): string =>
  bytes === null || bytes === undefined || !Number.isFinite(bytes) ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Formats rows as an aligned plain-text table (Markdown-compatible pipes); `anchor` names the comparison column. */
export function table(rows: Row[], anchor = 'Joxit UI 2.6'): string {
  const head = ['Figure', 'Berth', 'Target', anchor, 'Meets target'];
  const cells = rows.map((r) => [r.figure, r.value, r.target ?? '', r.anchor ?? '', r.meets === undefined ? '' : r.meets ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((s, i) => s.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
