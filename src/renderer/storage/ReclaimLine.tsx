/**
 * The exact figure shown wherever a delete happens (delete dialog, cleanup preview and its
 * confirmation, the storage view's selection): registry-wide bytes freed after garbage
 * collection, from the index, with the index's age. When a repository of the selection is out of
 * date in the index it is read first, and the line says so while it is.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { ReclaimEstimate, ReclaimItem } from '../../shared/index-types';
import { formatBytes, plural } from '../app/format';
import { Busy } from '../app/StateViews';
import { asBerthError } from '../app/unwrap';
import { indexAge } from './age';
import { reclaimQuery, useIndexControls } from './queries';
import { reclaimWording } from './reclaim-text';

/** The estimate for `selection`, reading out-of-date repositories first; `refreshing` names them meanwhile. */
export function useExactReclaim(registryId: string, selection: readonly ReclaimItem[]) {
  const enabled = selection.length > 0;
  const quick = useQuery({ ...reclaimQuery(registryId, selection, false), enabled, placeholderData: keepPreviousData });
  const stale = quick.data && !quick.isPlaceholderData ? quick.data.staleRepositories : [];
  const fresh = useQuery({ ...reclaimQuery(registryId, selection, true), enabled: enabled && stale.length > 0 });
  const estimate: ReclaimEstimate | undefined = stale.length > 0 ? fresh.data : quick.data;
  return {
    estimate,
    refreshing: stale.length > 0 && fresh.isPending ? stale : null,
    pending: enabled && (quick.isPending || quick.isPlaceholderData || (stale.length > 0 && fresh.isPending)),
    error: quick.error ?? fresh.error,
  };
}

/** "Frees exactly 1.2 GB after garbage collection … (index as of 3 min ago)". */
export function ReclaimLine(props: { registryId: string; selection: readonly ReclaimItem[]; lead?: ReactNode; testId?: string }) {
  const { estimate, refreshing, pending, error } = useExactReclaim(props.registryId, props.selection);
  const { start } = useIndexControls(props.registryId);
  const testId = props.testId ?? 'reclaim-figure';
  if (!props.selection.length) return null;
  if (refreshing) {
    return (
      <p className="reclaim-line" data-testid={testId}>
        <Busy>Updating the index of {refreshing.join(', ')} first, for the exact figure…</Busy>
      </p>
    );
  }
  if (error && !estimate) {
    return (
      <p className="reclaim-line muted" data-testid={testId}>
        The exact figure is not available: {asBerthError(error).message}
      </p>
    );
  }
  if (!estimate) {
    return (
      <p className="reclaim-line" data-testid={testId}>
        <Busy>Computing what garbage collection gives back…</Busy>
      </p>
    );
  }
  const e = estimate;
  const { exact, bound, scope } = reclaimWording(e);
  return (
    <p className={pending ? 'reclaim-line stale' : 'reclaim-line'} data-testid={testId} data-freed-bytes={e.freedBytes} data-exact={exact}>
      {props.lead ?? 'Deleting this'} frees {bound}
      <b data-testid={`${testId}-bytes`}>{formatBytes(e.freedBytes)}</b> after garbage collection
      {scope}{' '}
      <span className="muted">(index as of {indexAge(e.asOf)}{e.refreshed.length ? `; ${e.refreshed.join(', ')} just read again` : ''}).</span>
      {e.coverage === 'partial' && (
        <>
          {' '}
          <span className="muted">Only the repositories read so far count: other repositories may share these layers.</span>{' '}
          <button type="button" className="link" onClick={() => start.mutate(false)} disabled={start.isPending}>
            Build the index for the exact figure
          </button>
        </>
      )}
      {e.notFound.length > 0 && <span className="muted"> {plural(e.notFound.length, 'item')} of the selection {e.notFound.length === 1 ? 'is' : 'are'} not in the index.</span>}
    </p>
  );
}
