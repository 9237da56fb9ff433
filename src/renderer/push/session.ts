/**
 * What the renderer remembers about pushes beyond the engine's list: pushes the user dismissed
 * (kept in sessionStorage so a reload of the web shell does not bring them back), handles
 * already released, and the destinations a push was started for. A push's state itself lives
 * only in the query cache (queries.ts).
 */
import type { FileHandle, PushId } from '../../shared/types';

const DISMISSED_KEY = 'berth.pushes.dismissed';
const DISMISSED_CAP = 200;

function readDismissed(): string[] {
  try {
    const raw = sessionStorage.getItem(DISMISSED_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** True when the user dismissed this push in this tab's session. */
export function isDismissed(pushId: PushId): boolean {
  return readDismissed().includes(pushId);
}

/** Remembers a dismissal (bounded, oldest forgotten first). */
export function rememberDismissed(pushId: PushId): void {
  const list = readDismissed().filter((id) => id !== pushId);
  list.push(pushId);
  try {
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify(list.slice(-DISMISSED_CAP)));
  } catch {
    // Storage full or disabled: the dismissal holds until the next reload, which is acceptable.
  }
}

const released = new Set<FileHandle>();

/** Marks a handle released; false when it already was (release exactly once per tab). */
export function markReleased(handle: FileHandle): boolean {
  if (released.has(handle)) return false;
  released.add(handle);
  return true;
}

const destinations = new Map<PushId, string[]>();

/** Remembers the `repo:tag` list a push was started for (the engine's summary only has the request). */
export function rememberDestinations(pushId: PushId, refs: string[]): void {
  destinations.set(pushId, refs);
}

/** The `repo:tag` list remembered for a push, if it was started in this page. */
export function destinationsOf(pushId: PushId): string[] | undefined {
  return destinations.get(pushId);
}
