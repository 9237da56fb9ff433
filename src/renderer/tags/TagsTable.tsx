/**
 * The virtualized tags table: every page of tags, details for the rows on screen only. Rows keep
 * their place while details arrive (fixed height; the default order is natural order by tag and
 * does not depend on details); a size or date sort is taken over what is known when the user
 * sorts, says so, and re-sorts only when asked.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TagDetail } from '../../shared/types';
import { DigestHuesContext, useDigestHues } from '../app/digest-hues';
import { plural, sharedDays } from '../app/format';
import { useShortcut } from '../app/shortcuts';
import { Busy, EmptyState, ErrorState, SkeletonRows } from '../app/StateViews';
import { DeleteDialog } from '../delete/DeleteDialog';
import { foldReferrerTags } from '../referrers/fold';
import { CompareBar, CompareCheckbox } from '../diff/CompareControls';
import { useCompareSelection } from '../diff/use-compare-selection';
import { markScrolled } from './detail-limiter';
import { tagsQuery } from './queries';
import { digestCounts, knownFor, sortTags, type Sort, type SortKey } from './sort';
import { TagRow } from './TagRow';
import { useKnownDetails } from './use-known-details';
import { useIndexedDigests, useTagDigests } from './use-tag-digests';
import './tags.css';

const ROW_HEIGHT = 32;
/** Height of the sticky header row, so the virtualizer knows which rows the eye can see. */
const HEADER_HEIGHT = 30;
const NO_DETAILS: ReadonlyMap<string, TagDetail> = new Map();

