/** A registry's screen: heading, credentials, status line, then repositories (or what stands in their way). */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '../app/StateViews';
import { RegistryDoctor } from '../doctor/RegistryDoctor';
import { RepositoryList } from '../repositories/RepositoryList';
import type { RegistryFormValues } from './form-state';
import { CredentialProblem } from './CredentialProblem';
import { CredentialsLine } from './CredentialsLine';
import { EditRegistryDialog } from './EditRegistryDialog';
import { registriesQuery, registryCheckQuery } from './queries';
import { RegistryStatus } from './RegistryStatus';
import { isCredentialSourceError, TLS_TRUST_CODES } from './status';
import { UntrustedCertificate } from './UntrustedCertificate';
import './registries.css';

/** Looks the registry up in the saved list so the heading shows its name and host. */
export function RegistryPage(props: { registryId: string }) {
  const registries = useQuery(registriesQuery());
  const check = useQuery(registryCheckQuery(props.registryId));
  // Undefined: closed; an object: open with these choices made.
  const [editing, setEditing] = useState<Partial<RegistryFormValues> | undefined>(undefined);
  const info = registries.data?.find((r) => r.id === props.registryId);
  if (registries.data && !info) {
    return (
      <div className="page">
        <EmptyState title="This registry is not saved">
          It was removed. Add it again with “Add registry”.
        </EmptyState>
      </div>
    );
  }
  const error = check.data?.error;
  const certificate = check.data?.certificate;
  const untrusted = info && error && certificate && TLS_TRUST_CODES.has(error.code);

  return (
    <div className="page registry-page">
      <header className="page-head">
        <div className="title-row registry-title">
          <h1>{info?.name ?? '…'}</h1>
          {info && info.name !== info.host && <span className="mono muted registry-subtitle">{info.host}</span>}
          {info && (
            <button type="button" className="small" onClick={() => setEditing({})}>
              Edit registry
            </button>
          )}
        </div>
        <CredentialsLine registryId={props.registryId} />
        <RegistryStatus registryId={props.registryId} quiet={!!untrusted || isCredentialSourceError(error)} />
      </header>
      {untrusted ? (
        <UntrustedCertificate
          info={info}
          certificate={certificate}
          error={error}
          onUseCaFile={() => setEditing({ tlsMode: 'ca' })}
          onEdit={() => setEditing({})}
        />
      ) : (
        <>
          {info && isCredentialSourceError(error) && (
            <CredentialProblem info={info} error={error!} onUsePassword={() => setEditing({ auth: 'password' })} />
          )}
          <RegistryDoctor registryId={props.registryId} />
          {/* Without credentials nothing is asked of the registry; the panel above says what to do. */}
          {!isCredentialSourceError(error) && <RepositoryList registryId={props.registryId} />}
        </>
      )}
      {info && editing && <EditRegistryDialog info={info} preset={editing} onClose={() => setEditing(undefined)} />}
    </div>
  );
}
