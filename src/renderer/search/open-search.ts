/**
 * Whether the search dialog is open, for which registry and with which query: a tiny store any
 * screen can open it through (the search button, Ctrl/⌘+K and `/`, the image view's "Images
 * built on this one").
 */
import { useSyncExternalStore } from 'react';

/** The dialog's state. */
export interface SearchState {
  open: boolean;
  registryId?: string;
  query: string;
  /** Bumped on every open, so an open with the same query still resets the dialog. */
  opened: number;
}

let state: SearchState = { open: false, query: '', opened: 0 };
const listeners = new Set<() => void>();

function set(next: SearchState): void {
  state = next;
  for (const l of listeners) l();
}

/** Opens the search (for `registryId` when given, else the registry on screen), with `query` typed in. */
export function openSearch(opts: { registryId?: string; query?: string } = {}): void {
  set({ open: true, registryId: opts.registryId, query: opts.query ?? '', opened: state.opened + 1 });
}

/** Closes the search. */
export function closeSearch(): void {
  set({ ...state, open: false });
}

/** The current state, re-rendering on change. */
export function useSearchState(): SearchState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}
