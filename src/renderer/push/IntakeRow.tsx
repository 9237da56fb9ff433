/** A dropped or chosen file in the push panel: uploading to Berth, or why it will not be pushed. */
import { ErrorNote } from '../app/ErrorNote';
import { formatBytes } from '../app/format';
import { percent } from './push-state';
import { Bar } from './PushRow';
import type { IntakeItem } from './use-intake';

/** The row; a failed or refused file keeps its error here until dismissed. */
export function IntakeRow(props: { item: IntakeItem; onDismiss: () => void }) {
  const { item } = props;
  const pct = percent(item.sent, item.total);
  return (
    <article className={`intake-row status-${item.status}`} data-testid="intake-row" data-status={item.status} aria-label={item.name}>
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
