/** The index's age as the status line, the reclaim line and the search say it. */
import { formatRelative } from '../app/format';

/** `3 minutes ago`, and `just now` where the relative format says `now` ("index as of now" reads oddly). */
export function indexAge(iso: string | null | undefined, now = Date.now()): string {
  const text = formatRelative(iso, now);
  return text === 'now' ? 'just now' : text;
}
