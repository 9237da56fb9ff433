/** Repositories of a registry: the `_catalog`, page by page. */
import { infiniteQueryOptions } from '@tanstack/react-query';
import type { ErrorCode } from '../../shared/errors';
import type { RegistryId } from '../../shared/types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';

/** Query keys of this feature (under the registry id, so removing a registry drops them). */
export const repositoryKeys = {
  all: ['repositories'] as const,
  ofRegistry: (id: RegistryId) => [...repositoryKeys.all, id] as const,
  catalog: (id: RegistryId) => [...repositoryKeys.ofRegistry(id), 'catalog'] as const,
};

/** A small first page paints fast; later pages take distribution's maximum. */
export const FIRST_PAGE_SIZE = 100;
export const PAGE_SIZE = 1000;

interface CatalogCursor {
  n: number;
  last?: string;
}

/** The catalog as an infinite query: render the first page as soon as it arrives. */
export const catalogQuery = (id: RegistryId) =>
  infiniteQueryOptions({
    queryKey: repositoryKeys.catalog(id),
    queryFn: ({ pageParam }) => call(berth().listRepositories(id, pageParam)),
    initialPageParam: { n: FIRST_PAGE_SIZE } as CatalogCursor,
    getNextPageParam: (page): CatalogCursor | undefined => (page.next ? { n: PAGE_SIZE, last: page.next } : undefined),
    select: (data) => data.pages.flatMap((p) => p.repositories),
  });

/** Errors meaning "this registry has no catalog" rather than "something broke". */
export const NO_CATALOG_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CATALOG_UNAVAILABLE',
  'UNSUPPORTED',
  'NAME_UNKNOWN',
]);
