/** "Add registry": URL, optional credentials (kept by main for the session), insecure opt-in. */
import { useState, type FormEvent } from 'react';
import { Modal } from '../app/Modal';
import { navigate } from '../app/route';
import { asBerthError } from '../app/unwrap';
import { useAddRegistry } from './queries';

/** The form in a modal; on success it closes and opens the new registry. */
export function AddRegistryDialog(props: { onClose: () => void }) {
  const add = useAddRegistry();
  const [url, setUrl] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [insecure, setInsecure] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(
      {
        url: url.trim(),
        username: username.trim() || undefined,
        password: password || undefined,
        insecure,
      },
      {
        onSuccess: (info) => {
          props.onClose();
          navigate({ screen: 'registry', registryId: info.id });
        },
      },
    );
  };
  const error = add.error ? asBerthError(add.error) : null;

  return (
    <Modal title="Add registry" onClose={props.onClose} testId="add-registry-dialog">
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>Registry URL</span>
          <input
            autoFocus
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="localhost:5000"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
        <div className="field-row">
          <label className="field">
            <span>Username</span>
            <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" spellCheck={false} />
          </label>
          <label className="field">
            <span>Password</span>
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
          </label>
        </div>
        <p className="hint">Credentials stay in Berth's main process for this session; they are never shown again.</p>
        <label className="check">
          <input type="checkbox" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />
          <span>Allow insecure connection</span>
        </label>
        <p className="hint">Plain HTTP or an unverified certificate for a host that is not this machine.</p>
        {error && (
          <div className="inline-error" role="alert" data-testid="add-registry-error">
            <span>{error.message}</span> <code className="error-code">{error.code}</code>
          </div>
        )}
        <div className="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={add.isPending || url.trim() === ''}>
            {add.isPending && <span className="spinner" aria-hidden="true" />}
            Add
          </button>
        </div>
      </form>
    </Modal>
  );
}
