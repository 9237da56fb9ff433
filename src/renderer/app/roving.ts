/**
 * Roving tabindex for lists (WAI-ARIA APG): a whole list is one Tab stop. ↑/↓ (and Home/End)
 * move between rows, ←/→ between the controls of a row; the control last focused keeps the Tab
 * stop. Rows are `[data-roving-row]`, their controls `[data-roving-item]`; anything else in the
 * list is left alone. Works on whatever the list renders, so rows can come and go.
 */
import { useEffect, type RefObject } from 'react';

const ROW = '[data-roving-row]';
const ITEM = '[data-roving-item]';

function items(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(ITEM)].filter((el) => !(el as HTMLButtonElement).disabled);
}

/**
 * Gives exactly one control the Tab stop: `keep` if given; else the one that has the focus; else,
 * seen from outside, the current item (`aria-current`), else the last one focused, else the first.
 */
function settle(root: HTMLElement, keep?: HTMLElement | null): void {
  const all = items(root);
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.closest<HTMLElement>(ITEM) : null;
  const stop =
    keep ??
    (focused && all.includes(focused) ? focused : null) ??
    root.querySelector<HTMLElement>(`${ITEM}[aria-current]`) ??
    all.find((el) => el.dataset.rovingLast === '1') ??
    all[0];
  for (const el of all) el.tabIndex = el === stop ? 0 : -1;
  if (keep) {
    for (const el of all) delete el.dataset.rovingLast;
    keep.dataset.rovingLast = '1';
  }
}

function move(root: HTMLElement, from: HTMLElement, key: string): HTMLElement | null {
  const rows = [...root.querySelectorAll<HTMLElement>(ROW)];
  const row = from.closest<HTMLElement>(ROW);
  if (!row) return null;
  const rowItems = (r: HTMLElement) => items(r);
  const r = rows.indexOf(row);
  const i = rowItems(row).indexOf(from);
  switch (key) {
    case 'ArrowDown':
      return rows[r + 1] ? rowItems(rows[r + 1])[0] ?? null : null;
    case 'ArrowUp':
      return rows[r - 1] ? rowItems(rows[r - 1])[0] ?? null : null;
    case 'Home':
      return rows[0] ? rowItems(rows[0])[0] ?? null : null;
    case 'End':
      return rows.length ? rowItems(rows[rows.length - 1])[0] ?? null : null;
    case 'ArrowRight':
      return rowItems(row)[i + 1] ?? null;
    case 'ArrowLeft':
      return rowItems(row)[i - 1] ?? null;
    default:
      return null;
  }
}

/** Makes the list at `ref` one Tab stop; re-settles after every render (`deps`). */
export function useRovingFocus(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const root = ref.current;
    if (root) settle(root);
  });
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const onKey = (e: KeyboardEvent) => {
      const from = (e.target as HTMLElement).closest<HTMLElement>(ITEM);
      if (!from || e.altKey || e.ctrlKey || e.metaKey) return;
      const to = move(root, from, e.key);
      if (!to) return;
      e.preventDefault();
      settle(root, to);
      to.focus();
    };
    const onFocus = (e: FocusEvent) => {
      const item = (e.target as HTMLElement).closest<HTMLElement>(ITEM);
      if (item) settle(root, item);
    };
    root.addEventListener('keydown', onKey);
    root.addEventListener('focusin', onFocus);
    return () => {
      root.removeEventListener('keydown', onKey);
      root.removeEventListener('focusin', onFocus);
    };
  }, [ref]);
}
