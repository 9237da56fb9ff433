/**
 * "Files" in the image view (issue 13): the merged filesystem of the image, opened at once when
 * its layers are indexed already and on request otherwise (indexing reads every layer once, with
 * progress and cancel); its figures, wasted space, a layer and status filter, glob search, the
 * biggest files, and the selected file's text.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sourceKey, type FileNode, type ImageFilesInfo, type ImageFilesSource } from '../../shared/contents-types';
import { berth } from '../app/berth';
import { formatBytes, plural } from '../app/format';
import { ErrorState } from '../app/StateViews';
import { asBerthError } from '../app/unwrap';
import { FileBrowser } from './FileBrowser';
import { OpenProgress } from './OpenProgress';
import { cachedFilesQuery, filesKeys, openFilesQuery, useContentsProgressEvents } from './queries';
import './files.css';

/** One line of figures with the efficiency explained. */
function Figures(props: { info: ImageFilesInfo }) {
  const s = props.info.summary;
  return (
    <div className="files-figures" data-testid="files-figures">
      <p>
        {plural(s.files, 'file')} in {plural(s.dirs, 'folder')} · {formatBytes(s.totalBytes)} ·{' '}
        <span data-testid="wasted-total">{formatBytes(s.wastedBytes)} wasted</span> · efficiency{' '}
        <b data-testid="efficiency">{(s.efficiency * 100).toFixed(1)} %</b>
      </p>
      <p className="muted small-text">
        Wasted: bytes of files that a later layer overwrote or deleted — pulled with the image, never seen in it. Efficiency: the share of all layers' file bytes that
        the image still shows.
      </p>
    </div>
  );
}

/** The Files section for `source`; `layer` is shared with the layers table (a click there filters here). */
export function FilesSection(props: { source: ImageFilesSource; layerBytes: number; layerCount: number; layer: number | null; onLayer: (layer: number | null) => void }) {
  const { source } = props;
  useContentsProgressEvents();
  const qc = useQueryClient();
  const cached = useQuery(cachedFilesQuery(source));
  const [wanted, setWanted] = useState(false);
  const open = useQuery({ ...openFilesQuery(source), enabled: wanted && cached.data === null });
  const info = cached.data ?? open.data ?? null;
  const [selected, setSelected] = useState<FileNode | null>(null);

  const start = () => {
    qc.removeQueries({ queryKey: filesKeys.progress(sourceKey(source)) });
    setWanted(true);
    if (open.isError) void open.refetch();
  };
  const cancel = () => void berth().cancelImageFiles(source);

  let body;
  if (info) body = <FileBrowser source={source} info={info} layer={props.layer} onLayer={props.onLayer} selected={selected} onSelect={setSelected} />;
  else if (cached.isPending) body = <p className="muted">Looking for this image's file index…</p>;
  else if (cached.isError) body = <ErrorState compact title="Could not look up this image's files" error={cached.error} onRetry={() => cached.refetch()} />;
  else if (open.isFetching) body = <OpenProgress source={source} onCancel={cancel} />;
  else if (open.isError) {
    const err = asBerthError(open.error);
    body =
      err.code === 'CANCELLED' ? (
        <p className="files-intro">
          Indexing was cancelled; what was read completely is kept.{' '}
          <button type="button" onClick={start}>
            Browse files
          </button>
        </p>
      ) : (
        <ErrorState compact title="Could not open this image's files" error={err} onRetry={start} />
      );
  } else
    body = (
      <p className="files-intro">
        Listing the files reads the image's {plural(props.layerCount, 'layer')} ({formatBytes(props.layerBytes)}) once; later visits open at once.{' '}
        <button type="button" className="primary" onClick={start}>
          Browse files
        </button>
      </p>
    );

  return (
    <section aria-labelledby="files-heading" className="files-section" data-testid="files-section">
      <h2 id="files-heading" className="section-title">
        Files {info && <span className="muted">{info.summary.files.toLocaleString('en')}</span>}
      </h2>
      {info && <Figures info={info} />}
      {body}
    </section>
  );
}
