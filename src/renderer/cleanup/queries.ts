/** Cleanup: the live plan for a set of rules, dry run / apply, and the progress event. */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { CleanupPlan, CleanupProgress, CleanupResult, CleanupRules } from '../../shared/cleanup-types';
import type { RegistryId } from '../../shared/types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';
import { manifestKeys } from '../image/queries';
import { repositoryKeys } from '../repositories/queries';
import { indexKeys } from '../storage/queries';
import { tagKeys } from '../tags/queries';

/** Query keys of this feature; a plan is keyed by registry, repository and the rules themselves. */
export const cleanupKeys = {
  all: ['cleanup'] as const,
  repo: (id: RegistryId, repo: string) => [...cleanupKeys.all, id, repo] as const,
  plan: (id: RegistryId, repo: string, rules: CleanupRules) => [...cleanupKeys.repo(id, repo), 'plan', rules] as const,
};

/** The plan for `rules`; short-lived (tags move), never retried (a bad pattern stays bad). */
export const cleanupPlanQuery = (id: RegistryId, repo: string, rules: CleanupRules) =>
  queryOptions({
    queryKey: cleanupKeys.plan(id, repo, rules),
    queryFn: (): Promise<CleanupPlan> => call(berth().planCleanup(id, repo, rules)),
    staleTime: 15_000,
    gcTime: 60_000,
    retry: false,
  });

/** Variables of a dry run or an apply. */
export interface ApplyVars {
  plan: CleanupPlan;
  dryRun: boolean;
}

/** Runs applyCleanup; after a real run the repository's tags, manifests and plans are refetched. */
export function useApplyCleanup(id: RegistryId, repo: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (vars: ApplyVars): Promise<CleanupResult> => call(berth().applyCleanup(id, vars.plan, { dryRun: vars.dryRun })),
    onSuccess: async (result) => {
      if (result.dryRun) return;
      const gone = result.deleted.filter((d) => d.ok);
      // Deleted tags must not be refetched (they would answer MANIFEST_UNKNOWN): drop them first.
      for (const d of gone) {
        qc.removeQueries({ queryKey: manifestKeys.one(id, repo, d.digest), exact: true });
        for (const tag of d.tags) {
          qc.removeQueries({ queryKey: tagKeys.detail(id, repo, tag), exact: true });
          qc.removeQueries({ queryKey: manifestKeys.one(id, repo, tag), exact: true });
        }
      }
      await Promise.all([
        qc.invalidateQueries({ queryKey: tagKeys.repo(id, repo) }),
        qc.invalidateQueries({ queryKey: repositoryKeys.catalog(id) }),
        qc.invalidateQueries({ queryKey: cleanupKeys.repo(id, repo) }),
        qc.invalidateQueries({ queryKey: indexKeys.registry(id) }),
      ]);
    },
  });
}

/** The latest `cleanup:progress` for `repository` (planning and applying both report it). */
export function useCleanupProgress(repository: string): CleanupProgress | null {
  const [progress, setProgress] = useState<CleanupProgress | null>(null);
  useEffect(
    () =>
      berth().on('cleanup:progress', (p) => {
        if (p.repository === repository) setProgress(p);
      }),
    [repository],
  );
  return progress;
}
