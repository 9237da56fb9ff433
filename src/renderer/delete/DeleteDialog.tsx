/** "Delete …": shows every tag that goes with the digest before anything is deleted. */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { isValidDigest } from '../../shared/reference';
import type { DeleteResult } from '../../shared/types';
import { ErrorNote } from '../app/ErrorNote';
import { plural } from '../app/format';
import { Modal } from '../app/Modal';
import { ErrorState } from '../app/StateViews';
import { asBerthError } from '../app/unwrap';
import { referrerDeleteQuery } from '../referrers/queries';
import { ReferrersToDelete } from '../referrers/ReferrersToDelete';
import { registryCheckQuery } from '../registries/queries';
import { ReclaimLine } from '../storage/ReclaimLine';
import { deletePlanQuery, useDeleteManifest } from './queries';

/** Plans on open; Confirm deletes by digest with the tags shown; errors stay in the dialog. */
export function DeleteDialog(props: {
  registryId: string;
  repository: string;
  reference: string;
  onClose: () => void;
  onDeleted?: (result: DeleteResult) => void;
}) {
  const { registryId, repository, reference } = props;
  const plan = useQuery(deletePlanQuery(registryId, repository, reference));
  // Usually cached from the registry page; tells whether delete can work at all before confirming.
  const check = useQuery(registryCheckQuery(registryId));
  const deleteEnabled = check.data?.deleteEnabled;
  const del = useDeleteManifest(registryId, repository);
  const delError = del.error ? asBerthError(del.error) : null;
  const tagsChanged = delError?.code === 'TAGS_CHANGED';

  // Signatures and SBOMs of the image go with it unless the user unticks them.
  const referrers = useQuery({ ...referrerDeleteQuery(registryId, repository, plan.data?.digest ?? ''), enabled: !!plan.data });
  const [withReferrers, setWithReferrers] = useState(true);
  const name = `${repository}${isValidDigest(reference) ? '@' : ':'}${reference}`;
  const p = plan.data;
  const referrerItems = referrers.data?.items;
  const selection = useMemo(
    () => (p ? [p.digest, ...(withReferrers ? (referrerItems ?? []).map((i) => i.digest) : [])].map((digest) => ({ repository: p.repository, digest })) : []),
    [p, withReferrers, referrerItems],
  );
  const confirm = () => {
    if (!p) return;
    const items = withReferrers ? (referrers.data?.items ?? []) : [];
    del.mutate(
      { digest: p.digest, confirmedTags: p.tags, referrers: items.length ? items.map((i) => i.digest) : undefined },
      {
        onSuccess: (result) => {
          props.onDeleted?.(result);
          props.onClose();
        },
        onError: (err) => {
          // Someone moved a tag onto this digest since the plan: plan again so the list is true.
          if (asBerthError(err).code === 'TAGS_CHANGED') void plan.refetch().then(() => referrers.refetch());
        },
      },
    );
  };

  return (
    <Modal title={`Delete ${name}`} onClose={props.onClose} testId="delete-dialog" wide>
      <div className="delete-body">
        {plan.isPending && <p className="muted">Finding every tag that points at this image…</p>}
        {plan.isError && <ErrorState title="Could not plan the delete" error={plan.error} onRetry={() => plan.refetch()} />}
        {p && (
          <>
            <p>
              Registries delete by digest: this removes the manifest{' '}
              <code className="mono digest-full" data-testid="delete-digest">
                {p.digest}
              </code>{' '}
              and <b>{plural(p.tags.length, 'tag')}</b> that {p.tags.length === 1 ? 'points' : 'point'} at it:
            </p>
            <ul className="delete-tags" aria-label="Tags that will be deleted" data-testid="delete-tags">
              {p.tags.map((t) => (
                <li key={t} className={t === reference ? 'mono requested' : 'mono'}>
                  {t}
                </li>
              ))}
            </ul>
            <ReferrersToDelete plan={referrers} checked={withReferrers} onChange={setWithReferrers} />
            {p.leavesRepositoryEmpty && (
              <p className="warning" role="note" data-testid="delete-empty-warning">
                These are all the tags of <b className="mono">{repository}</b>: the repository will be left with no tags.
              </p>
            )}
            <ReclaimLine registryId={registryId} selection={selection} lead="Deleting it" />
            <p className="muted">The registry frees the disk space only after its garbage collection runs.</p>
            <p className="muted" data-testid="delete-support">
              {deleteEnabled === false ? (
                <span className="warning">
                  Deletion is disabled on this registry: it will refuse. Enable it with{' '}
                  <code>storage.delete.enabled: true</code> (or <code>REGISTRY_STORAGE_DELETE_ENABLED=true</code>) and
                  restart it.
                </span>
              ) : (
                <>
                  {deleteEnabled ? 'Deletion is enabled on this registry. ' : ''}
                  Deleting by tag alone is not part of the Registry API v2 (distribution answers{' '}
                  <code>DIGEST_INVALID</code>), which is why every tag on this digest goes with it.
                </>
              )}
            </p>
          </>
        )}
        {delError && (
          <ErrorNote error={delError} testId="delete-error">
            {tagsChanged ? `${delError.message} The list above is up to date now.` : delError.message}
          </ErrorNote>
        )}
      </div>
      <div className="form-actions">
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          disabled={!p || del.isPending || plan.isFetching || (withReferrers && referrers.isFetching)}
          onClick={confirm}
        >
          {del.isPending && <span className="spinner" aria-hidden="true" />}
          {p ? `Delete ${p.tags.length} ${p.tags.length === 1 ? 'tag' : 'tags'}` : 'Delete'}
        </button>
      </div>
    </Modal>
  );
}
