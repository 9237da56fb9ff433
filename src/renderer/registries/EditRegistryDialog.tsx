/** "Edit registry": the saved values in the registry form; only what changed is sent. */
import { useQuery } from '@tanstack/react-query';
import type { RegistryInfo } from '../../shared/types';
import { Modal } from '../app/Modal';
import { formFromInfo, toPatch, type RegistryFormValues } from './form-state';
import { registryCheckQuery, useUpdateRegistry } from './queries';
import { RegistryForm } from './RegistryForm';

/** The dialog; `preset` preselects choices ("Use a CA file…" → the CA mode, "Use a password…" → password). */
export function EditRegistryDialog(props: { info: RegistryInfo; onClose: () => void; preset?: Partial<RegistryFormValues> }) {
  const { info } = props;
  const update = useUpdateRegistry();
  const check = useQuery(registryCheckQuery(info.id));
  const initial = { ...formFromInfo(info), ...props.preset };
  return (
    <Modal title={`Edit ${info.name}`} onClose={props.onClose} testId="edit-registry-dialog" wide>
      <RegistryForm
        initial={initial}
        saved={info}
        presentedSha256={check.data?.certificate?.sha256}
        submitLabel="Save"
        pending={update.isPending}
        error={update.error}
        onCancel={props.onClose}
        draftOf={(values) => {
          // A new name alone needs no check; anything about where and how to sign in does.
          const patch = toPatch(values, info);
          return Object.keys(patch).some((k) => k !== 'name') ? [patch, info.id] : null;
        }}
        onSubmit={(values) => {
          const patch = toPatch(values, info);
          if (Object.keys(patch).length === 0) return props.onClose();
          update.mutate({ id: info.id, patch }, { onSuccess: () => props.onClose() });
        }}
      />
    </Modal>
  );
}