function SortHeader(props: { label: string; column: SortKey; sort: Sort; onSort: (s: Sort) => void; className: string }) {
  const active = props.sort.key === props.column;
  const next: Sort = { key: props.column, dir: active && props.sort.dir === 'asc' ? 'desc' : 'asc' };
  return (
    <div role="columnheader" className={props.className} aria-sort={active ? (props.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort-button" onClick={() => props.onSort(next)}>
        {props.label}
        <span className="sort-mark" aria-hidden="true">
          {active ? (props.sort.dir === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </div>
  );
}

const SORT_WORD: Record<Exclude<SortKey, 'name'>, string> = { size: 'size', created: 'date' };

/** What a size or date sort ordered: "Sorted by size among the 212 of 1,000 tags whose details were loaded". */
function SortNote(props: { sort: Sort; total: number; known: number; moreKnown: number; onResort: () => void }) {
  if (props.sort.key === 'name') return null;
  const word = SORT_WORD[props.sort.key];
  const all = props.known >= props.total;
  return (
    <p className="sort-note" data-testid="sort-note" role="status">
      {all
        ? `Sorted by ${word}: every tag's details were loaded.`
        : `Sorted by ${word} among the ${props.known.toLocaleString('en')} of ${plural(props.total, 'tag')} whose details were loaded; the other ${(props.total - props.known).toLocaleString('en')} follow in name order.`}
      {props.moreKnown > 0 && (
        <button type="button" className="link small" onClick={props.onResort}>
          Sort again ({props.moreKnown.toLocaleString('en')} more known)
        </button>
      )}
    </p>
  );
}

/** Tags of one repository. */
export function TagsTable(props: { registryId: string; repository: string }) {
  const { registryId, repository } = props;
  const tags = useInfiniteQuery(tagsQuery(registryId, repository));
  const details = useKnownDetails(registryId, repository);
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 'asc' });
  // A size or date sort orders what was known when the user sorted: later details never move rows.
  const [sortedWith, setSortedWith] = useState<ReadonlyMap<string, TagDetail>>(NO_DETAILS);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [showReferrerTags, setShowReferrerTags] = useState(false);
  const compare = useCompareSelection();
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = tags;

  // Sorting needs every tag: fetch the remaining pages right after the first one painted.
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !tags.isError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, tags.isError]);

  const all = tags.data;
  // Referrer tags (sha256-….sig/.att/.sbom, fallback indexes) fold under their subject's row.
  const folded = useMemo(() => foldReferrerTags(all ?? []), [all]);
  const list = all && !showReferrerTags ? folded.tags : all;
  const ordered = useMemo(() => sortTags(list ?? [], sortedWith, sort), [list, sortedWith, sort]);
  const { indexed, refreshing } = useIndexedDigests(registryId, repository);
  const { digests, known } = useTagDigests(list, details, indexed);
  const counts = useMemo(() => digestCounts(digests), [digests]);
  const complete = !!list && known >= list.length;
  const days = useMemo(() => sharedDays([...details.values()].map((d) => d.created)), [details]);

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
  const items = virtualizer.getVirtualItems();
  const inView = items.map((item) => digests.get(ordered[item.index])).filter((d): d is string => !!d);
  const hues = useDigestHues(inView);

  const changeSort = (next: Sort) => {
    setSort(next);
    setSortedWith(details);
    // The rows at the old position are unrelated after a re-sort (and their details may be unknown).
    virtualizer.scrollToOffset(0);
  };
  const sortKey = sort.key === 'name' ? null : sort.key;
  const knownWhenSorted = sortKey && list ? knownFor(list, sortedWith, sortKey) : 0;
  const knownNow = sortKey && list ? knownFor(list, details, sortKey) : 0;

  // Delete (the key) on a focused row opens its delete dialog.
  useShortcut({
    keys: ['Delete'],
    description: 'Delete the focused tag (asks first)',
    group: 'Tags',
    run: () => {
      const row = document.activeElement?.closest<HTMLElement>('[data-tag]');
      if (!row || !scrollRef.current?.contains(row)) return false;
      setDeleting(row.dataset.tag!);
    },
  });

  const header = (
    <div role="rowgroup" className="table-head">
      <div role="row" aria-rowindex={1} className="tag-row head">
        <SortHeader label="Tag" column="name" sort={sort} onSort={changeSort} className="c-tag" />
        <div role="columnheader" className="c-digest">
          Digest
        </div>
        <SortHeader label="Size" column="size" sort={sort} onSort={changeSort} className="c-size num" />
        <SortHeader label="Created" column="created" sort={sort} onSort={changeSort} className="c-created" />
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
  else if (tags.isError && !list) body = <ErrorState title="Could not list tags" error={tags.error} onRetry={() => tags.refetch()} />;
  else if (list && list.length === 0)
    body = (
      <EmptyState title="No tags — every tag of this repository was deleted">
        The repository still exists in the catalog until the registry's garbage collection removes it.
      </EmptyState>
    );
  else
    body = (
      <div role="rowgroup" className="virtual-list" style={{ height: virtualizer.getTotalSize() - HEADER_HEIGHT }}>
        {items.map((item) => {
          const tag = ordered[item.index];
          const digest = digests.get(tag);
          return (
            <TagRow
              key={tag}
              registryId={registryId}
              repository={repository}
              tag={tag}
              digest={digest}
              shared={digest ? counts.get(digest) : undefined}
              complete={complete}
              sharedDays={days}
              rowIndex={item.index + 2}
              visible={visible !== null && item.index >= visible.startIndex && item.index <= visible.endIndex}
              style={{ transform: `translateY(${item.start - HEADER_HEIGHT}px)`, height: item.size }}
              onDelete={setDeleting}
              referrerTags={showReferrerTags ? undefined : folded.bySubject}
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
          {list && list.length > 0 && (complete ? ' · every digest known' : ` · digests known for ${known.toLocaleString('en')} of ${list.length.toLocaleString('en')} tags`)}
        </span>
        {folded.folded > 0 && (
          <label className="check small-text" title="Signature, attestation and SBOM tags are folded under the tag of the image they belong to">
            <input type="checkbox" checked={showReferrerTags} onChange={(e) => setShowReferrerTags(e.target.checked)} />
            Show signature tags ({folded.folded.toLocaleString('en')})
          </label>
        )}
        <CompareBar registryId={registryId} repository={repository} selection={compare} />
        {isFetchingNextPage && <Busy>Loading more tags…</Busy>}
        {refreshing && !complete && <Busy>Reading every tag's digest in the background…</Busy>}
        {tags.isError && list && <ErrorState compact title="Could not load every page of tags" error={tags.error} onRetry={() => fetchNextPage()} />}
      </div>
      {list && (
        <SortNote sort={sort} total={list.length} known={knownWhenSorted} moreKnown={Math.max(0, knownNow - knownWhenSorted)} onResort={() => setSortedWith(details)} />
      )}
      <DigestHuesContext.Provider value={hues}>
        <div className="scroll tags-scroll" ref={scrollRef} data-testid="tags-scroll" onScroll={markScrolled}>
          <div role="table" aria-label="Tags" aria-rowcount={(list?.length ?? 0) + 1} className="table tags-table">
            {header}
            {body}
          </div>
        </div>
      </DigestHuesContext.Provider>
      {deleting && <DeleteDialog registryId={registryId} repository={repository} reference={deleting} onClose={() => setDeleting(null)} />}
    </section>
  );
}
