/** The sidebar's links for the registry on screen: its storage view and the search across it. */
import { routeHref, routeRegistry, type Route } from '../app/route';
import { openSearch } from '../search/open-search';

/** "Storage" and "Search…" for the route's registry (nothing on the home screen). */
export function CurrentRegistryLinks(props: { route: Route }) {
  const registryId = routeRegistry(props.route);
  if (registryId === undefined) return null;
  return (
    <div className="sidebar-links" data-testid="current-registry-links">
      <h2 className="sidebar-title">This registry</h2>
      {/* Out of the Tab order: the sidebar is one Tab stop (#12); keyboard users reach both from the registry page and Ctrl/⌘+K. */}
      <a href={routeHref({ screen: 'storage', registryId })} aria-current={props.route.screen === 'storage' ? 'page' : undefined} tabIndex={-1}>
        Storage
      </a>
      <button type="button" className="link" tabIndex={-1} onClick={() => openSearch({ registryId })} aria-keyshortcuts="Control+K">
        Search all repositories
      </button>
    </div>
  );
}
