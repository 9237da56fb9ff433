/** The one QueryClient of the renderer and its defaults. */
import { QueryClient } from '@tanstack/react-query';
import type { ErrorCode } from '../../shared/errors';
import { asBerthError } from './unwrap';

/** Codes worth one more try: the registry may answer the second time. Others are shown at once. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['TIMEOUT', 'SERVER_ERROR', 'NETWORK', 'TOOMANYREQUESTS']);

/** Builds the client: short staleness (registries change under us), no refetch storm on focus. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failures, err) => failures < 1 && TRANSIENT.has(asBerthError(err).code),
      },
      mutations: { retry: false },
    },
  });
}
