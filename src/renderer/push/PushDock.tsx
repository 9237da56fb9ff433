/**
 * The push panel, docked at the bottom of the window and collapsible: uploads on their way in,
 * then every push of the session. It lives outside the routed screen, so it survives navigation.
 */
import { useId, useRef } from 'react';
import type { TransferSummary } from '../../shared/transfer-types';
import type { PushSummary, RegistryInfo } from '../../shared/types';
import { ErrorNote } from '../app/ErrorNote';
import { formatBytes } from '../app/format';
import { Bar, PushRow } from './PushRow';
import { isFinished, percent, shownPhase } from './push-state';
import { transferCounts, TransfersList } from '../transfer/TransfersList';
import type { IntakeItem } from './use-intake';

function counts(pushes: PushSummary[], intake: IntakeItem[]): string {
  const running = pushes.filter((s) => !isFinished(s)).length;
  const done = pushes.filter((s) => shownPhase(s) === 'done').length;
  const failed = pushes.filter((s) => shownPhase(s) === 'failed').length;
  const cancelled = pushes.filter((s) => shownPhase(s) === 'cancelled').length;
  const uploading = intake.filter((i) => i.status === 'uploading').length;
  const parts = [
    uploading && `${uploading} uploading`,
    running && `${running} running`,
    done && `${done} done`,
    failed && `${failed} failed`,
    cancelled && `${cancelled} cancelled`,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'Drop docker save archives anywhere in the window';
}

function IntakeRow(props: { item: IntakeItem; onDismiss: () => void }) {
  const { item } = props;
  const pct = percent(item.sent, item.total);
  return (
    <article className={`intake-row status-${item.status}`} data-testid="intake-row" data-status={item.status}>
      <header className="push-row-head">
        <span className="push-file">{item.name}</span>
        <span className="muted small-text">{formatBytes(item.size)}</span>
        <span className="spacer" />
        {(item.status === 'failed' || item.status === 'skipped') && (
          <button type="button" className="small" onClick={props.onDismiss}>
            Dismiss
          </button>
        )}
      </header>
      {item.status === 'uploading' && (
        <div className="push-totals">
          <Bar value={pct} label={`Upload of ${item.name}`} />
          <span className="muted small-text">Uploading to Berth… {pct}%</span>
        </div>
      )}
      {item.status === 'ready' && <span className="muted small-text">Ready: its pre-flight sheet opens in turn.</span>}
      {item.error && <ErrorNote error={item.error} />}
    </article>
  );
}

/** The docked region named "Pushes"; "Push archive…" opens the file chooser for keyboard users. */
export function PushDock(props: {
  pushes: PushSummary[];
  intake: IntakeItem[];
  /** Saves and copies (issue 14), rows of their own kind below the pushes. */
  transfers: TransferSummary[];
  registries: RegistryInfo[];
  expanded: boolean;
  onToggle: () => void;
  onFiles: (files: File[]) => void;
  onDismissIntake: (item: IntakeItem) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const bodyId = useId();
  const hosts = new Map(props.registries.map((r) => [r.id, r.host]));
  const visibleIntake = props.intake.filter((i) => i.status !== 'ready');
  const empty = props.pushes.length === 0 && visibleIntake.length === 0 && props.transfers.length === 0;
  const transfers = transferCounts(props.transfers);

  return (
    <section className={props.expanded ? 'push-dock expanded' : 'push-dock'} aria-label="Pushes">
      <header className="push-dock-head">
        <h2 className="dock-title">
          <button
            type="button"
            className="dock-toggle"
            aria-expanded={props.expanded}
            aria-controls={bodyId}
            title={props.expanded ? 'Collapse the push panel' : 'Expand the push panel'}
            onClick={props.onToggle}
          >
            <span className="dock-chevron" aria-hidden="true">
              {props.expanded ? '▾' : '▴'}
            </span>
            Pushes
          </button>
        </h2>
        <span className="muted small-text dock-counts" data-testid="dock-counts">
          {props.pushes.length || props.intake.length || !transfers ? counts(props.pushes, props.intake) : ''}
          {transfers && (props.pushes.length || props.intake.length ? ` · ${transfers}` : transfers)}
        </span>
        <span className="spacer" />
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
            <PushRow key={s.pushId} summary={s} host={hosts.get(s.request.registryId)} />
          ))}
          <TransfersList transfers={props.transfers} registries={props.registries} />
        </div>
      )}
    </section>
  );
}
