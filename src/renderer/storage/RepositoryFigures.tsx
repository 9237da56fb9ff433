/**
 * The repository list's tag count, size and last push, from the registry index once it has read
 * the repository: cells stay empty (not zero) before, so "nothing known" never reads as "empty".
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { RepositoryStorage } from '../../shared/index-types';
import { formatBytes, plural } from '../app/format';
import { When } from '../app/When';
import { indexStatusQuery, storageQuery } from './queries';

/** Figures by repository name once the index holds any (undefined before: no columns at all). */
export function useRepositoryFigures(registryId: string): ReadonlyMap<string, RepositoryStorage> | undefined {
  const status = useQuery(indexStatusQuery(registryId));
  const any = (status.data?.repositories ?? 0) > 0;
  const storage = useQuery({ ...storageQuery(registryId), enabled: any });
  return useMemo(() => {
    if (!any || !storage.data) return undefined;
    // Repositories only observed (never read as a whole) have partial figures: leave them empty.
    return new Map(storage.data.repositories.filter((r) => r.refreshedAt !== null).map((r) => [r.repository, r]));
  }, [any, storage.data]);
}

/** Three right-aligned cells: tags, size (bytes it references), last push. */
export function RepositoryFigures(props: { figures: RepositoryStorage | undefined }) {
  const f = props.figures;
  const size = f ? f.ownBytes + f.sharedBytes : null;
  return (
    <span className="repo-figures" data-testid="repo-figures">
      <span className="repo-fig tags">{f ? plural(f.tags, 'tag') : ''}</span>
      <span className="repo-fig size" title={f ? `${formatBytes(f.ownBytes)} only its own, ${formatBytes(f.sharedBytes)} shared with other repositories` : undefined}>
        {f ? formatBytes(size) : ''}
      </span>
      <span className="repo-fig pushed">{f?.lastPush ? <When iso={f.lastPush} /> : ''}</span>
    </span>
  );
}
