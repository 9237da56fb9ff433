/**
 * The window's frame: sidebar, main screen, an optional side panel (pushes will live there) and
 * an overlay slot over everything (the global drop target for `docker save` archives).
 */
import type { ReactNode } from 'react';

/** Slots are plain nodes so later features plug in without touching the screens. */
export function Layout(props: { sidebar: ReactNode; children: ReactNode; sidePanel?: ReactNode; overlay?: ReactNode }) {
  return (
    <div className={props.sidePanel ? 'layout with-panel' : 'layout'}>
      {props.sidebar}
      <main className="main" id="main" tabIndex={-1}>
        {props.children}
      </main>
      {props.sidePanel && (
        <aside className="side-panel" aria-label="Activity">
          {props.sidePanel}
        </aside>
      )}
      {props.overlay}
    </div>
  );
}
