/**
 * Pushes: one source of truth, the query cache — the engine's list (restored on startup), kept
 * current by `push:progress` and `push:done` events written straight into it, and reconciled
 * with the engine's list when events may have been lost (the event stream reopened, or a running
 * push went quiet); plus start, cancel, retry and dismiss. Archive inspection of a registered
 * file is a query keyed by its handle.
 */
import { queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { initialProgress } from '../../shared/push-phase';
import type { FileHandle, PushId, PushOutcome, PushRequest, PushSummary } from '../../shared/types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';
import { repositoryKeys } from '../repositories/queries';
import { tagKeys } from '../tags/queries';
import { addPush, applyOutcome, applyProgress, isFinished, reconcile, withoutSuperseded } from './push-state';
import { destinationsOf, isDismissed, markReleased, rememberDestinations, rememberDismissed } from './session';

/** A running push with no event for this long makes the panel ask the engine for the list again. */
export const QUIET_MS = 20_000;

/** Query keys of this feature. */
export const pushKeys = {
  all: ['pushes'] as const,
  list: () => [...pushKeys.all, 'list'] as const,
  archive: (handle: FileHandle) => [...pushKeys.all, 'archive', handle] as const,
};

/** Every push of the session (newest first) minus the dismissed ones; events keep it fresh, listPushes reconciles. */
export const pushesQuery = () =>
  queryOptions({
    queryKey: pushKeys.list(),
    queryFn: async ({ client }): Promise<PushSummary[]> => {
      const before = client.getQueryData<PushSummary[]>(pushKeys.list());
      const list = await call(berth().listPushes());
      const now = client.getQueryData<PushSummary[]>(pushKeys.list());
      const next = withoutSuperseded(reconcile(list.filter((s) => !isDismissed(s.pushId)), before, now));
      // Pushes whose end the events never brought (a lost push:done) get its effects now.
      for (const s of next) if (s.outcome && !now?.find((c) => c.pushId === s.pushId)?.outcome) queueMicrotask(() => onDone(client, s.outcome!));
      return next;
    },
    staleTime: Infinity,
    gcTime: Infinity,
  });

/** What is inside a registered archive; an archive does not change while its handle lives. */
export const archiveQuery = (handle: FileHandle) =>
  queryOptions({
    queryKey: pushKeys.archive(handle),
    queryFn: () => call(berth().inspectArchive(handle)),
    staleTime: Infinity,
    retry: false,
  });

/** Releases a file handle once; a handle main already forgot is not an error worth showing. */
export function releaseHandle(qc: QueryClient, handle: FileHandle): void {
  qc.removeQueries({ queryKey: pushKeys.archive(handle) });
  if (!markReleased(handle)) return;
  void berth()
    .releaseFile(handle)
    .catch(() => undefined);
}

/** True when another listed push may still need the file (to run or to be retried). */
function handleStillNeeded(list: PushSummary[], handle: FileHandle, except: PushId): boolean {
  return list.some((s) => s.pushId !== except && s.request.handle === handle && !s.outcome?.ok);
}

function onDone(qc: QueryClient, o: PushOutcome): void {
  const list = qc.getQueryData<PushSummary[]>(pushKeys.list()) ?? [];
  const summary = list.find((s) => s.pushId === o.pushId);
  if (!o.ok) return;
  if (summary) {
    const id = summary.request.registryId;
    // New tags (and maybe a new repository) exist now: refetch what shows them.
    for (const repo of new Set(o.pushed.map((p) => p.repository))) void qc.invalidateQueries({ queryKey: tagKeys.repo(id, repo) });
    void qc.invalidateQueries({ queryKey: repositoryKeys.ofRegistry(id) });
    if (!handleStillNeeded(list, summary.request.handle, o.pushId)) releaseHandle(qc, summary.request.handle);
  } else {
    void qc.invalidateQueries({ queryKey: tagKeys.all });
    void qc.invalidateQueries({ queryKey: repositoryKeys.all });
  }
}

/** Subscribes to push events for the life of the component (mount it once, in PushRoot). */
export function usePushEvents(): void {
  const qc = useQueryClient();
  useEffect(() => {
    const key = pushKeys.list();
    let lastEvent = Date.now();
    const resync = (): void => {
      lastEvent = Date.now();
      void qc.invalidateQueries({ queryKey: key });
    };
    const offProgress = berth().on('push:progress', (p) => {
      lastEvent = Date.now();
      if (isDismissed(p.pushId)) return;
      const list = qc.getQueryData<PushSummary[]>(key);
      const next = list ? applyProgress(list, p) : null;
      // A push this page did not start (another window, or before startPush answered): list again once.
      if (next) qc.setQueryData(key, next);
      else if (!qc.isFetching({ queryKey: key })) void qc.invalidateQueries({ queryKey: key });
    });
    const offDone = berth().on('push:done', (o) => {
      lastEvent = Date.now();
      if (isDismissed(o.pushId)) return;
      const list = qc.getQueryData<PushSummary[]>(key);
      const next = list ? applyOutcome(list, o) : null;
      if (next) qc.setQueryData(key, next);
      else void qc.invalidateQueries({ queryKey: key });
      onDone(qc, o);
    });
    // The stream (re)opened: whatever it carried while it was down is lost.
    const offResync = berth().onResync?.(resync) ?? (() => {});
    // A push:done lost without the stream noticing must not leave a row running forever.
    const quiet = setInterval(() => {
      const running = qc.getQueryData<PushSummary[]>(key)?.some((s) => !isFinished(s));
      if (running && Date.now() - lastEvent > QUIET_MS && !qc.isFetching({ queryKey: key })) resync();
    }, QUIET_MS / 4);
    return () => {
      offProgress();
      offDone();
      offResync();
      clearInterval(quiet);
    };
  }, [qc]);
}

function insert(qc: QueryClient, s: PushSummary): void {
  qc.setQueryData<PushSummary[]>(pushKeys.list(), (old) => withoutSuperseded(addPush(old ?? [], s)));
  // The outcome may have arrived before startPush answered: settle it now.
  const settled = qc.getQueryData<PushSummary[]>(pushKeys.list())?.find((x) => x.pushId === s.pushId);
  if (settled?.outcome) onDone(qc, settled.outcome);
}

/** Starts a push from a pre-flight sheet; the new push appears in the panel at once. */
export function useStartPush() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { request: PushRequest; fileName: string; destinations: string[] }) => {
      const pushId = await call(berth().startPush(v.request));
      return pushId;
    },
    onSuccess: (pushId, v) => {
      rememberDestinations(pushId, v.destinations);
      insert(qc, { pushId, request: v.request, fileName: v.fileName, progress: initialProgress(pushId), outcome: null });
    },
  });
}

