/** The screen with no registry chosen. */
import { useQuery } from '@tanstack/react-query';
import { registriesQuery } from '../registries/queries';
import { EmptyState } from './StateViews';

/** Points at the sidebar: "Add registry" or one of the registries listed there. */
export function Home() {
  const registries = useQuery(registriesQuery());
  const none = registries.data?.length === 0;
  return (
    <div className="page">
      <header className="page-head">
        <h1>Berth</h1>
      </header>
      <EmptyState title={none ? 'No registry yet' : 'Choose a registry'}>
        {none
          ? 'Use “Add registry” in the sidebar: a local one is just localhost:5000.'
          : 'Pick a registry in the sidebar to browse its repositories and tags.'}
      </EmptyState>
    </div>
  );
}
