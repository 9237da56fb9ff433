/** Progress of indexing an image's layers (from `contents:progress`), with Cancel. */
import type { ImageFilesSource } from '../../shared/contents-types';
import { formatBytes, plural } from '../app/format';
import { useContentsProgress } from './queries';

/** "Indexing layer files: 2 of 5 layers · 12 MB of 40 MB · 3,120 entries" and a progress bar. */
export function OpenProgress(props: { source: ImageFilesSource; onCancel?: () => void; label?: string }) {
  const p = useContentsProgress(props.source);
  const fraction = p && p.totalBytes ? Math.min(1, p.bytes / p.totalBytes) : null;
  const what = p
    ? p.phase === 'merge'
      ? `merging ${plural(p.layers, 'layer')}`
      : `${p.layersDone} of ${plural(p.layers, 'layer')} · ${formatBytes(p.bytes)}${p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : ''} · ${plural(p.files, 'entry', 'entries')}`
    : 'starting';
  return (
    <div className="open-progress" data-testid="files-progress">
      <span className="busy" role="status">
        <span className="spinner" aria-hidden="true" />
        {props.label ?? 'Indexing layer files'}: {what}
      </span>
      <progress
        aria-label={props.label ?? 'Indexing layer files'}
        max={1}
        value={fraction ?? undefined}
      />
      {props.onCancel && (
        <button type="button" className="small" onClick={props.onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
