/** "Remove registry": asks first, because the saved password and pinned repositories go with it. */
import { Modal } from '../app/Modal';
import { ErrorNote } from '../app/ErrorNote';
import { navigate } from '../app/route';
import { asBerthError } from '../app/unwrap';
import type { RegistryInfo } from '../../shared/types';
import { useRemoveRegistry } from './queries';

/** The confirmation; `current` sends the user home when the open registry is removed. */
export function RemoveRegistryDialog(props: { info: RegistryInfo; current: boolean; onClose: () => void }) {
  const { info } = props;
  const remove = useRemoveRegistry();
  const error = remove.error ? asBerthError(remove.error) : null;
  const loses = [
    info.hasCredentials ? 'its saved password' : null,
    info.pinnedRepositories.length ? `${info.pinnedRepositories.length} pinned repositories` : null,
  ].filter(Boolean);
  return (
    <Modal title={`Remove ${info.name}?`} onClose={props.onClose} testId="remove-registry-dialog">
      <p>
        Berth forgets <span className="mono">{info.baseUrl}</span>
        {loses.length ? ` and ${loses.join(' and ')}` : ''}. Nothing on the registry changes; you can add it again later.
      </p>
      {error && <ErrorNote error={error} />}
      <div className="form-actions">
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          disabled={remove.isPending}
          onClick={() =>
            remove.mutate(info.id, {
              onSuccess: () => {
                props.onClose();
                if (props.current) navigate({ screen: 'home' });
              },
            })
          }
        >
          Remove
        </button>
      </div>
    </Modal>
  );
}
