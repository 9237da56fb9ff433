/** A registry's screen: heading, status line, repositories. */
import { useQuery } from '@tanstack/react-query';
import { RepositoryList } from '../repositories/RepositoryList';
import { registriesQuery } from './queries';
import { RegistryStatus } from './RegistryStatus';
import { EmptyState } from '../app/StateViews';
import { RegistryDoctor } from '../doctor/RegistryDoctor';

/** Looks the registry up in the session list so the heading shows its host. */
export function RegistryPage(props: { registryId: string }) {
  const registries = useQuery(registriesQuery());
  const info = registries.data?.find((r) => r.id === props.registryId);
  if (registries.data && !info) {
    return (
      <div className="page">
        <EmptyState title="This registry is not in the session">
          It was removed, or Berth restarted. Add it again with “Add registry”.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="page">
      <header className="page-head">
        <h1 className="mono">{info?.host ?? '…'}</h1>
        <RegistryStatus registryId={props.registryId} />
      </header>
      <RegistryDoctor registryId={props.registryId} />
      <RepositoryList registryId={props.registryId} />
    </div>
  );
}
