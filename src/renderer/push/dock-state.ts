/**
 * The push panel's open/closed state and height, remembered across reloads (localStorage), and
 * its automatic moves: it opens when a push or upload starts and folds to its one-line summary
 * when everything is done — unless something failed meanwhile, so a failure stays in sight.
 */
import { useCallback, useEffect, useState } from 'react';

const KEY = 'berth.pushDock';
/** Smallest height of the open panel (header plus about one row). */
export const DOCK_MIN_PX = 120;
/** Height of the open panel until the user drags it. */
export const DOCK_DEFAULT_PX = 280;
/** The panel never takes more of the window than this (CSS caps it the same way): the main content keeps the rest. */
export const DOCK_MAX_SHARE = 0.45;

interface Stored {
  expanded?: boolean;
  height?: number;
}

function read(): Stored {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    if (!v || typeof v !== 'object') return {};
    const { expanded, height } = v as Stored;
    return {
      ...(typeof expanded === 'boolean' ? { expanded } : {}),
      ...(typeof height === 'number' && Number.isFinite(height) ? { height } : {}),
    };
  } catch {
    return {};
  }
}

function write(patch: Stored): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...read(), ...patch }));
  } catch {
    // Storage full or disabled: the state holds until the next reload.
  }
}

/** The largest height for a window this tall. */
export function maxDockHeight(windowHeight: number): number {
  return Math.max(DOCK_MIN_PX, Math.floor(windowHeight * DOCK_MAX_SHARE));
}

/**
 * `busy`: a push runs or a file uploads (undefined until the push list has loaded); `failed`: how
 * many listed pushes failed. Returns the state and its setters; every change is remembered.
 */
export function useDockState(busy: boolean | undefined, failed: number) {
  const [expanded, setExpandedState] = useState<boolean>(() => read().expanded ?? false);
  const [height, setHeightState] = useState<number>(() => read().height ?? DOCK_DEFAULT_PX);
  // What the panel saw last: busy or not, and how many had failed when the busy spell began
  // (undefined until the push list first loaded; null while nothing runs).
  const [seen, setSeen] = useState<{ busy: boolean | undefined; failedAtStart: number | null | undefined }>({ busy: undefined, failedAtStart: undefined });
  // Decided during render (derived state), so the panel never shows a finished list open for a
  // frame before it folds. A push starting opens it; all done folds it unless a push failed
  // meanwhile; what was already running when the page loaded leaves the remembered state alone.
  if (busy !== undefined && busy !== seen.busy) {
    let failedAtStart = seen.failedAtStart;
    if (failedAtStart === undefined) {
      failedAtStart = busy ? failed : null;
      if (read().expanded === undefined) setExpandedState(busy);
    } else if (busy && failedAtStart === null) {
      failedAtStart = failed;
      setExpandedState(true);
    } else if (!busy && failedAtStart !== null) {
      if (failed <= failedAtStart) setExpandedState(false);
      failedAtStart = null;
    }
    setSeen({ busy, failedAtStart });
  }
  const initialised = seen.failedAtStart !== undefined;
  useEffect(() => {
    if (initialised) write({ expanded });
  }, [expanded, initialised]);

  const setExpanded = useCallback((v: boolean) => {
    setExpandedState(v);
    write({ expanded: v });
  }, []);
  const setHeight = useCallback((h: number) => {
    const clamped = Math.round(Math.min(Math.max(h, DOCK_MIN_PX), maxDockHeight(window.innerHeight)));
    setHeightState(clamped);
    write({ height: clamped });
  }, []);

  useEffect(() => {
    document.documentElement.style.setProperty('--push-dock-user', `${height}px`);
  }, [height]);

  return { expanded, setExpanded, height, setHeight };
}
