/**
 * Saves and copies as rows of their own kind in the bottom panel: what goes where, a progress
 * bar, cancel while running, the download (web shell) or the file to drag out (desktop app) once done.
 */
import { useQuery } from '@tanstack/react-query';
import type { TransferSummary } from '../../shared/transfer-types';
import type { RegistryInfo } from '../../shared/types';
import { berth } from '../app/berth';
import { ErrorNote } from '../app/ErrorNote';
import { formatBytes, plural } from '../app/format';
import { asBerthError } from '../app/unwrap';
import { isValidDigest } from '../../shared/reference';
import { Bar } from '../push/PushRow';
import { percent } from '../push/push-state';
import './transfer.css';
import { download, isFinished, transfersQuery, useCancelTransfer, useTransferEvents, wasDownloaded } from './queries';

const PHASE: Record<TransferSummary['progress']['phase'], string> = {
  resolving: 'Reading manifests',
  blobs: 'Copying layers',
  manifests: 'Writing manifests',
  finishing: 'Finishing',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
const KIND = { save: 'Save', copy: 'Copy', retag: 'Add tag' } as const;

const ref = (repository: string, reference: string) => `${repository}${isValidDigest(reference) ? '@' : ':'}${reference}`;

/** The session's transfers; mount once (in the dock's owner) so no event is missed while the dock is closed. */
export function useTransfers(): TransferSummary[] {
  useTransferEvents();
  return useQuery(transfersQuery()).data ?? [];
}

/** "2 transfers running · 1 done" for the dock's header; empty when there are none. */
export function transferCounts(list: TransferSummary[]): string {
  const running = list.filter((t) => !isFinished(t)).length;
  const done = list.filter((t) => t.progress.phase === 'done').length;
  const failed = list.filter((t) => t.progress.phase === 'failed').length;
  return [running && `${plural(running, 'transfer')} running`, done && `${plural(done, 'transfer')} done`, failed && `${plural(failed, 'transfer')} failed`]
    .filter(Boolean)
    .join(' · ');
}

function TransferRow(props: { t: TransferSummary; hosts: Map<string, string> }) {
  const { t } = props;
  const p = t.progress;
  const cancel = useCancelTransfer();
  const finished = isFinished(t);
  const from = ref(t.source.repository, t.source.reference);
  const to = t.target
    ? `${t.target.registryId === t.source.registryId ? '' : `${props.hosts.get(t.target.registryId) ?? t.target.registryId}/`}${t.target.repository}:${t.target.tag}`
    : (t.fileName ?? 'archive');
  const drag = berth().dragOut;
  return (
    <article className={`push-row transfer-row phase-${p.phase}`} data-testid="transfer-row" data-phase={p.phase} data-kind={t.kind} aria-label={`${KIND[t.kind]} ${from} to ${to}`}>
      <header className="push-row-head">
        <span className="badge">{KIND[t.kind]}</span>
        <span className="push-file mono" title={from}>
          {from}
        </span>
        <span className="push-arrow" aria-hidden="true">
          →
        </span>
        <span className="push-dest mono" title={to}>
          {to}
        </span>
        <span className={`phase-badge phase-${p.phase === 'blobs' || p.phase === 'resolving' || p.phase === 'manifests' || p.phase === 'finishing' ? 'blobs' : p.phase}`}>{PHASE[p.phase]}</span>
        <span className="spacer" />
        {!finished && (
          <button type="button" className="small" disabled={cancel.isPending} onClick={() => cancel.mutate(t.transferId)} aria-label={`Cancel ${KIND[t.kind].toLowerCase()} of ${from}`}>
            Cancel
          </button>
        )}
        {p.phase === 'done' && t.download && !wasDownloaded(t) && (
          <button type="button" className="small" onClick={() => download(t)}>
            Download
          </button>
        )}
        {p.phase === 'done' && t.kind === 'save' && drag && !t.download && (
          <span className="drag-handle small" draggable onDragStart={(e) => { e.preventDefault(); drag(t.transferId); }} title="Drag the archive into a folder">
            ⇲ Drag to a folder
          </span>
        )}
      </header>
      {!finished && (
        <div className="push-totals">
          <Bar value={percent(p.bytesDone, p.bytesTotal)} label={`Progress of ${KIND[t.kind].toLowerCase()} ${from}`} />
          <span className="muted small-text" data-testid="transfer-totals">
            {`${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`}
            {p.blobsTotal > 0 && ` · ${p.blobsDone}/${plural(p.blobsTotal, 'blob')}`}
          </span>
        </div>
      )}
      {p.phase === 'done' && (
        <span className="muted small-text" data-testid="transfer-done">
          {t.kind === 'retag' ? 'Tag added' : `${formatBytes(p.bytesStreamed)} transferred`}
          {p.bytesMounted > 0 && ` · ${formatBytes(p.bytesMounted)} mounted`}
          {p.bytesSkipped > 0 && ` · ${formatBytes(p.bytesSkipped)} already there`}
          {t.digest && <code className="mono push-digest" title={t.digest}> · {t.digest}</code>}
        </span>
      )}
      {t.error && (p.phase === 'cancelled' ? <ErrorNote error={t.error} className="push-note muted" role={null}>Cancelled: nothing was left behind.</ErrorNote> : <ErrorNote error={t.error} />)}
      {cancel.error && <ErrorNote error={asBerthError(cancel.error)} />}
    </article>
  );
}

/** The transfers section of the bottom panel; nothing when the session has none. */
export function TransfersList(props: { transfers: TransferSummary[]; registries: RegistryInfo[] }) {
  if (!props.transfers.length) return null;
  const hosts = new Map(props.registries.map((r) => [r.id, r.host]));
  return (
    <section aria-label="Transfers" className="transfers" data-testid="transfers">
      <h3 className="sub-title">Transfers</h3>
      {props.transfers.map((t) => (
        <TransferRow key={t.transferId} t={t} hosts={hosts} />
      ))}
    </section>
  );
}
