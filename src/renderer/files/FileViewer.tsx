/**
 * The selected path: a file's text in place (monospace, capped by main at 1 MiB, "binary file,
 * N bytes" otherwise), a folder's figures, and Save — a native dialog on the desktop, a download
 * in the browser (main decides which and says so in its answer).
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import type { FileNode, ImageFilesSource, SaveFilesResult } from '../../shared/contents-types';
import { berth } from '../app/berth';
import { ErrorNote } from '../app/ErrorNote';
import { formatBytes, plural } from '../app/format';
import { asBerthError, call } from '../app/unwrap';
import { textQuery } from './queries';

/** Lets the browser fetch a one-time download link main handed out. */
function startDownload(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

function SaveOutcome(props: { result: SaveFilesResult }) {
  const r = props.result;
  if (r.kind === 'cancelled') return null;
  if (r.kind === 'download') return <span className="muted small-text">Downloading {r.name}…</span>;
  const skipped = r.skipped.length ? `; ${plural(r.skipped.length, 'entry', 'entries')} left out (${r.skipped[0].reason}${r.skipped.length > 1 ? ', …' : ''})` : '';
  return (
    <span className="muted small-text" role="status">
      Saved {plural(r.files, 'file')} ({formatBytes(r.bytes)}) to <span className="mono">{r.target}</span>
      {skipped}
    </span>
  );
}

function TextBody(props: { source: ImageFilesSource; node: FileNode }) {
  const text = useQuery(textQuery(props.source, props.node.path));
  if (text.isPending) return <p className="muted">Reading…</p>;
  if (text.isError) return <ErrorNote error={asBerthError(text.error)} />;
  const t = text.data;
  if ('binary' in t) return <p className="binary-note" data-testid="binary-note">Binary file, {formatBytes(t.size)} ({t.size.toLocaleString('en')} bytes): not shown as text.</p>;
  return (
    <>
      {t.truncated && <p className="muted small-text">The first {formatBytes(t.text.length)} of {formatBytes(t.size)}; save the file to see all of it.</p>}
      <pre className="file-text" data-testid="file-text" tabIndex={0} aria-label={`Text of ${props.node.name}`}>
        {t.text}
      </pre>
    </>
  );
}

/** The panel under the tree for the selected path. */
export function FileViewer(props: { source: ImageFilesSource; node: FileNode; onClose: () => void }) {
  const { node } = props;
  const save = useMutation({
    mutationFn: (): Promise<SaveFilesResult> => call(berth().saveImageFiles(props.source, node.path)),
    onSuccess: (r) => {
      if (r.kind === 'download') startDownload(r.url, r.name);
    },
  });
  const isDir = node.kind === 'dir';
  const readable = node.kind === 'file' || node.kind === 'hardlink' || (node.kind === 'symlink' && !node.removed);
  return (
    <section className="file-viewer" aria-label={`Selected: /${node.path}`} data-testid="file-viewer">
      <div className="toolbar">
        <span className="mono file-viewer-path" title={`/${node.path}`}>
          /{node.path}
          {isDir ? '/' : ''}
        </span>
        <span className="muted small-text">
          {isDir ? `folder, ${plural(node.children, 'entry', 'entries')}, ${formatBytes(node.size)}` : node.kind === 'symlink' ? `symbolic link to ${node.link}` : formatBytes(node.size)}
        </span>
        <span className="spacer" />
        {!node.removed && (
          <button type="button" className="small" onClick={() => save.mutate()} disabled={save.isPending}>
            {save.isPending && <span className="spinner" aria-hidden="true" />}
            {isDir ? 'Save folder…' : 'Save file…'}
          </button>
        )}
        <button type="button" className="small" onClick={props.onClose} aria-label="Close the selected file">
          Close
        </button>
      </div>
      {save.data && <SaveOutcome result={save.data} />}
      {save.isError && <ErrorNote error={asBerthError(save.error)} />}
      {node.removed ? (
        <p className="muted">Deleted by layer {(node.removedIn ?? 0) + 1}: the image does not have it any more.</p>
      ) : readable ? (
        <TextBody source={props.source} node={node} />
      ) : isDir ? null : (
        <p className="muted">A {node.kind} has no content to show.</p>
      )}
    </section>
  );
}
