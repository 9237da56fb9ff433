/** The catalog, grouped by namespace, filtered, virtualized, loaded page by page; pinned repositories without one. */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { plural } from '../app/format';
import { routeHref } from '../app/route';
import { useShortcut } from '../app/shortcuts';
import { Busy, EmptyState, ErrorState, SkeletonRows } from '../app/StateViews';
import { asBerthError } from '../app/unwrap';
import { registriesQuery, registryCheckQuery } from '../registries/queries';
import { groupRepositories, type RepoRow } from './group';
import { OpenByName } from './OpenByName';
import { catalogMissing } from './no-catalog';
import { PinnedRepositories } from './PinnedRepositories';
import { catalogQuery } from './queries';
import './repositories.css';

const ROW_HEIGHT = 28;
/** Start the next page when the view comes this close to the end of what is loaded. */
const PREFETCH_ROWS = 40;
/** Catalog pages load on their own until this many repositories are known (a few requests). */
const EAGER_REPOSITORIES = 10_000;

/** The repositories section of a registry page. */
export function RepositoryList(props: { registryId: string }) {
  const { registryId } = props;
  const catalog = useInfiniteQuery(catalogQuery(registryId));
  const check = useQuery(registryCheckQuery(registryId));
  const registries = useQuery(registriesQuery());
  const info = registries.data?.find((r) => r.id === registryId);
  const [filter, setFilter] = useState('');
  const filterRef = useRef<HTMLInputElement>(null);
  // `/` or Ctrl/⌘+K: the filter (a registry-wide search registered with a higher priority wins Ctrl/⌘+K).
  useShortcut({
    keys: ['/', 'Mod+K'],
    description: 'Focus the filter',
    group: 'Repositories',
    inFields: true,
    run: (e) => {
      // `/` is typed as itself in other fields; Ctrl/⌘+K moves to the filter from anywhere.
      if (!filterRef.current || (e.key === '/' && (e.target as HTMLElement).closest('input, textarea, select'))) return false;
      filterRef.current.focus();
      filterRef.current.select();
    },
  });
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());

  const names = catalog.data;
  const rows = useMemo(() => groupRepositories(names ?? [], filter, collapsed), [names, filter, collapsed]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = catalog;

  // Group counts and a filter over a partial catalog would be wrong: load on in the background up
  // to EAGER_REPOSITORIES, and to the end while a filter is typed. Beyond that, scrolling loads more.
  const loadedCount = names?.length ?? 0;
  const wantMore = filter.trim() !== '' || loadedCount < EAGER_REPOSITORIES;
  useEffect(() => {
    if (wantMore && hasNextPage && !isFetchingNextPage && !catalog.isError) void fetchNextPage();
  }, [wantMore, hasNextPage, isFetchingNextPage, fetchNextPage, catalog.isError]);

  const catalogErrorCode = catalog.error ? asBerthError(catalog.error).code : null;
  const noCatalog =
    catalogMissing(catalogErrorCode, check.data, info) ||
    // Not signed in, a refused catalog is a sign-in problem: the catalog's own error says so.
    (check.data?.catalog === false && (check.data.authenticated || !!info?.dockerHub) && !names?.length);

  if (noCatalog) {
    if (info) return <PinnedRepositories info={info} />;
    return (
      <section className="repositories" aria-labelledby="repos-heading">
        <h2 id="repos-heading" className="section-title">
          Repositories
        </h2>
        <div className="state state-empty" data-testid="no-catalog">
          <div className="state-title">This registry has no catalog</div>
          <OpenByName registryId={registryId} />
        </div>
      </section>
    );
  }

  const toggle = (ns: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(ns)) next.delete(ns);
      else next.add(ns);
      return next;
    });

  const matching = rows.reduce((n, r) => (r.kind === 'group' ? n + r.count : n), 0);
  return (
    <section className="repositories" aria-labelledby="repos-heading">
      <div className="toolbar">
        <h2 id="repos-heading" className="section-title">
          Repositories
        </h2>
        <label className="field inline filter">
          <span className="visually-hidden">Filter repositories</span>
          <input
            ref={filterRef}
            type="search"
            aria-label="Filter repositories"
            aria-keyshortcuts="/ Control+K"
            placeholder="Filter repositories"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            spellCheck={false}
          />
        </label>
        <span className="toolbar-status">
          <span className="muted count" data-testid="repository-count">
            {!names
              ? ''
              : filter.trim()
                ? `${plural(matching, 'match', 'matches')} in ${plural(loadedCount, 'repository', 'repositories')}${hasNextPage ? ' loaded so far' : ''}`
                : `${plural(loadedCount, 'repository', 'repositories')}${hasNextPage ? ' loaded, more available' : ''}`}
          </span>
          {isFetchingNextPage && <Busy>Loading…</Busy>}
        </span>
        <OpenByName registryId={registryId} />
      </div>
      {catalog.isPending && <SkeletonRows rows={12} label="Loading repositories" />}
      {catalog.isError && !names && (
        <ErrorState title="Could not list repositories" error={catalog.error} onRetry={() => catalog.refetch()} />
      )}
      {names && names.length === 0 && (
        <EmptyState title="This registry has no repositories yet">Push an image to see it here.</EmptyState>
      )}
      {names && names.length > 0 && rows.length === 0 && (
        <EmptyState title={`No loaded repository matches “${filter.trim()}”`}>
          {hasNextPage ? 'More pages are loading…' : 'Try a shorter filter.'}
        </EmptyState>
      )}
      {rows.length > 0 && (
        <VirtualRepoList
          rows={rows}
          registryId={registryId}
          onToggle={toggle}
          onNearEnd={() => {
            if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
          }}
        />
      )}
      {catalog.isError && names && (
        <ErrorState compact title="Could not load the next page" error={catalog.error} onRetry={() => fetchNextPage()} />
      )}
      {names && hasNextPage && !isFetchingNextPage && !catalog.isError && (
        <div className="list-footer">
          <button type="button" className="small" onClick={() => fetchNextPage()}>
            Load more
          </button>
        </div>
      )}
    </section>
  );
}

