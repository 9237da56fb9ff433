/** "Add a public key…": a PEM public key saved for this registry or only this repository. */
import { useState, type FormEvent } from 'react';
import { ErrorNote } from '../app/ErrorNote';
import { Modal } from '../app/Modal';
import { asBerthError } from '../app/unwrap';
import { useAddSigningKey } from './queries';

/** Saves the key and closes; errors (a private key, not a PEM) stay in the dialog with the input kept. */
export function AddKeyDialog(props: { registryId: string; host: string; repository: string; onClose: () => void }) {
  const [scope, setScope] = useState<'registry' | 'repository'>('repository');
  const [name, setName] = useState('');
  const [pem, setPem] = useState('');
  const add = useAddSigningKey();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(
      { scope: { registryId: props.registryId, repository: scope === 'repository' ? props.repository : null }, name: name.trim(), pem },
      { onSuccess: () => props.onClose() },
    );
  };
  return (
    <Modal title="Add a public key" onClose={props.onClose} testId="add-key-dialog">
      <form className="form" onSubmit={submit}>
        <p className="muted small-text">
          Berth checks cosign signatures with ECDSA P-256 and Ed25519 public keys (<code>cosign.pub</code>). Only public keys
          are saved, in Berth's data folder.
        </p>
        <fieldset className="fieldset">
          <legend>Use it for</legend>
          <label className="check">
            <input type="radio" name="key-scope" checked={scope === 'repository'} onChange={() => setScope('repository')} />
            Only <code className="mono">{props.repository}</code>
          </label>
          <label className="check">
            <input type="radio" name="key-scope" checked={scope === 'registry'} onChange={() => setScope('registry')} />
            Every repository of <code className="mono">{props.host || props.registryId}</code>
          </label>
        </fieldset>
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="release key" />
        </label>
        <label className="field">
          <span>Public key (PEM)</span>
          <textarea
            className="mono pem-input"
            rows={6}
            value={pem}
            onChange={(e) => setPem(e.target.value)}
            required
            placeholder={'-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----'}
          />
        </label>
        {add.error && <ErrorNote error={asBerthError(add.error)} testId="add-key-error" />}
        <div className="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={add.isPending || !name.trim() || !pem.trim()}>
            Save key
          </button>
        </div>
      </form>
    </Modal>
  );
}
