/**
 * The delete confirmation for exactly the tags selected in the storage view: every manifest
 * (digest) that goes and every tag with it — registries delete by digest, so a tag's siblings on
 * the same image go too — and the exact bytes freed. Confirm deletes the digests one by one with
 * the tags shown; a tag moved meanwhile stops that digest (TAGS_CHANGED) and the list is read again.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReclaimItem } from '../../shared/index-types';
import type { DeleteResult } from '../../shared/types';
import { berth } from '../app/berth';
import { ErrorNote } from '../app/ErrorNote';
import { plural, shortDigest } from '../app/format';
import { Modal } from '../app/Modal';
import { asBerthError, call } from '../app/unwrap';
import { invalidateAfterDelete } from '../delete/queries';
import { ReclaimLine, useExactReclaim } from './ReclaimLine';

/** Confirms and deletes `selection` (tags of `repository`). */
export function SelectionDeleteDialog(props: {
  registryId: string;
  repository: string;
  selection: readonly ReclaimItem[];
  onClose: () => void;
  onDeleted?: (results: DeleteResult[]) => void;
}) {
  const { registryId, repository } = props;
  const qc = useQueryClient();
  const { estimate, refreshing } = useExactReclaim(registryId, props.selection);
  const manifests = estimate?.manifests ?? [];
  const tags = manifests.flatMap((m) => m.tags);
  const del = useMutation({
    mutationFn: async () => {
      const results: DeleteResult[] = [];
      try {
        for (const m of manifests) results.push(await call(berth().deleteManifest(registryId, m.repository, m.digest, m.tags)));
      } finally {
        await invalidateAfterDelete(qc, registryId, repository, results);
      }
      return results;
    },
    onSuccess: (results) => {
      props.onDeleted?.(results);
      props.onClose();
    },
  });
  const title = `Delete ${plural(tags.length || props.selection.length, 'tag')} from ${repository}`;
  return (
    <Modal title={title} onClose={props.onClose} testId="selection-delete-dialog" wide>
      <div className="delete-body">
        <p>
          Registries delete by digest: this deletes <b>{plural(manifests.length, 'manifest')}</b> and with them these <b>{plural(tags.length, 'tag')}</b>:
        </p>
        <ul className="delete-tags" aria-label="Tags that will be deleted" data-testid="selection-delete-tags">
          {tags.map((t) => (
            <li key={t} className="mono">
              {t}
            </li>
          ))}
        </ul>
        {manifests.length > 0 && (
          <p className="muted small-text">
            {manifests.map((m) => (
              <span key={m.digest} className="mono" title={m.digest}>
                {shortDigest(m.digest)}{' '}
              </span>
            ))}
          </p>
        )}
        <ReclaimLine registryId={registryId} selection={props.selection} lead="Deleting them" testId="selection-delete-freed" />
        {estimate && estimate.leftUntagged.length > 0 && (
          <p className="muted">{plural(estimate.leftUntagged.length, 'platform image')} of deleted indexes stay stored, untagged (the registry keeps them).</p>
        )}
        {del.error && <ErrorNote error={asBerthError(del.error)} testId="selection-delete-error" />}
      </div>
      <div className="form-actions">
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={!manifests.length || !!refreshing || del.isPending} onClick={() => del.mutate()}>
          {del.isPending && <span className="spinner" aria-hidden="true" />}
          Delete {plural(tags.length, 'tag')}
        </button>
      </div>
    </Modal>
  );
}
