/**
 * A registry's storage view (issue 11): the total as stored next to the naive sum of tag sizes,
 * where the space goes (treemap by namespace and repository), the repositories table, and the
 * chosen repository's tags with what deleting them gives back — all from the registry index,
 * whose status line (progress, cancel, rebuild, age) heads the page.
 */
import { useQuery } from '@tanstack/react-query';
import { Breadcrumb } from '../app/Breadcrumb';
import { formatBytes, plural } from '../app/format';
import { navigate } from '../app/route';
import { EmptyState, ErrorState, SkeletonRows } from '../app/StateViews';
import { SearchButton } from '../search/SearchButton';
import { IndexStatusLine } from './IndexStatusLine';
import { storageQuery } from './queries';
import { RepositoriesTable } from './RepositoriesTable';
import { RepositoryPanel } from './RepositoryPanel';
import { Treemap } from './Treemap';
import './storage.css';

/** The storage screen of `registryId`, with `repository` opened below the table when given. */
export function StoragePage(props: { registryId: string; repository?: string }) {
  const { registryId, repository } = props;
  const storage = useQuery(storageQuery(registryId));
  const s = storage.data;
  const open = (name: string) => navigate({ screen: 'storage', registryId, repository: name }, true);
  const saved = s && s.naiveTagBytes > s.totalStoredBytes ? s.naiveTagBytes - s.totalStoredBytes : 0;

  return (
    <div className="page scroll-page storage-page">
      <header className="page-head">
        <Breadcrumb registryId={registryId} />
        <div className="title-row">
          <h1>Storage</h1>
          <span className="spacer" />
          <SearchButton registryId={registryId} />
        </div>
        <IndexStatusLine registryId={registryId} />
      </header>
      {storage.isPending && <SkeletonRows rows={6} label="Reading the storage figures" />}
      {storage.isError && <ErrorState title="Could not read the storage figures" error={storage.error} onRetry={() => storage.refetch()} />}
      {s && s.repositories.length === 0 && (
        <EmptyState title="Nothing indexed yet">Build the index (above) to see where the space goes; it reads every repository in the background.</EmptyState>
      )}
      {s && s.repositories.length > 0 && (
        <>
          <section className="storage-totals" aria-label="Registry totals" data-testid="storage-totals" data-stored-bytes={s.totalStoredBytes}>
            <div className="total">
              <span className="total-label">Stored</span>
              <b data-testid="total-stored">{formatBytes(s.totalStoredBytes)}</b>
            </div>
            <div className="total">
              <span className="total-label">Sum of tag sizes</span>
              <b data-testid="total-naive">{formatBytes(s.naiveTagBytes)}</b>
            </div>
            <p className="total-note">
              The registry stores each layer once however many tags use it, so it holds {formatBytes(s.totalStoredBytes)} where adding up the{' '}
              {plural(s.tags, 'tag')}’ sizes gives {formatBytes(s.naiveTagBytes)}
              {saved ? ` (${formatBytes(saved)} of shared layers counted more than once)` : ''}.
              {s.coverage === 'partial' && ' Only the repositories read so far count until the index is built.'}
              {s.coverage === 'pinned' && ' This registry has no catalog: the figures cover its pinned repositories.'}
              {s.unknownSizes > 0 && ` ${plural(s.unknownSizes, 'blob')} of unknown size: the figures are lower bounds.`}
            </p>
          </section>
          <Treemap storage={s} selected={repository} onOpen={open} />
          {repository && <RepositoryPanel key={repository} registryId={registryId} repository={repository} />}
          <RepositoriesTable rows={s.repositories} selected={repository} onOpen={open} />
        </>
      )}
      {s && s.repositories.length === 0 && repository && <RepositoryPanel key={repository} registryId={registryId} repository={repository} />}
    </div>
  );
}
