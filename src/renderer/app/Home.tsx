/** The screen with no registry chosen: the saved registries with their status, or how to add one. */
import { useQuery } from '@tanstack/react-query';
import { registriesQuery } from '../registries/queries';
import { StatusDot } from '../registries/StatusDot';
import { routeHref } from './route';
import { EmptyState } from './StateViews';

/** Points at the sidebar's "Add registry", or lists the saved registries to open one. */
export function Home() {
  const registries = useQuery(registriesQuery());
  const list = registries.data ?? [];
  return (
    <div className="page">
      <header className="page-head">
        <h1>Berth</h1>
      </header>
      {registries.data && list.length === 0 ? (
        <EmptyState title="No registry yet">Use “Add registry” in the sidebar: a local one is just localhost:5000.</EmptyState>
      ) : (
        <EmptyState title="Choose a registry">
          Pick a registry to browse its repositories and tags; reorder, edit or remove them from the sidebar.
          {list.length > 0 && (
            <ul className="home-registries" aria-label="Saved registries">
              {list.map((r) => (
                <li key={r.id}>
                  <a href={routeHref({ screen: 'registry', registryId: r.id })}>
                    <StatusDot registryId={r.id} />
                    <span>{r.name}</span>
                    {r.name !== r.host && <span className="mono muted">{r.host}</span>}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </EmptyState>
      )}
    </div>
  );
}
