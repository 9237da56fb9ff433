/** Delete: the plan shown before anything is deleted, and the delete by digest. */
import { queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { DeleteResult, RegistryId } from '../../shared/types';
import { berth } from '../app/berth';
import { asBerthError, call } from '../app/unwrap';
import { manifestKeys } from '../image/queries';
import { repositoryKeys } from '../repositories/queries';
import { indexKeys } from '../storage/queries';
import { tagKeys } from '../tags/queries';

/** Query keys of this feature. */
export const deleteKeys = {
  all: ['delete-plan'] as const,
  plan: (id: RegistryId, repo: string, reference: string) => [...deleteKeys.all, id, repo, reference] as const,
};

/** What deleting `repo:reference` takes with it; always fresh, never cached (tags move). */
export const deletePlanQuery = (id: RegistryId, repo: string, reference: string) =>
  queryOptions({
    queryKey: deleteKeys.plan(id, repo, reference),
    queryFn: () => call(berth().planDelete(id, repo, reference)),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });

/** Arguments of a confirmed delete: the digest and the tags the user saw. */
export interface DeleteVars {
  digest: string;
  confirmedTags: string[];
  /** Referrers (digests) the user saw and wants deleted with the image. */
  referrers?: string[];
}

/** Deletes by digest; on success the repository's tags and manifests are refetched. */
export function useDeleteManifest(id: RegistryId, repo: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (vars: DeleteVars) => call(berth().deleteManifest(id, repo, vars.digest, vars.confirmedTags, vars.referrers ? { referrers: vars.referrers } : undefined)),
    onSuccess: (result: DeleteResult) => invalidateAfterDelete(qc, id, repo, [result]),
    onError: (err) => {
      // A tag moved under us: the table behind the dialog is stale too.
      if (asBerthError(err).code === 'TAGS_CHANGED') void qc.invalidateQueries({ queryKey: tagKeys.list(id, repo) });
    },
  });
}

/** After deletes: drops the deleted tags' and digests' queries, refetches the repository's tags, the catalog and the index figures. */
export async function invalidateAfterDelete(qc: QueryClient, id: RegistryId, repo: string, results: readonly DeleteResult[]): Promise<void> {
  // Deleted tags must not be refetched (they would answer MANIFEST_UNKNOWN): drop them first.
  for (const result of results) {
    qc.removeQueries({ queryKey: manifestKeys.one(id, repo, result.digest), exact: true });
    for (const tag of result.deletedTags) {
      qc.removeQueries({ queryKey: tagKeys.detail(id, repo, tag), exact: true });
      qc.removeQueries({ queryKey: manifestKeys.one(id, repo, tag), exact: true });
    }
  }
  await Promise.all([
    qc.invalidateQueries({ queryKey: tagKeys.repo(id, repo) }),
    qc.invalidateQueries({ queryKey: repositoryKeys.catalog(id) }),
    qc.invalidateQueries({ queryKey: indexKeys.registry(id) }),
  ]);
}
