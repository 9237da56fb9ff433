/** The sidebar: the session's registries, "Add registry", remove. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { navigate, routeHref, type Route } from '../app/route';
import { ErrorState, SkeletonRows } from '../app/StateViews';
import { AddRegistryDialog } from './AddRegistryDialog';
import { registriesQuery, useRemoveRegistry } from './queries';

/** Lists registries and highlights the one the route is in. */
export function RegistrySidebar(props: { route: Route }) {
  const registries = useQuery(registriesQuery());
  const remove = useRemoveRegistry();
  const [adding, setAdding] = useState(false);
  const current = props.route.screen === 'home' ? null : props.route.registryId;

  return (
    <nav className="sidebar" aria-label="Registries">
      <div className="sidebar-head">
        <a className="brand" href={routeHref({ screen: 'home' })}>
          Berth
        </a>
        <button type="button" className="primary small" onClick={() => setAdding(true)}>
          Add registry
        </button>
      </div>
      <h2 className="sidebar-title">Registries</h2>
      {registries.isPending && <SkeletonRows rows={3} label="Loading registries" />}
      {registries.isError && <ErrorState compact error={registries.error} onRetry={() => registries.refetch()} />}
      {registries.data && registries.data.length === 0 && <p className="sidebar-empty">No registries yet.</p>}
      <ul className="registry-list" data-testid="registry-list">
        {registries.data?.map((r) => (
          <li key={r.id} className={r.id === current ? 'registry-item active' : 'registry-item'}>
            <a
              href={routeHref({ screen: 'registry', registryId: r.id })}
              aria-current={r.id === current ? 'page' : undefined}
              title={r.baseUrl}
            >
              <span className="registry-host mono">{r.host}</span>
              <span className="registry-meta">
                {r.username ? r.username : r.hasCredentials ? 'credentials' : 'anonymous'}
                {r.insecure ? ' · insecure' : ''}
              </span>
            </a>
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${r.host}`}
              title={`Remove ${r.host} from this session`}
              disabled={remove.isPending}
              onClick={() =>
                remove.mutate(r.id, {
                  onSuccess: () => {
                    if (r.id === current) navigate({ screen: 'home' });
                  },
                })
              }
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {adding && <AddRegistryDialog onClose={() => setAdding(false)} />}
    </nav>
  );
}
