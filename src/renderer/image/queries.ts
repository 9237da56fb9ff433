/** One manifest (image or index) as the image view shows it. */
import { queryOptions } from '@tanstack/react-query';
import { isValidDigest } from '../../shared/reference';
import type { RegistryId } from '../../shared/types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';

/** Query keys of this feature; `manifestKeys.repo(id, repo)` covers every reference of a repository. */
export const manifestKeys = {
  all: ['manifest'] as const,
  ofRegistry: (id: RegistryId) => [...manifestKeys.all, id] as const,
  repo: (id: RegistryId, repo: string) => [...manifestKeys.ofRegistry(id), repo] as const,
  one: (id: RegistryId, repo: string, reference: string) => [...manifestKeys.repo(id, repo), reference] as const,
};

/** The manifest summary; by-digest answers are immutable, by-tag ones may move. */
export const manifestQuery = (id: RegistryId, repo: string, reference: string) =>
  queryOptions({
    queryKey: manifestKeys.one(id, repo, reference),
    queryFn: () => call(berth().getManifest(id, repo, reference)),
    staleTime: isValidDigest(reference) ? Infinity : 30_000,
  });
