/** The status line of a registry: what `checkRegistry` found, or why it failed. */
import { useQuery } from '@tanstack/react-query';
import type { RegistryCheck } from '../../shared/types';
import { asBerthError } from '../app/unwrap';
import { registryCheckQuery } from './queries';

function yesNo(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : 'no';
}

function Facts({ check }: { check: RegistryCheck }) {
  if (!check.reachable) return <span className="pill bad">Unreachable</span>;
  return (
    <>
      <span className="pill ok">Reachable</span>
      <span className="fact">
        API <b className="mono">{check.apiVersion ?? 'unknown'}</b>
      </span>
      <span className="fact">
        Auth <b>{check.authScheme}</b>
        {check.authScheme !== 'none' && <> ({check.authenticated ? 'signed in' : 'not signed in'})</>}
      </span>
      <span className="fact">
        Catalog <b>{yesNo(check.catalog)}</b>
      </span>
      {check.deleteEnabled !== null && (
        <span className="fact">
          Delete <b>{check.deleteEnabled ? 'enabled' : 'disabled'}</b>
        </span>
      )}
    </>
  );
}

/** One dense line under the registry's heading. */
export function RegistryStatus(props: { registryId: string }) {
  const check = useQuery(registryCheckQuery(props.registryId));
  const failure = check.error ? asBerthError(check.error) : check.data?.error;
  return (
    <div className="status-line" data-testid="registry-status" aria-live="polite">
      {check.isPending && <span className="muted">Checking registry…</span>}
      {check.data && <Facts check={check.data} />}
      {failure && (
        <span className="inline-error" role="alert" data-testid="registry-status-error">
          {failure.message} <code className="error-code">{failure.code}</code>
        </span>
      )}
      {!check.isPending && (
        <button type="button" className="small" onClick={() => check.refetch()} disabled={check.isFetching}>
          {check.isFetching ? 'Checking…' : 'Check again'}
        </button>
      )}
    </div>
  );
}
