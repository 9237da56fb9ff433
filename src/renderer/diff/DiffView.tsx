/**
 * What B changes against A: the summary line first ("+212 files, −3, 48 changed, +31 MB"), then
 * config, layers, history and the changed files. Both images open (and index, with progress and
 * cancel) on the first page; the diff screen and the pre-flight's comparison both show this.
 */
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState, type ReactElement } from 'react';
import type { DiffFilesFilter, ImageFilesSource } from '../../shared/contents-types';
import { berth } from '../app/berth';
import { ErrorState } from '../app/StateViews';
import { OpenProgress } from '../files/OpenProgress';
import { useContentsProgressEvents } from '../files/queries';
import { ConfigChanges, LayersAndHistory } from './DiffDetails';
import { DiffFiles } from './DiffFiles';
import { diffQuery } from './queries';
import './diff.css';

/** The diff of `a` and `b`; `labels` name them before main answers. */
export function DiffView(props: { a: ImageFilesSource; b: ImageFilesSource; labels: [string, string]; missing?: (err: unknown) => ReactElement | null }) {
  const { a, b } = props;
  useContentsProgressEvents();
  const [filter, setFilter] = useState<DiffFilesFilter>('all');
  const diff = useInfiniteQuery({ ...diffQuery(a, b, filter), placeholderData: keepPreviousData });

  if (diff.isPending) {
    return (
      <div className="diff-opening" data-testid="diff-opening">
        <OpenProgress source={a} label={`Opening A (${props.labels[0]})`} onCancel={() => void berth().cancelImageFiles(a)} />
        <OpenProgress source={b} label={`Opening B (${props.labels[1]})`} onCancel={() => void berth().cancelImageFiles(b)} />
      </div>
    );
  }
  if (diff.isError && !diff.data) return props.missing?.(diff.error) ?? <ErrorState title="Could not compare these images" error={diff.error} onRetry={() => diff.refetch()} />;
  const pages = diff.data.pages;
  const first = pages[0];
  const files = pages.flatMap((p) => p.files);
  return (
    <div className="diff-view" data-testid="diff-view">
      <p className="diff-summary" data-testid="diff-summary">
        {first.summary}
      </p>
      <dl className="diff-sides-names">
        <div>
          <dt>A</dt>
          <dd className="mono" data-testid="diff-a">
            {first.a}
          </dd>
        </div>
        <div>
          <dt>B</dt>
          <dd className="mono" data-testid="diff-b">
            {first.b}
          </dd>
        </div>
      </dl>
      <ConfigChanges config={first.config} />
      <LayersAndHistory diff={first} />
      <DiffFiles
        counts={first.counts}
        filter={filter}
        onFilter={setFilter}
        files={files}
        total={first.filesTotal}
        hasMore={diff.hasNextPage}
        loadingMore={diff.isFetchingNextPage}
        onMore={() => void diff.fetchNextPage()}
      />
      {diff.isError && <ErrorState compact title="Could not load more changed files" error={diff.error} onRetry={() => diff.fetchNextPage()} />}
    </div>
  );
}
