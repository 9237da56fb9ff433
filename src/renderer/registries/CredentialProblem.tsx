/**
 * A credential helper failed or the docker config could not be read: the message (it names the
 * helper and the paths tried) and the two ways around it — anonymous, or a username and password.
 */
import type { WireError } from '../../shared/errors';
import type { RegistryInfo } from '../../shared/types';
import { ErrorCode, ErrorNote } from '../app/ErrorNote';
import { asBerthError } from '../app/unwrap';
import { useUpdateRegistry } from './queries';

/** The panel; "Use a password…" opens the edit form with the password mode chosen. */
export function CredentialProblem(props: { info: RegistryInfo; error: WireError; onUsePassword: () => void }) {
  const update = useUpdateRegistry();
  const failed = update.error ? asBerthError(update.error) : null;
  const title = props.error.code === 'CREDENTIAL_HELPER_FAILED' ? 'The credential helper failed' : 'The Docker credentials could not be read';
  return (
    <section className="state state-error compact credential-problem" role="alert" data-testid="credential-problem">
      <div className="state-title">{title}</div>
      <div className="state-message">{props.error.message}</div>
      <div className="state-actions">
        <ErrorCode code={props.error.code} />
        <button
          type="button"
          disabled={update.isPending}
          onClick={() => update.mutate({ id: props.info.id, patch: { auth: 'anonymous' } })}
        >
          Use anonymous access
        </button>
        <button type="button" onClick={props.onUsePassword}>
          Use a username and password…
        </button>
      </div>
      {failed && <ErrorNote error={failed} role={null} />}
    </section>
  );
}
