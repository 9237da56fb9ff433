/** The status line of a registry: what `checkRegistry` found, or why it failed; the rate limit. */
import { useQuery } from '@tanstack/react-query';
import type { RegistryCheck } from '../../shared/types';
import { ErrorNote } from '../app/ErrorNote';
import { asBerthError } from '../app/unwrap';
import { registryCheckQuery } from './queries';
import { formatRateLimit, isCredentialSourceError, TLS_TRUST_CODES } from './status';

function yesNo(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : 'no';
}

function Facts({ check }: { check: RegistryCheck }) {
  if (!check.reachable) {
    if (isCredentialSourceError(check.error)) return <span className="pill warn">Not checked: no credentials</span>;
    // The registry answered the TLS handshake; it is its certificate that is refused.
    if (check.error && TLS_TRUST_CODES.has(check.error.code)) return <span className="pill bad">Certificate not trusted</span>;
    return <span className="pill bad">Unreachable</span>;
  }
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

/** One dense line under the registry's heading; `quiet` leaves the error to a screen that explains it. */
export function RegistryStatus(props: { registryId: string; quiet?: boolean }) {
  const check = useQuery(registryCheckQuery(props.registryId));
  const failure = check.error ? asBerthError(check.error) : check.data?.error;
  const rate = check.data?.rateLimit;
  return (
    <div className="status-line" data-testid="registry-status" aria-live="polite">
      {check.isPending && <span className="muted">Checking registry…</span>}
      {check.data && <Facts check={check.data} />}
      {rate && (
        <span className={rate.remaining === 0 ? 'fact rate-limit exhausted' : 'fact rate-limit'} data-testid="rate-limit" title="Docker Hub’s pull rate limit, as its last answer said">
          <b>{formatRateLimit(rate)}</b>
        </span>
      )}
      {failure && !props.quiet && <ErrorNote as="span" error={failure} testId="registry-status-error" />}
      {!check.isPending && (
        <button type="button" className="small" onClick={() => check.refetch()} disabled={check.isFetching}>
          {check.isFetching ? 'Checking…' : 'Check again'}
        </button>
      )}
    </div>
  );
}
