/** "Delete N tags from REPO": the last look at every tag before anything is deleted. */
import type { CleanupPlan } from '../../shared/cleanup-types';
import { sortNatural } from '../../shared/natural-order';
import { formatBytes, plural } from '../app/format';
import { Modal } from '../app/Modal';

/** Lists the tags of every digest the plan deletes; Confirm hands back to the page, which applies. */
export function ConfirmDialog(props: { plan: CleanupPlan; onCancel: () => void; onConfirm: () => void }) {
  const { plan } = props;
  const tags = sortNatural(plan.deleteDigests.flatMap((d) => d.tags));
  const title = `Delete ${plural(tags.length, 'tag')} from ${plan.repository}`;
  return (
    <Modal title={title} onClose={props.onCancel} testId="cleanup-confirm" wide>
      <div className="delete-body">
        <p>
          Registries delete by digest: this deletes <b>{plural(plan.deleteDigests.length, 'manifest')}</b> and with them these{' '}
          <b>{plural(tags.length, 'tag')}</b>:
        </p>
        <ul className="delete-tags" aria-label="Tags that will be deleted">
          {tags.map((t) => (
            <li key={t} className="mono">
              {t}
            </li>
          ))}
        </ul>
        <p className="muted">
          {plural(plan.keptCount + plan.protectedCount, 'tag')} stay{plan.protectedCount > 0 && ` (${plan.protectedCount} protected because they share an image with a kept tag or belong to a kept index)`}.
          Right before deleting, Berth checks each digest again and skips any that another tag has come to point at.
        </p>
        <p className="muted">Frees about {formatBytes(plan.freedBytes)} once the registry runs its garbage collection.</p>
      </div>
      <div className="form-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={props.onConfirm}>
          Delete {plural(tags.length, 'tag')}
        </button>
      </div>
    </Modal>
  );
}
