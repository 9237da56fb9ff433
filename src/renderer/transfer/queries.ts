/**
 * Saves and copies: the session's list in the query cache, kept current by `transfer:progress`
 * events written straight into it; start and cancel. A finished web save is downloaded once by
 * the page that started it (its one-time link is spent then).
 */
import { queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { CopyRequest, SaveRequest, TransferId, TransferSummary } from '../../shared/transfer-types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';
import { repositoryKeys } from '../repositories/queries';
import { tagKeys } from '../tags/queries';

/** Query keys of this feature. */
export const transferKeys = { all: ['transfers'] as const, list: () => [...transferKeys.all, 'list'] as const };

/** Every save and copy of the session, newest first. */
export const transfersQuery = () =>
  queryOptions({ queryKey: transferKeys.list(), queryFn: () => call(berth().listTransfers()), staleTime: Infinity, gcTime: Infinity });

/** True once a transfer ended (done, failed or cancelled). */
export const isFinished = (t: TransferSummary): boolean => ['done', 'failed', 'cancelled'].includes(t.progress.phase);

/** Saves this page started: their download starts by itself once, when they are done. */
const startedHere = new Set<TransferId>();
const downloaded = new Set<TransferId>();

function upsert(list: TransferSummary[] | undefined, t: TransferSummary): TransferSummary[] {
  const rest = (list ?? []).filter((x) => x.transferId !== t.transferId);
  const at = (list ?? []).findIndex((x) => x.transferId === t.transferId);
  if (at < 0) return [t, ...rest];
  rest.splice(at, 0, t);
  return rest;
}

/** Follows a one-time download URL in the page (the browser saves the file). */
export function download(t: TransferSummary): void {
  if (!t.download || downloaded.has(t.transferId)) return;
  downloaded.add(t.transferId);
  const a = document.createElement('a');
  a.href = t.download;
  a.download = t.fileName ?? '';
  document.body.append(a);
  a.click();
  a.remove();
}

/** Whether the one-time download link of `t` was followed already in this page. */
export const wasDownloaded = (t: TransferSummary): boolean => downloaded.has(t.transferId);

function onChange(qc: QueryClient, t: TransferSummary): void {
  if (t.progress.phase !== 'done') return;
  if (t.kind === 'save' && startedHere.has(t.transferId)) download(t);
  if (t.target) {
    // A new tag (maybe a new repository) exists now.
    void qc.invalidateQueries({ queryKey: tagKeys.repo(t.target.registryId, t.target.repository) });
    void qc.invalidateQueries({ queryKey: repositoryKeys.ofRegistry(t.target.registryId) });
  }
}

/** Subscribes to transfer events for the life of the component (mount it once). */
export function useTransferEvents(): void {
  const qc = useQueryClient();
  useEffect(() => {
    const off = berth().on('transfer:progress', (t) => {
      qc.setQueryData<TransferSummary[]>(transferKeys.list(), (old) => upsert(old, t));
      onChange(qc, t);
    });
    const offResync = berth().onResync?.(() => void qc.invalidateQueries({ queryKey: transferKeys.list() })) ?? (() => {});
    return () => {
      off();
      offResync();
    };
  }, [qc]);
}

/** "Save as archive…": null when the user cancelled Electron's save dialog. */
export function useStartSave() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (request: SaveRequest) => call(berth().startSave(request)),
    onSuccess: (id) => {
      if (!id) return;
      startedHere.add(id);
      // Events may have arrived before the answer: settle from the engine's list.
      void qc.invalidateQueries({ queryKey: transferKeys.list() }).then(() => {
        const t = qc.getQueryData<TransferSummary[]>(transferKeys.list())?.find((x) => x.transferId === id);
        if (t) onChange(qc, t);
      });
    },
  });
}

/** "Copy to…" (or "Add tag" in the same repository). */
export function useStartCopy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (request: CopyRequest) => call(berth().startCopy(request)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: transferKeys.list() }),
  });
}

/** Cancels a running save or copy. */
export function useCancelTransfer() {
  return useMutation({ mutationFn: (id: TransferId) => call(berth().cancelTransfer(id)) });
}
