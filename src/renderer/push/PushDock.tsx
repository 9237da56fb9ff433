/**
 * The push panel, docked at the bottom of the window: a one-line summary when folded; open, a
 * resizable list (never more than 45 % of the window) of uploads on their way in, then every push
 * of the session. It lives outside the routed screen, so it survives navigation. Other features
 * add their own lists of rows through `children` (after the pushes).
 */
import { useId, useRef, type ReactNode } from 'react';
import type { PushSummary, RegistryInfo } from '../../shared/types';
import { useShortcut } from '../app/shortcuts';
import { DockResizer } from './DockResizer';
import { IntakeRow } from './IntakeRow';
import { isFinished, shownPhase } from './push-state';
import { PushRow } from './PushRow';
import type { IntakeItem } from './use-intake';

/** `3 running · 9 done · 1 failed`, or the invitation to drop archives when there is nothing. */
export function dockCounts(pushes: PushSummary[], intake: IntakeItem[]): string {
  const running = pushes.filter((s) => !isFinished(s)).length;
  const by = (phase: string) => pushes.filter((s) => shownPhase(s) === phase).length;
  const uploading = intake.filter((i) => i.status === 'uploading').length;
  const refused = intake.filter((i) => i.status === 'failed' || i.status === 'skipped').length;
  const parts = [
    uploading && `${uploading} uploading`,
    running && `${running} running`,
    by('done') && `${by('done')} done`,
    by('failed') + refused && `${by('failed') + refused} failed`,
    by('cancelled') && `${by('cancelled')} cancelled`,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'Drop docker save archives anywhere in the window';
}

/** The docked region named "Pushes"; "Push archive…" (Ctrl/⌘+O) opens the file chooser for keyboard users. */
export function PushDock(props: {
  pushes: PushSummary[];
  intake: IntakeItem[];
  registries: RegistryInfo[];
  expanded: boolean;
  onToggle: () => void;
  height: number;
  onResize: (height: number) => void;
  onFiles: (files: File[]) => void;
  onDismissIntake: (item: IntakeItem) => void;
  onClearFinished: () => void;
  /** "Change destination…" on a failed push: its pre-flight sheet again, for the same file. */
  onRetarget: (s: PushSummary) => void;
  children?: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  const bodyId = useId();
  const hosts = new Map(props.registries.map((r) => [r.id, r.host]));
  const visibleIntake = props.intake.filter((i) => i.status !== 'ready');
  const empty = props.pushes.length === 0 && visibleIntake.length === 0 && !props.children;
  const finished = props.pushes.filter(isFinished).length;
  const failed = props.pushes.some((s) => shownPhase(s) === 'failed') || visibleIntake.some((i) => i.error);
  useShortcut({ keys: ['Mod+O'], description: 'Push an archive (choose the file)', group: 'Pushes', run: () => input.current?.click() });

  return (
    <section className={props.expanded ? 'push-dock expanded' : 'push-dock'} aria-label="Pushes" data-testid="push-dock">
      {props.expanded && <DockResizer height={props.height} onResize={props.onResize} />}
      <header className="push-dock-head">
        <h2 className="dock-title">
          <button
            type="button"
            className="dock-toggle"
            aria-expanded={props.expanded}
            aria-controls={bodyId}
            title={props.expanded ? 'Fold the push panel to one line' : 'Open the push panel'}
            onClick={props.onToggle}
          >
            <span className="dock-chevron" aria-hidden="true">
              {props.expanded ? '▾' : '▴'}
            </span>
            Pushes
          </button>
        </h2>
        <span className={failed ? 'small-text dock-counts has-failed' : 'muted small-text dock-counts'} data-testid="dock-counts" role="status">
          {dockCounts(props.pushes, props.intake)}
        </span>
        <span className="spacer" />
        {finished > 0 && (
          <button type="button" className="small" onClick={props.onClearFinished}>
            Clear finished
          </button>
        )}
        <button type="button" className="small primary" onClick={() => input.current?.click()}>
          Push archive…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          accept=".tar,.tgz,.gz,application/x-tar,application/gzip"
          data-testid="dock-file-input"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            // Reset so choosing the same file again fires change again.
            e.target.value = '';
            if (files.length) props.onFiles(files);
          }}
        />
      </header>
      {props.expanded && (
        <div className="push-dock-body" id={bodyId}>
          {empty && (
            <p className="muted dock-empty">
              No pushes yet. Drag a docker save archive (.tar, .tar.gz, .tgz) onto the window, or choose one with{' '}
              <b>Push archive…</b>
            </p>
          )}
          {visibleIntake.map((item) => (
            <IntakeRow key={item.key} item={item} onDismiss={() => props.onDismissIntake(item)} />
          ))}
          {props.pushes.map((s) => (
            <PushRow key={s.pushId} summary={s} host={hosts.get(s.request.registryId)} onRetarget={() => props.onRetarget(s)} />
          ))}
          {props.children}
        </div>
      )}
    </section>
  );
}
