/** Registries: the saved list, each one's check, add / edit / remove / reorder, pins and Hub namespaces. */
import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { RegistryId, RegistryInfo, RegistryInput, RegistryPatch } from '../../shared/types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';

/** Query keys of this feature; everything about one registry lives under `registryKeys.one(id)`. */
export const registryKeys = {
  all: ['registries'] as const,
  list: () => [...registryKeys.all, 'list'] as const,
  secretStorage: () => [...registryKeys.all, 'secret-storage'] as const,
  one: (id: RegistryId) => [...registryKeys.all, id] as const,
  check: (id: RegistryId) => [...registryKeys.one(id), 'check'] as const,
  namespace: (id: RegistryId, namespace: string) => [...registryKeys.one(id), 'namespace', namespace] as const,
};

/** The registries main keeps (persisted, in the user's order; never any secret). */
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

/** Where this shell keeps passwords; it never changes while the app runs. */
export const secretStorageQuery = () =>
  queryOptions({
    queryKey: registryKeys.secretStorage(),
    queryFn: () => call(berth().getSecretStorage()),
    staleTime: Infinity,
  });

/** A Docker Hub namespace's repositories, page by page (Hub numbers pages from 1). */
export const namespaceQuery = (id: RegistryId, namespace: string) =>
  infiniteQueryOptions({
    queryKey: registryKeys.namespace(id, namespace),
    queryFn: ({ pageParam }) => call(berth().listNamespace(id, namespace, pageParam)),
    initialPageParam: 1,
    getNextPageParam: (page) => page.next ?? undefined,
    select: (data) => data.pages.flatMap((p) => p.repositories),
    staleTime: 5 * 60_000,
  });

const aboutRegistry = (id: RegistryId) => (q: { queryKey: readonly unknown[] }) => q.queryKey[1] === id;

/**
 * Everything cached about one registry: its check, namespaces, and every other feature's queries
 * (their keys are `[feature, registryId, …]`), so a changed URL, credential or TLS setting is
 * never shown with answers from the old one.
 */
export function invalidateRegistry(qc: QueryClient, id: RegistryId): Promise<void> {
  return qc.invalidateQueries({ predicate: aboutRegistry(id) });
}

/** Puts a changed registry into the cached list at once (the sidebar and headings follow). */
function replaceInList(qc: QueryClient, info: RegistryInfo): void {
  qc.setQueryData<RegistryInfo[]>(registryKeys.list(), (list) => list?.map((r) => (r.id === info.id ? info : r)));
}

/** Adds a registry; the list refetches so the sidebar shows it. */
export function useAddRegistry() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: RegistryInput) => call(berth().addRegistry(input)),
    onSuccess: () => qc.invalidateQueries({ queryKey: registryKeys.list() }),
  });
}

/** Changes a registry, then re-checks it and drops what was loaded with the old settings. */
export function useUpdateRegistry() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: RegistryId; patch: RegistryPatch }) => call(berth().updateRegistry(v.id, v.patch)),
    onSuccess: (info) => {
      replaceInList(qc, info);
      return invalidateRegistry(qc, info.id);
    },
  });
}

/** Removes a registry and forgets everything cached about it. */
export function useRemoveRegistry() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: RegistryId) => call(berth().removeRegistry(id)),
    onSuccess: (_v, id) => {
      qc.removeQueries({ predicate: aboutRegistry(id) });
      return qc.invalidateQueries({ queryKey: registryKeys.list() });
    },
  });
}

/** Saves a new order; the sidebar moves at once and goes back if main refuses. */
export function useReorderRegistries() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: RegistryId[]) => call(berth().reorderRegistries(ids)),
    onMutate: async (ids) => {
      await qc.cancelQueries({ queryKey: registryKeys.list() });
      const before = qc.getQueryData<RegistryInfo[]>(registryKeys.list());
      if (before) {
        const byId = new Map(before.map((r) => [r.id, r]));
        qc.setQueryData(registryKeys.list(), ids.map((id) => byId.get(id)).filter((r): r is RegistryInfo => !!r));
      }
      return { before };
    },
    onError: (_e, _ids, ctx) => {
      if (ctx?.before) qc.setQueryData(registryKeys.list(), ctx.before);
    },
    onSuccess: (list) => qc.setQueryData(registryKeys.list(), list),
  });
}

/** Pins a repository (main checks it with tags/list first and says why when it cannot). */
export function usePinRepository(id: RegistryId) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (repository: string) => call(berth().pinRepository(id, repository)),
    onSuccess: (info) => replaceInList(qc, info),
  });
}

/** Takes a repository off the registry's pinned list. */
export function useUnpinRepository(id: RegistryId) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (repository: string) => call(berth().unpinRepository(id, repository)),
    onSuccess: (info) => replaceInList(qc, info),
  });
}
