/** Registries: the session's list, the doctor's check, add and remove. */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { RegistryId, RegistryInput } from '../../shared/types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';

/** Query keys of this feature; everything about one registry lives under `registryKeys.one(id)`. */
export const registryKeys = {
  all: ['registries'] as const,
  list: () => [...registryKeys.all, 'list'] as const,
  one: (id: RegistryId) => [...registryKeys.all, id] as const,
  check: (id: RegistryId) => [...registryKeys.one(id), 'check'] as const,
};

/** The registries main holds for this session (never any secret). */
export const registriesQuery = () =>
  queryOptions({
    queryKey: registryKeys.list(),
    queryFn: () => call(berth().listRegistries()),
    staleTime: Infinity,
  });

/** `GET /v2/` and the doctor's probes; cheap, so it refreshes when the registry page opens. */
export const registryCheckQuery = (id: RegistryId) =>
  queryOptions({
    queryKey: registryKeys.check(id),
    queryFn: () => call(berth().checkRegistry(id)),
    staleTime: 60_000,
  });

/** Adds a registry; the list refetches so the sidebar shows it. */
export function useAddRegistry() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: RegistryInput) => call(berth().addRegistry(input)),
    onSuccess: () => qc.invalidateQueries({ queryKey: registryKeys.list() }),
  });
}

/** Removes a registry from the session and forgets everything cached about it. */
export function useRemoveRegistry() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: RegistryId) => call(berth().removeRegistry(id)),
    onSuccess: (_v, id) => {
      qc.removeQueries({ queryKey: registryKeys.one(id) });
      qc.removeQueries({ predicate: (q) => q.queryKey[1] === id });
      return qc.invalidateQueries({ queryKey: registryKeys.list() });
    },
  });
}
