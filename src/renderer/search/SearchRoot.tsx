/**
 * Mounted once by the app: opens the search on Ctrl/⌘+K (anywhere) and `/` (outside text
 * fields), for the registry on screen, and renders the dialog while it is open.
 */
import { useEffect } from 'react';
import type { Route } from '../app/route';
import { closeSearch, openSearch, opensSearch, useSearchState } from './open-search';
import { SearchDialog } from './SearchDialog';

/** The shortcut listener and the dialog. */
export function SearchRoot(props: { route: Route }) {
  const state = useSearchState();
  const registryId = props.route.screen === 'home' ? undefined : props.route.registryId;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || !opensSearch(e, !!document.querySelector('dialog[open]'))) return;
      e.preventDefault();
      openSearch({ registryId });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [registryId]);
  if (!state.open) return null;
  return <SearchDialog key={state.opened} registryId={state.registryId ?? registryId} initialQuery={state.query} onClose={closeSearch} />;
}
