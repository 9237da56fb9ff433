/** Registry doctor: the check comes from registries/queries; here only garbage collection over HTTP. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RegistryId } from '../../shared/types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';
import { registryKeys } from '../registries/queries';

/** Runs `POST /v2/_gc` (only offered when the doctor found it); the check refreshes afterwards. */
export function useRunGarbageCollect(id: RegistryId) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call(berth().runGarbageCollect(id)),
    onSettled: () => qc.invalidateQueries({ queryKey: registryKeys.check(id) }),
  });
}
