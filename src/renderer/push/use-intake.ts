/**
 * Files the user dropped or chose, from registration (with the `upload` file intake, their bytes
 * go to the host first, with progress) until their pre-flight sheet is pushed or closed.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { toWireError, type WireError } from '../../shared/errors';
import type { FileInfo } from '../../shared/types';
import { berth } from '../app/berth';
import { archiveQuery, releaseHandle } from './queries';

/** One dropped or chosen file on its way to a pre-flight sheet. */
export interface IntakeItem {
  key: string;
  name: string;
  size: number;
  /** uploading → ready (its sheet may open) | failed (registration failed) | skipped (not an archive). */
  status: 'uploading' | 'ready' | 'failed' | 'skipped';
  sent: number;
  total: number;
  info?: FileInfo;
  error?: WireError;
}

const ARCHIVE_NAME = /\.(tar|tar\.gz|tgz)$/i;

/** True for names Berth reads as `docker save` archives. */
export function isArchiveName(name: string): boolean {
  return ARCHIVE_NAME.test(name);
}

let nextKey = 0;

/** The intake queue and its operations; mount once (PushRoot) so it survives navigation. */
export function useIntake() {
  const qc = useQueryClient();
  const [items, setItems] = useState<IntakeItem[]>([]);

  const update = useCallback((key: string, patch: Partial<IntakeItem>) => {
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...patch } : i)));
  }, []);

  const addFiles = useCallback(
    (files: File[]) => {
      const added: IntakeItem[] = files.map((f) => ({
        key: `f${++nextKey}`,
        name: f.name,
        size: f.size,
        status: isArchiveName(f.name) ? 'uploading' : 'skipped',
        sent: 0,
        total: f.size,
        error: isArchiveName(f.name)
          ? undefined
          : {
              code: 'INVALID_ARGUMENT',
              message: `${f.name} is not a .tar, .tar.gz or .tgz file, so Berth did not read it. Save the image with \`docker save -o image.tar IMAGE\` and drop that file.`,
            },
      }));
      setItems((list) => [...list, ...added]);
      files.forEach((file, n) => {
        const item = added[n];
        if (item.status !== 'uploading') return;
        berth()
          .registerFile(file, (sent, total) => update(item.key, { sent, total }))
          .then(
            (result) => {
              if (!result.ok) return update(item.key, { status: 'failed', error: result.error });
              // Read the archive while the user finishes the sheet in front of it.
              void qc.prefetchQuery(archiveQuery(result.value.handle));
              update(item.key, { status: 'ready', info: result.value, sent: file.size, total: file.size });
            },
            (err: unknown) => update(item.key, { status: 'failed', error: toWireError(err) }),
          );
      });
    },
    [qc, update],
  );

  /** Forgets an item; `release` gives its handle back to main (the sheet was closed without pushing). */
  const remove = useCallback(
    (item: IntakeItem, release: boolean) => {
      setItems((list) => list.filter((i) => i.key !== item.key));
      if (release && item.info) releaseHandle(qc, item.info.handle);
    },
    [qc],
  );

  /** The file's archive could not be read: its row keeps the error after the sheet closes (until dismissed). */
  const fail = useCallback(
    (item: IntakeItem, error: WireError) => {
      setItems((list) => list.map((i) => (i.key === item.key ? { ...i, status: 'failed', error } : i)));
      if (item.info) releaseHandle(qc, item.info.handle);
    },
    [qc],
  );

  return { items, addFiles, remove, fail };
}
