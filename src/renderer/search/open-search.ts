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

/** True when a key typed now goes into a text field (so `/` is a character there, not a shortcut). */
export function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || (el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((el as HTMLInputElement).type));
}

/** Which keys open the search: Ctrl/⌘+K anywhere, `/` outside text fields and dialogs. */
export function opensSearch(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'target'>, dialogOpen: boolean): boolean {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') return true;
  return e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !dialogOpen && !typingIn(e.target);
}
