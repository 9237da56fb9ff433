/** The button that opens the registry search (the same as Ctrl/⌘+K or `/`). */
import { displayKey } from '../app/shortcuts';
import { openSearch } from './open-search';

/** "Search…" with its shortcut. */
export function SearchButton(props: { registryId: string; query?: string; label?: string }) {
  return (
    <button type="button" className="small" onClick={() => openSearch({ registryId: props.registryId, query: props.query })} aria-keyshortcuts={props.query ? undefined : 'Control+K'}>
      {props.label ?? 'Search all repositories…'}
      {!props.query && <kbd className="kbd">{displayKey('Mod+K')}</kbd>}
    </button>
  );
}