/** Cancels a running push; the engine reports `cancelled` through the events. */
export function useCancelPush() {
  return useMutation({ mutationFn: (pushId: PushId) => call(berth().cancelPush(pushId)) });
}

function dropFromList(qc: QueryClient, pushId: PushId): void {
  rememberDismissed(pushId);
  qc.setQueryData<PushSummary[]>(pushKeys.list(), (old) => old?.filter((s) => s.pushId !== pushId));
}

/** Re-issues a finished push's request (same handle); the new push replaces the old row. */
export function useRetryPush() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: PushSummary) => call(berth().startPush(s.request)),
    onSuccess: (pushId, s) => {
      const dest = destinationsOf(s.pushId);
      if (dest) rememberDestinations(pushId, dest);
      dropFromList(qc, s.pushId);
      insert(qc, { pushId, request: s.request, fileName: s.fileName, progress: initialProgress(pushId), outcome: null });
    },
  });
}

function dismiss(qc: QueryClient, s: PushSummary): void {
  dropFromList(qc, s.pushId);
  const list = qc.getQueryData<PushSummary[]>(pushKeys.list()) ?? [];
  if (!handleStillNeeded(list, s.request.handle, s.pushId)) releaseHandle(qc, s.request.handle);
}

/** Hides a finished push and releases its file unless another listed push still needs it. */
export function useDismissPush() {
  const qc = useQueryClient();
  return (s: PushSummary) => dismiss(qc, s);
}

/** "Clear finished": hides every finished push at once (running ones stay). */
export function useClearFinished() {
  const qc = useQueryClient();
  return () => {
    for (const s of qc.getQueryData<PushSummary[]>(pushKeys.list()) ?? []) if (isFinished(s)) dismiss(qc, s);
  };
}