function VirtualRepoList(props: {
  rows: RepoRow[];
  registryId: string;
  onToggle: (ns: string) => void;
  onNearEnd: () => void;
}) {
  const { rows, onNearEnd } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : 0;

  useEffect(() => {
    if (lastIndex >= rows.length - PREFETCH_ROWS) onNearEnd();
  }, [lastIndex, rows.length, onNearEnd]);

  return (
    <div className="scroll repo-scroll" ref={scrollRef} data-testid="repository-list">
      <ul role="list" aria-label="Repositories" style={{ height: virtualizer.getTotalSize() }} className="virtual-list">
        {items.map((item) => {
          const row = rows[item.index];
          const style = { transform: `translateY(${item.start}px)`, height: item.size };
          if (row.kind === 'group') {
            return (
              <li key={`g:${row.namespace}`} className="repo-group" style={style}>
                <button
                  type="button"
                  className="group-toggle"
                  aria-expanded={!row.collapsed}
                  onClick={() => props.onToggle(row.namespace)}
                >
                  <span className="chevron" aria-hidden="true">
                    {row.collapsed ? '▸' : '▾'}
                  </span>
                  <span className="mono">{row.namespace || '(top level)'}</span>
                  <span className="badge">{row.count.toLocaleString('en')}</span>
                </button>
              </li>
            );
          }
          return (
            <li key={`r:${row.name}`} className="repo-row" style={style}>
              <a href={routeHref({ screen: 'repository', registryId: props.registryId, repository: row.name })}>
                {row.namespace && <span className="repo-ns mono">{row.namespace}/</span>}
                <span className="repo-leaf mono">{row.leaf}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
