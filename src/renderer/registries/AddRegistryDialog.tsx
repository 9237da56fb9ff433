/** "Add registry": the registry form in a modal; the credentials are checked first; on success it opens the new registry. */
import { Modal } from '../app/Modal';
import { navigate } from '../app/route';
import { EMPTY_FORM, toInput } from './form-state';
import { useAddRegistry } from './queries';
import { RegistryForm } from './RegistryForm';

/** The dialog; unmount to close. */
export function AddRegistryDialog(props: { onClose: () => void }) {
  const add = useAddRegistry();
  return (
    <Modal title="Add registry" onClose={props.onClose} testId="add-registry-dialog" wide>
      <RegistryForm
        initial={EMPTY_FORM}
        submitLabel="Add"
        pending={add.isPending}
        error={add.error}
        onCancel={props.onClose}
        draftOf={(values) => [toInput(values)]}
        onSubmit={(values) =>
          add.mutate(toInput(values), {
            onSuccess: (info) => {
              props.onClose();
              navigate({ screen: 'registry', registryId: info.id });
            },
          })
        }
      />
    </Modal>
  );
}
