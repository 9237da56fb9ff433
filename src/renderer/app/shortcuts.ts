/**
 * Keyboard shortcuts: one small registry where each screen registers its handlers while it is
 * mounted (`useShortcut`), one window listener that runs the winner, and the list the `?` help
 * overlay shows. When several handlers claim a key, the highest priority wins (a registry-wide
 * search registers Ctrl/Cmd+K with `SHORTCUT_PRIORITY.global` and beats a screen's filter); among
 * equals the latest mounted. A handler that returns `false` passes the key on.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { compareNatural } from '../../shared/natural-order';

/** Keys as written in `keys`: `/`, `?`, `Delete`, `Mod+K` (Ctrl, or ⌘ on macOS), `Mod+Shift+R`. */
export type KeyName = string;

/** Priorities: a screen's own handlers, and app-wide ones that win over them. */
export const SHORTCUT_PRIORITY = { screen: 0, global: 10 } as const;

/** One registered shortcut. */
export interface Shortcut {
  keys: KeyName[];
  /** What it does, as the help overlay says it ("Focus the filter"). */
  description: string;
  /** Section of the help overlay. */
  group?: string;
  priority?: number;
  /** Runs in inputs too (Escape, Mod+K); other keys are left to the field being typed in. */
  inFields?: boolean;
  /** Return `false` when it does not apply now (no row focused): the next handler gets the key. */
  run: (event: KeyboardEvent) => boolean | void;
}

interface Entry {
  shortcut: Shortcut;
  order: number;
}

const entries = new Set<Entry>();
const listeners = new Set<() => void>();
let order = 0;
let snapshot: Shortcut[] = [];

function changed(): void {
  snapshot = [...entries].sort((a, b) => compareNatural(a.shortcut.group ?? '', b.shortcut.group ?? '') || a.order - b.order).map((e) => e.shortcut);
  for (const l of listeners) l();
}

const isMac = (): boolean => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** The key name of an event, as `keys` write it: `Mod+K`, `Shift+?` is just `?`, `Delete`. */
export function keyName(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>, mac = isMac()): KeyName {
  const mod = mac ? e.metaKey : e.ctrlKey;
  const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
  const parts: string[] = [];
  if (mod) parts.push('Mod');
  if (e.altKey) parts.push('Alt');
  // Shift is part of the character for printable keys without a modifier (`?` is Shift+/).
  if (e.shiftKey && (mod || e.altKey || e.key.length > 1)) parts.push('Shift');
  parts.push(mod || e.altKey ? key : e.key);
  return parts.join('+');
}

/** `Mod+K` as this platform writes it: `Ctrl+K` or `⌘K`. */
export function displayKey(key: KeyName, mac = isMac()): string {
  return mac ? key.replace(/^Mod\+/, '⌘').replace('Shift+', '⇧') : key.replace(/^Mod\+/, 'Ctrl+');
}

function inField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT';
}

/** Runs the winning shortcut for a keydown; true when one handled it. Exported for tests. */
export function dispatchShortcut(e: KeyboardEvent): boolean {
  // A modal dialog owns the keyboard (its own Escape); the page behind it is inert.
  if (document.querySelector('dialog[open]')) return false;
  const name = keyName(e);
  const typing = inField(e.target);
  const candidates = [...entries]
    .filter((x) => x.shortcut.keys.includes(name) && (!typing || x.shortcut.inFields))
    .sort((a, b) => (b.shortcut.priority ?? 0) - (a.shortcut.priority ?? 0) || b.order - a.order);
  for (const c of candidates) {
    if (c.shortcut.run(e) !== false) {
      e.preventDefault();
      return true;
    }
  }
  return false;
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('keydown', (e) => {
    if (!e.defaultPrevented) dispatchShortcut(e);
  });
}

/** Registers a shortcut while the calling component is mounted; the latest `run` is always used. */
export function useShortcut(shortcut: Shortcut): void {
  const latest = useRef(shortcut);
  useEffect(() => {
    latest.current = shortcut;
  });
  const { keys, description, group, priority, inFields } = shortcut;
  const keyList = keys.join(' ');
  useEffect(() => {
    install();
    const entry: Entry = {
      shortcut: { keys: keyList.split(' '), description, group, priority, inFields, run: (e) => latest.current.run(e) },
      order: ++order,
    };
    entries.add(entry);
    changed();
    return () => {
      entries.delete(entry);
      changed();
    };
  }, [keyList, description, group, priority, inFields]);
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Every shortcut registered now, grouped (for the help overlay). */
export function useShortcutList(): Shortcut[] {
  return useSyncExternalStore(subscribe, () => snapshot);
}
