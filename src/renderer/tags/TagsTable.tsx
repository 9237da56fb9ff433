/** The virtualized tags table: every page of tags, details for the rows on screen only. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { markScrolled } from './detail-limiter';
import { useEffect, useMemo, useRef, useState } from 'react';
import { plural } from '../app/format';
import { Busy, EmptyState, ErrorState, SkeletonRows } from '../app/StateViews';
import { DeleteDialog } from '../delete/DeleteDialog';
import { CompareBar, CompareCheckbox } from '../diff/CompareControls';
import { useCompareSelection } from '../diff/use-compare-selection';
import { tagsQuery } from './queries';
import { digestCounts, sortTags, type Sort, type SortKey } from './sort';
import { TagRow } from './TagRow';
import { useKnownDetails } from './use-known-details';
import './tags.css';

const ROW_HEIGHT = 32;
/** Height of the sticky header row, so the virtualizer knows which rows the eye can see. */
const HEADER_HEIGHT = 30;
const PARTIAL_SORT_NOTE =
  'Sorts among tags whose details are loaded (details load as rows scroll into view); the other tags follow in name order.';

function SortHeader(props: { label: string; column: SortKey; sort: Sort; onSort: (s: Sort) => void; note?: string; className: string }) {
  const active = props.sort.key === props.column;
  const next: Sort = { key: props.column, dir: active && props.sort.dir === 'asc' ? 'desc' : 'asc' };
  return (
    <div
      role="columnheader"
      className={props.className}
      aria-sort={active ? (props.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button type="button" className="sort-button" onClick={() => props.onSort(next)} title={props.note}>
        {props.label}
        <span className="sort-mark" aria-hidden="true">
          {active ? (props.sort.dir === 'asc' ? '▲' : '▼') : ''}
        </span>
        {props.note && (
          <span className="note-mark" aria-hidden="true">
            *
          </span>
        )}
      </button>
    </div>
  );
}

/** Tags of one repository; `onCount` reports how many tags the list holds. */
export function TagsTable(props: { registryId: string; repository: string }) {
  const { registryId, repository } = props;
  const tags = useInfiniteQuery(tagsQuery(registryId, repository));
  const details = useKnownDetails(registryId, repository);
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 'asc' });
  const [deleting, setDeleting] = useState<string | null>(null);
  const compare = useCompareSelection();
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = tags;

  // Sorting needs every tag: fetch the remaining pages right after the first one painted.
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !tags.isError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, tags.isError]);

  const list = tags.data;
  const ordered = useMemo(() => sortTags(list ?? [], details, sort), [list, details, sort]);
  const counts = useMemo(() => digestCounts(details, list ?? []), [details, list]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: ordered.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    scrollMargin: HEADER_HEIGHT,
    // A synchronous re-render inside every scroll event made fast scrolls stutter (bench/browse).
    useFlushSync: false,
  });
  // Rows in the overscan are drawn but not seen: only the visible range may ask for details.
  const visible = virtualizer.range;

  const changeSort = (next: Sort) => {
    setSort(next);
    // The rows at the old position are unrelated after a re-sort (and their details may be unknown).
    virtualizer.scrollToOffset(0);
  };

  const header = (
    <div role="rowgroup" className="table-head">
      <div role="row" aria-rowindex={1} className="tag-row head">
        <SortHeader label="Tag" column="name" sort={sort} onSort={changeSort} className="c-tag" />
        <div role="columnheader" className="c-digest">
          Digest
        </div>
        <SortHeader label="Size" column="size" sort={sort} onSort={changeSort} note={PARTIAL_SORT_NOTE} className="c-size num" />
        <SortHeader label="Created" column="created" sort={sort} onSort={changeSort} note={PARTIAL_SORT_NOTE} className="c-created" />
        <div role="columnheader" className="c-platforms">
          Platforms
        </div>
        <div role="columnheader" className="c-actions">
          <span className="visually-hidden">Actions</span>
        </div>
      </div>
    </div>
  );

  let body;
  if (tags.isPending) body = <SkeletonRows rows={10} columns={5} label="Loading tags" />;
  else if (tags.isError && !list)
    body = <ErrorState title="Could not list tags" error={tags.error} onRetry={() => tags.refetch()} />;
  else if (list && list.length === 0)
    body = (
      <EmptyState title="No tags — every tag of this repository was deleted">
        The repository still exists in the catalog until the registry's garbage collection removes it.
      </EmptyState>
    );
  else
    body = (
      <div role="rowgroup" className="virtual-list" style={{ height: virtualizer.getTotalSize() - HEADER_HEIGHT }}>
        {virtualizer.getVirtualItems().map((item) => {
          const tag = ordered[item.index];
          const digest = details.get(tag)?.digest;
          return (
            <TagRow
              key={tag}
              registryId={registryId}
              repository={repository}
              tag={tag}
              shared={digest ? counts.get(digest) : undefined}
              rowIndex={item.index + 2}
              visible={visible !== null && item.index >= visible.startIndex && item.index <= visible.endIndex}
              style={{ transform: `translateY(${item.start - HEADER_HEIGHT}px)`, height: item.size }}
              onDelete={setDeleting}
              leading={<CompareCheckbox tag={tag} selection={compare} />}
            />
          );
        })}
      </div>
    );

  return (
    <section className="tags" aria-label="Tags of this repository">
      <div className="toolbar">
        <span className="muted count" data-testid="tag-count">
          {list ? plural(list.length, 'tag') : ''}
          {list && details.size < list.length ? ` · details for ${details.size.toLocaleString('en')} loaded` : ''}
        </span>
        <CompareBar registryId={registryId} repository={repository} selection={compare} />
        {isFetchingNextPage && <Busy>Loading more tags…</Busy>}
        {tags.isError && list && (
          <ErrorState compact title="Could not load every page of tags" error={tags.error} onRetry={() => fetchNextPage()} />
        )}
      </div>
      <div className="scroll tags-scroll" ref={scrollRef} data-testid="tags-scroll" onScroll={markScrolled}>
        <div role="table" aria-label="Tags" aria-rowcount={(list?.length ?? 0) + 1} className="table tags-table">
          {header}
          {body}
        </div>
      </div>
      {deleting && (
        <DeleteDialog
          registryId={registryId}
          repository={repository}
          reference={deleting}
          onClose={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
