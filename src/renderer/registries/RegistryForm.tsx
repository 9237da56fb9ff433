/** The registry form shared by "Add registry" and "Edit registry": name, URL, sign-in, TLS. */
import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { AuthMode, RegistryCheck, RegistryInfo } from '../../shared/types';
import { ErrorNote } from '../app/ErrorNote';
import { asBerthError, call } from '../app/unwrap';
import { berth } from '../app/berth';
import { forgottenPasswordNotice, formProblem, type RegistryFormValues } from './form-state';
import { secretStorageQuery } from './queries';
import { draftCheckProblem, secretStorageText } from './status';
import { TlsFields } from './TlsFields';
import './registries.css';

const AUTH_MODES: { mode: AuthMode; label: string; hint: string }[] = [
  { mode: 'auto', label: 'Docker credentials (automatic)', hint: 'Whatever docker login or podman login stored for this host; anonymous when there is none.' },
  { mode: 'password', label: 'Username and password', hint: 'Typed here; an access token works as the password.' },
  { mode: 'anonymous', label: 'Anonymous', hint: 'Never send credentials.' },
];

/** Where passwords go, said next to the password field. */
function SecretStorageHint() {
  const storage = useQuery(secretStorageQuery());
  if (!storage.data) return null;
  return (
    <p className="hint" data-testid="secret-storage">
      {secretStorageText(storage.data)}
    </p>
  );
}

/**
 * The form; `saved` makes it the edit form (empty password keeps the stored one). `draftOf` says
 * what to check before saving (null: nothing that needs checking changed): the credentials are
 * tried first, and a refusal is shown with "… anyway" to save regardless, or the form to fix.
 */
export function RegistryForm(props: {
  initial: RegistryFormValues;
  saved?: RegistryInfo;
  presentedSha256?: string;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: RegistryFormValues) => void;
  onCancel: () => void;
  draftOf?: (values: RegistryFormValues) => Parameters<ReturnType<typeof berth>['checkRegistryDraft']> | null;
}) {
  const { saved } = props;
  const [values, setValues] = useState(props.initial);
  const [shown, setShown] = useState<string | null>(null);
  const authName = useId();
  // The last check of these exact values that found a problem (any change clears it).
  const [checked, setChecked] = useState<{ problem: string; check: RegistryCheck } | null>(null);
  const [checking, setChecking] = useState(false);
  const change = (patch: Partial<RegistryFormValues>) => {
    setShown(null);
    setChecked(null);
    setValues((v) => ({ ...v, ...patch }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = formProblem(values, saved);
    if (problem) return setShown(problem);
    const draft = checked ? null : props.draftOf?.(values);
    if (!draft) return props.onSubmit(values);
    setChecking(true);
    try {
      const check = await call(berth().checkRegistryDraft(...draft));
      const found = draftCheckProblem(check);
      if (found) setChecked({ problem: found, check });
      else props.onSubmit(values);
    } catch (err) {
      // The check itself could not run: say so, and let "… anyway" save.
      setChecked({ problem: `The settings could not be checked: ${asBerthError(err).message}`, check: { reachable: false } as RegistryCheck });
    } finally {
      setChecking(false);
    }
  };
  const error = props.error ? asBerthError(props.error) : null;
  // The saved password is bound to the registry's origin: a URL moved elsewhere forgets it unless retyped.
  const forgets = forgottenPasswordNotice(values, saved);
  const keepsPassword = saved?.auth === 'password' && saved.hasCredentials && !forgets;

  return (
    <form className="form registry-form" onSubmit={submit} noValidate>
      <div className="field-row">
        <label className="field">
          <span>Registry URL</span>
          <input
            required
            value={values.url}
            onChange={(e) => change({ url: e.target.value })}
            placeholder="localhost:5000"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
        <label className="field">
          <span>Name</span>
          <input
            value={values.name}
            onChange={(e) => change({ name: e.target.value })}
            placeholder="the host"
            spellCheck={false}
          />
        </label>
      </div>
      <fieldset className="fieldset">
        <legend>Sign in</legend>
        <div className="radio-list" role="radiogroup" aria-label="Sign in">
          {AUTH_MODES.map((m) => (
            <label className="check" key={m.mode} title={m.hint}>
              <input type="radio" name={authName} checked={values.auth === m.mode} onChange={() => change({ auth: m.mode })} />
              <span>{m.label}</span>
            </label>
          ))}
        </div>
        <p className="hint">{AUTH_MODES.find((m) => m.mode === values.auth)?.hint}</p>
        {values.auth === 'password' && (
          <>
            <div className="field-row">
              <label className="field">
                <span>Username</span>
                <input value={values.username} onChange={(e) => change({ username: e.target.value })} autoComplete="off" spellCheck={false} />
              </label>
              <label className="field">
                <span>Password</span>
                <input
                  type="password"
                  value={values.password}
                  onChange={(e) => change({ password: e.target.value })}
                  autoComplete="new-password"
                  placeholder={keepsPassword ? 'leave empty to keep the saved password' : ''}
                />
              </label>
            </div>
            {keepsPassword && <p className="hint">Leave the password empty to keep the saved password.</p>}
            {forgets && (
              <p className="warning" role="note" data-testid="password-forgotten">
                {forgets}
              </p>
            )}
            <SecretStorageHint />
          </>
        )}
      </fieldset>
      <TlsFields values={values} onChange={change} saved={saved?.tls} presentedSha256={props.presentedSha256} />
      {shown ? (
        <div className="inline-error" role="alert" data-testid="registry-form-error">
          {shown}
        </div>
      ) : (
        error && <ErrorNote error={error} testId="registry-form-error" />
      )}
      {checked && (
        <p className="warning credential-check" role="alert" data-testid="credential-check">
          Checked before saving: {checked.problem} Fix the settings above, or save them as they are.
        </p>
      )}
      <div className="form-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={props.pending || checking || values.url.trim() === ''}>
          {(props.pending || checking) && <span className="spinner" aria-hidden="true" />}
          {checking ? 'Checking…' : checked ? `${props.submitLabel} anyway` : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
