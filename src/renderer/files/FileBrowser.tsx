/**
 * The opened image's files: the filter bar (layer, status), the tree, a glob search and the
 * biggest files in its place on request, and the selected path's panel.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { FileNode, ImageFilesInfo, ImageFilesSource } from '../../shared/contents-types';
import { plural } from '../app/format';
import { ErrorState } from '../app/StateViews';
import { FileList } from './FileList';
import { treeFilter, type ShowChoice } from './filter';
import { FileTree } from './FileTree';
import { FileViewer } from './FileViewer';
import { biggestQuery, findQuery } from './queries';
import { useFileTree } from './use-file-tree';
import { WastePanel } from './WastePanel';

type View = { kind: 'tree' } | { kind: 'search'; glob: string } | { kind: 'biggest' };

const SHOW_LABELS: Record<ShowChoice, string> = { all: 'All', added: 'Added', changed: 'Changed', removed: 'Removed' };

/** Props of FileBrowser. */
export interface FileBrowserProps {
  source: ImageFilesSource;
  info: ImageFilesInfo;
  layer: number | null;
  onLayer: (layer: number | null) => void;
  selected: FileNode | null;
  onSelect: (node: FileNode | null) => void;
}

function SearchResults(props: { source: ImageFilesSource; glob: string; filter: ReturnType<typeof treeFilter>; layerView: boolean; selected: string | null; onOpen: (n: FileNode) => void }) {
  const found = useQuery(findQuery(props.source, props.glob, props.filter));
  if (found.isPending) return <p className="muted">Searching…</p>;
  if (found.isError) return <ErrorState compact title="Could not search" error={found.error} />;
  const { total, entries } = found.data;
  return (
    <>
      <p className="muted small-text" role="status" data-testid="search-count">
        {plural(total, 'path')} match <span className="mono">{props.glob}</span>
        {total > entries.length ? ` (the first ${entries.length.toLocaleString('en')} are shown)` : ''}
      </p>
      {entries.length > 0 && <FileList nodes={entries} label={`Paths matching ${props.glob}`} layerView={props.layerView} selected={props.selected} onOpen={props.onOpen} testId="search-results" />}
    </>
  );
}

function Biggest(props: { source: ImageFilesSource; filter: ReturnType<typeof treeFilter>; layerView: boolean; selected: string | null; onOpen: (n: FileNode) => void }) {
  const biggest = useQuery(biggestQuery(props.source, props.filter));
  if (biggest.isPending) return <p className="muted">Finding the biggest files…</p>;
  if (biggest.isError) return <ErrorState compact title="Could not list the biggest files" error={biggest.error} />;
  return <FileList nodes={biggest.data} label="Biggest files" layerView={props.layerView} selected={props.selected} onOpen={props.onOpen} testId="biggest-files" />;
}

/** Filter bar, tree / search / biggest, and the selected path. */
export function FileBrowser(props: FileBrowserProps) {
  const { source, info, layer } = props;
  const [show, setShow] = useState<ShowChoice>('all');
  const [view, setView] = useState<View>({ kind: 'tree' });
  const [glob, setGlob] = useState('');
  const ids = { layer: useId(), show: useId(), glob: useId() };
  const filter = treeFilter(layer, show);
  const layerView = layer !== null;
  const tree = useFileTree(source, filter, view.kind === 'tree');
  const selected = props.selected?.path ?? null;
  const onOpen = (node: FileNode) => props.onSelect(node);
  const search = (e: FormEvent) => {
    e.preventDefault();
    if (glob.trim()) setView({ kind: 'search', glob: glob.trim() });
  };
  const what = layerView ? `what layer ${layer + 1} did` : 'the merged filesystem';

  return (
    <>
      <WastePanel summary={info.summary} layer={layer} onLayer={props.onLayer} />
      <div className="files-toolbar">
        <label className="field inline" htmlFor={ids.layer}>
          <span>Layer</span>
          <select id={ids.layer} value={layer ?? ''} onChange={(e) => props.onLayer(e.target.value === '' ? null : Number(e.target.value))}>
            <option value="">All layers (merged)</option>
            {info.summary.layers.map((l) => (
              <option key={l.index} value={l.index}>
                Changed in layer {l.index + 1}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline" htmlFor={ids.show}>
          <span>Show</span>
          <select id={ids.show} value={show} onChange={(e) => setShow(e.target.value as ShowChoice)}>
            {(Object.keys(SHOW_LABELS) as ShowChoice[]).map((s) => (
              <option key={s} value={s}>
                {s === 'all' ? (layerView ? 'All changes' : 'All files') : `${SHOW_LABELS[s]} only`}
              </option>
            ))}
          </select>
        </label>
        <form className="files-search" role="search" onSubmit={search}>
          <label htmlFor={ids.glob} className="visually-hidden">
            Search paths (glob)
          </label>
          <input id={ids.glob} className="mono" value={glob} placeholder="*.conf, /etc/**/*.so" spellCheck={false} autoCapitalize="off" onChange={(e) => setGlob(e.target.value)} />
          <button type="submit" className="small">
            Search
          </button>
        </form>
        <button type="button" className="small" aria-pressed={view.kind === 'biggest'} onClick={() => setView(view.kind === 'biggest' ? { kind: 'tree' } : { kind: 'biggest' })}>
          Biggest files
        </button>
        {view.kind !== 'tree' && (
          <button type="button" className="small" onClick={() => setView({ kind: 'tree' })}>
            Back to the tree
          </button>
        )}
      </div>
      {view.kind === 'tree' && (
        <FileTree rows={tree.rows} label={`Files of ${info.label}: ${what}`} layerView={layerView} onToggle={tree.toggle} onMore={tree.more} onOpen={onOpen} selected={selected} />
      )}
      {view.kind === 'search' && <SearchResults source={source} glob={view.glob} filter={filter} layerView={layerView} selected={selected} onOpen={onOpen} />}
      {view.kind === 'biggest' && <Biggest source={source} filter={filter} layerView={layerView} selected={selected} onOpen={onOpen} />}
      {props.selected && <FileViewer key={props.selected.path} source={source} node={props.selected} onClose={() => props.onSelect(null)} />}
    </>
  );
}
