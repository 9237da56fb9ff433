/** One push in the panel: file → destination, blobs with their states, totals, and its actions. */
import type { LayerProgress, PushSummary } from '../../shared/types';
import { ErrorNote } from '../app/ErrorNote';
import { formatBytes, plural, shortDigest } from '../app/format';
import { asBerthError } from '../app/unwrap';
import { CopyPullButtons } from '../image/CopyPullButtons';
import { withTag } from './preflight';
import { formatDuration, isFinished, isWaiting, percent, shownPhase } from './push-state';
import { useCancelPush, useDismissPush, useRetryPush } from './queries';
import { destinationsOf } from './session';

const PHASE_LABEL: Record<ReturnType<typeof shownPhase>, string> = {
  reading: 'Reading archive',
  blobs: 'Pushing layers',
  manifest: 'Writing manifest',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function destinations(s: PushSummary, host: string | undefined): string[] {
  const prefix = host ? `${host}/` : '';
  if (s.outcome?.pushed.length) return s.outcome.pushed.map((p) => `${prefix}${p.repository}:${p.tag}`);
  const refs = destinationsOf(s.pushId) ?? (s.request.target ? [withTag(s.request.target)] : null);
  return refs ? refs.map((r) => `${prefix}${r}`) : [`${prefix}(original tags)`];
}

/** A bar that shows a fraction; `label` names it for assistive tech. */
export function Bar(props: { value: number; label: string; tone?: 'ok' | 'bad' | 'muted' }) {
  return (
    <div
      className={`bar${props.tone ? ` ${props.tone}` : ''}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={props.value}
    >
      <div className="bar-fill" style={{ width: `${props.value}%` }} />
    </div>
  );
}

function LayerLine({ layer }: { layer: LayerProgress }) {
  const moving = layer.state === 'uploading' || layer.state === 'compressing';
  return (
    <li className={`layer-line state-${layer.state}`} data-state={layer.state}>
      <code className="mono layer-digest" title={layer.digest}>
        {shortDigest(layer.digest)}
      </code>
      <span className="layer-state">{layer.state}</span>
      {moving ? (
        <Bar value={percent(layer.bytesDone, layer.bytesTotal)} label={`${layer.state} ${shortDigest(layer.digest)}`} />
      ) : (
        <span className="bar-placeholder" />
      )}
      <span className="num muted layer-bytes">
        {moving ? `${formatBytes(layer.bytesDone)} / ` : ''}
        {formatBytes(layer.bytesTotal)}
      </span>
    </li>
  );
}

/**
 * The row; `host` is the target registry's host (for the destination and the pull command);
 * `onRetarget` offers "Change destination…" on a push that failed or was cancelled.
 */
export function PushRow(props: { summary: PushSummary; host?: string; onRetarget?: () => void }) {
  const s = props.summary;
  const p = s.progress;
  const phase = shownPhase(s);
  const finished = isFinished(s);
  const waiting = isWaiting(s);
  const cancel = useCancelPush();
  const retry = useRetryPush();
  const dismiss = useDismissPush();
  const dest = destinations(s, props.host);
  const actionError = cancel.error ?? retry.error;
  const err = actionError ? asBerthError(actionError) : null;

  return (
    <article className={`push-row phase-${phase}`} data-testid={`push-${s.pushId}`} data-phase={phase} aria-label={`${s.fileName} to ${dest.join(', ')}`}>
      <header className="push-row-head">
        <span className="push-file" title={s.fileName}>
          {s.fileName}
        </span>
        <span className="push-arrow" aria-hidden="true">
          →
        </span>
        <span className="push-dest mono" title={dest.join('\n')}>
          {dest.join(', ')}
        </span>
        <span className={`phase-badge phase-${phase}`}>{waiting ? 'Waiting' : PHASE_LABEL[phase]}</span>
        <span className="spacer" />
        {!finished && (
          <button type="button" className="small" disabled={cancel.isPending} onClick={() => cancel.mutate(s.pushId)}>
            {cancel.isPending && <span className="spinner" aria-hidden="true" />}
            Cancel push
          </button>
        )}
        {finished && phase !== 'done' && (
          <button type="button" className="small" disabled={retry.isPending} onClick={() => retry.mutate(s)}>
            Retry
          </button>
        )}
        {finished && phase !== 'done' && props.onRetarget && (
          <button type="button" className="small" onClick={props.onRetarget}>
            Change destination…
          </button>
        )}
        {finished && (
          <button type="button" className="small" onClick={() => dismiss(s)}>
            Dismiss
          </button>
        )}
      </header>

      {!finished && (
        <div className="push-totals">
          <Bar value={percent(p.bytesDone, p.bytesTotal)} label={`Progress of ${s.fileName}`} />
          <span className="muted small-text" data-testid="row-totals">
            {waiting
              ? 'Waiting for the engine to read the archive…'
              : [
                  `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`,
                  p.rate > 0 && `${formatBytes(p.rate)}/s`,
                  p.eta !== null && `${formatDuration(p.eta)} left`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
          </span>
          {p.notice && (
            <span className={`push-notice notice-${p.notice.kind}`} role="status" data-testid="push-notice">
              {p.notice.message}
            </span>
          )}
        </div>
      )}

      {s.outcome?.ok && (
        <ul className="pushed-list" aria-label="Pushed tags">
          {s.outcome.pushed.map((t) => (
            <li key={`${t.repository}:${t.tag}`} className="pushed-tag">
              <code className="mono">
                {t.repository}:{t.tag}
              </code>
              <code className="mono muted push-digest" title={t.digest} data-testid="pushed-digest">
                {t.digest}
              </code>
              {props.host && <CopyPullButtons host={props.host} repository={t.repository} tag={t.tag} digest={t.digest} />}
            </li>
          ))}
          <li className="muted small-text">
            {formatBytes(s.outcome.bytesUploaded)} sent in {formatDuration(s.outcome.seconds)}
          </li>
        </ul>
      )}
      {s.outcome && !s.outcome.ok && s.outcome.error && (
        phase === 'cancelled' ? (
          <ErrorNote error={s.outcome.error} className="push-note muted" role={null}>
            Cancelled: no tag was written.
          </ErrorNote>
        ) : (
          <ErrorNote error={s.outcome.error} />
        )
      )}
      {err && <ErrorNote error={err} />}

      {p.layers.length > 0 && (
        <details className="push-layers" open={!finished}>
          <summary className="muted small-text">{plural(p.layers.length, 'blob')}</summary>
          <ul aria-label={`Blobs of ${s.fileName}`}>
            {p.layers.map((l, i) => (
              // Blobs keep their order; the key digest changes from diff ID to wire digest mid-push.
              <LayerLine key={i} layer={l} />
            ))}
          </ul>
        </details>
      )}
    </article>
  );
}
