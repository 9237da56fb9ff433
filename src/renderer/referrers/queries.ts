/** Supply chain of an image, the saved public keys, and the referrers a delete takes along. */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { KeyScope } from '../../shared/supply-chain-types';
import type { RegistryId } from '../../shared/types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';

/** Query keys of this feature. */
export const supplyKeys = {
  all: ['supply'] as const,
  chains: () => [...supplyKeys.all, 'chain'] as const,
  chain: (id: RegistryId, repo: string, digest: string) => [...supplyKeys.chains(), id, repo, digest] as const,
  keys: () => [...supplyKeys.all, 'keys'] as const,
  deletePlan: (id: RegistryId, repo: string, digest: string) => [...supplyKeys.all, 'delete', id, repo, digest] as const,
};

/** Signatures, attestations and SBOMs of `digest`, verified with the keys saved now. */
export const supplyChainQuery = (id: RegistryId, repo: string, digest: string) =>
  queryOptions({
    queryKey: supplyKeys.chain(id, repo, digest),
    queryFn: () => call(berth().getSupplyChain(id, repo, digest)),
    staleTime: 30_000,
  });

/** Every saved public key. */
export const signingKeysQuery = () =>
  queryOptions({ queryKey: supplyKeys.keys(), queryFn: () => call(berth().listSigningKeys()), staleTime: Infinity });

/** The referrers a delete of `digest` would leave without a subject; always fresh. */
export const referrerDeleteQuery = (id: RegistryId, repo: string, digest: string) =>
  queryOptions({
    queryKey: supplyKeys.deletePlan(id, repo, digest),
    queryFn: () => call(berth().planReferrerDelete(id, repo, digest)),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });

/** Saves a public key; every supply chain is checked again with it. */
export function useAddSigningKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { scope: KeyScope; name: string; pem: string }) => call(berth().addSigningKey(v.scope, v.name, v.pem)),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: supplyKeys.keys() });
      await qc.invalidateQueries({ queryKey: supplyKeys.chains() });
    },
  });
}

/** Forgets a public key; every supply chain is checked again without it. */
export function useRemoveSigningKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => call(berth().removeSigningKey(keyId)),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: supplyKeys.keys() });
      await qc.invalidateQueries({ queryKey: supplyKeys.chains() });
    },
  });
}
