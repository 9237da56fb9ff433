/** The button that opens the registry search (the same as Ctrl/⌘+K or `/`). */
import { openSearch } from './open-search';

const MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** "Search…" with its shortcut. */
export function SearchButton(props: { registryId: string; query?: string; label?: string }) {
  return (
    <button type="button" className="small" onClick={() => openSearch({ registryId: props.registryId, query: props.query })} aria-keyshortcuts={props.query ? undefined : 'Control+K /'}>
      {props.label ?? 'Search all repositories…'}
      {!props.query && <kbd className="kbd">{MAC ? '⌘K' : 'Ctrl+K'}</kbd>}
    </button>
  );
}
