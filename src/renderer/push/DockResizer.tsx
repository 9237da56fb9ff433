/** The push panel's top edge: drag it, or focus it and use ↑/↓ (Home/End), to resize the panel. */
import type { KeyboardEvent, PointerEvent } from 'react';
import { DOCK_MIN_PX, maxDockHeight } from './dock-state';

const STEP_PX = 24;

/** A horizontal separator (WAI-ARIA window splitter) whose value is the panel's height in pixels. */
export function DockResizer(props: { height: number; onResize: (height: number) => void }) {
  const max = maxDockHeight(window.innerHeight);
  const onKey = (e: KeyboardEvent) => {
    const next =
      e.key === 'ArrowUp' ? props.height + STEP_PX : e.key === 'ArrowDown' ? props.height - STEP_PX : e.key === 'Home' ? DOCK_MIN_PX : e.key === 'End' ? max : null;
    if (next === null) return;
    e.preventDefault();
    props.onResize(next);
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const startY = e.clientY;
    const start = props.height;
    const move = (ev: globalThis.PointerEvent) => props.onResize(start + (startY - ev.clientY));
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
  };
  return (
    <div
      className="dock-resizer"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the push panel"
      aria-valuemin={DOCK_MIN_PX}
      aria-valuemax={max}
      aria-valuenow={Math.min(props.height, max)}
      tabIndex={0}
      onKeyDown={onKey}
      onPointerDown={onPointerDown}
      data-testid="dock-resizer"
    />
  );
}
