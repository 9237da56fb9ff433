/** "Save as archive…": format, platforms and referrers; the archive is then written as a transfer. */
import { useState, type FormEvent } from 'react';
import type { ArchiveFormat } from '../../shared/transfer-types';
import { berth } from '../app/berth';
import { ErrorNote } from '../app/ErrorNote';
import { Modal } from '../app/Modal';
import { asBerthError } from '../app/unwrap';
import { PlatformPicker, usePlatformPicker } from './PlatformPicker';
import { useStartSave } from './queries';

/** Starts the save and closes; progress shows in the transfers list of the bottom panel. */
export function SaveDialog(props: { registryId: string; repository: string; reference: string; onClose: () => void }) {
  const { registryId, repository, reference } = props;
  const [format, setFormat] = useState<ArchiveFormat>('docker');
  const [withReferrers, setWithReferrers] = useState(false);
  const picker = usePlatformPicker(registryId, repository, reference);
  const save = useStartSave();
  const web = berth().fileIntake === 'upload';
  // Desktop app only: save to a temporary file, then drag it from the transfers list into a folder.
  const canDrag = !!berth().dragOut;
  const [forDrag, setForDrag] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!picker.choice) return;
    save.mutate(
      { registryId, repository, reference, format, platforms: picker.choice, withReferrers: format === 'oci' && withReferrers, ...(canDrag && forDrag ? { forDrag: true } : {}) },
      { onSuccess: () => props.onClose() },
    );
  };
  return (
    <Modal title={`Save ${repository}:${reference} as archive`} onClose={props.onClose} testId="save-dialog">
      <form className="form" onSubmit={submit}>
        <fieldset className="fieldset">
          <legend>Format</legend>
          <label className="check">
            <input type="radio" name="save-format" checked={format === 'docker'} onChange={() => setFormat('docker')} />
            Docker archive <span className="muted small-text">(docker load, skopeo docker-archive:)</span>
          </label>
          <label className="check">
            <input type="radio" name="save-format" checked={format === 'oci'} onChange={() => setFormat('oci')} />
            OCI image layout <span className="muted small-text">(keeps the manifests byte for byte)</span>
          </label>
        </fieldset>
        <PlatformPicker picker={picker} />
        <label className="check">
          <input type="checkbox" checked={format === 'oci' && withReferrers} disabled={format !== 'oci'} onChange={(e) => setWithReferrers(e.target.checked)} />
          Include signatures, attestations and SBOMs
        </label>
        {format !== 'oci' && <p className="hint">Only the OCI image layout can hold them.</p>}
        {canDrag && (
          <label className="check">
            <input type="checkbox" checked={forDrag} onChange={(e) => setForDrag(e.target.checked)} />
            Don’t ask where: I will drag it from the transfers list into a folder
          </label>
        )}
        <p className="hint">
          {web
            ? 'Your browser downloads the archive when it is ready.'
            : 'Berth asks where to save it, then writes it in the background.'}{' '}
          Progress shows under Transfers in the bottom panel.
        </p>
        {save.error && <ErrorNote error={asBerthError(save.error)} testId="save-error" />}
        <div className="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending || !picker.choice}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
