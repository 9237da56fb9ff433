/**
 * Mounted once by the app: registers the search's keys in the shortcut registry — Ctrl/⌘+K
 * anywhere (app-wide priority, so it wins over a screen's filter), `/` outside text fields where
 * the screen has no `/` of its own (the repository list keeps `/` for its filter) — for the
 * registry on screen, and renders the dialog while it is open.
 */
import { routeRegistry, type Route } from '../app/route';
import { SHORTCUT_PRIORITY, useShortcut } from '../app/shortcuts';
import { closeSearch, openSearch, useSearchState } from './open-search';
import { SearchDialog } from './SearchDialog';

/** The search's shortcuts and the dialog. */
export function SearchRoot(props: { route: Route }) {
  const state = useSearchState();
  const registryId = routeRegistry(props.route);
  const open = () => openSearch({ registryId });
  useShortcut({ keys: ['Mod+K'], description: 'Search every repository of the registry', group: 'Everywhere', priority: SHORTCUT_PRIORITY.global, inFields: true, run: open });
  useShortcut({ keys: ['/'], description: 'Search every repository (where the screen has no filter)', group: 'Everywhere', priority: SHORTCUT_PRIORITY.screen - 1, run: open });
  if (!state.open) return null;
  return <SearchDialog key={state.opened} registryId={state.registryId ?? registryId} initialQuery={state.query} onClose={closeSearch} />;
}
