/**
 * The sidebar: saved registries with their status, reorder (buttons or drag), edit, remove, add.
 * The list costs one Tab stop (roving tabindex: ↑/↓ between registries, ←/→ to their buttons).
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { RegistryInfo } from '../../shared/types';
import { useRovingFocus } from '../app/roving';
import { routeHref, type Route } from '../app/route';
import { ErrorState, SkeletonRows } from '../app/StateViews';
import { AddRegistryDialog } from './AddRegistryDialog';
import { EditRegistryDialog } from './EditRegistryDialog';
import { registriesQuery, useReorderRegistries } from './queries';
import { RemoveRegistryDialog } from './RemoveRegistryDialog';
import { CurrentRegistryLinks } from '../storage/CurrentRegistryLinks';
import { SidebarItem } from './SidebarItem';
import './registries.css';

/** `ids` with the one at `from` moved to `to`. */
function moved(ids: string[], from: number, to: number): string[] {
  const next = [...ids];
  const [id] = next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}

/** Lists registries and highlights the one the route is in. */
export function RegistrySidebar(props: { route: Route }) {
  const registries = useQuery(registriesQuery());
  const reorder = useReorderRegistries();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<RegistryInfo | null>(null);
  const [removing, setRemoving] = useState<RegistryInfo | null>(null);
  const [dragged, setDragged] = useState<string | null>(null);
  // After a move by keyboard the moved item's button keeps the focus (React may re-insert the node).
  const refocus = useRef<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  // The whole list is one Tab stop; arrows move between registries and their buttons.
  useRovingFocus(listRef);
  const current = 'registryId' in props.route ? props.route.registryId : null;
  const list = registries.data ?? [];
  const ids = list.map((r) => r.id);

  useEffect(() => {
    if (!refocus.current) return;
    // At the top or bottom the same button is disabled: the other direction keeps the focus.
    const [id, dir] = refocus.current.split(/:(?=up$|down$)/);
    const other = dir === 'up' ? 'down' : 'up';
    const find = (d: string) => listRef.current?.querySelector<HTMLButtonElement>(`[data-move="${CSS.escape(`${id}:${d}`)}"]:not(:disabled)`);
    const target = find(dir) ?? find(other);
    if (!target) return;
    target.focus();
    refocus.current = null;
  });

  const move = (index: number, to: number, dir: 'up' | 'down') => {
    if (to < 0 || to >= ids.length) return;
    refocus.current = `${ids[index]}:${dir}`;
    reorder.mutate(moved(ids, index, to));
  };

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
      {registries.data && list.length === 0 && <p className="sidebar-empty">No registries yet.</p>}
      <ul className="registry-list" data-testid="registry-list" ref={listRef}>
        {list.map((r, i) => (
          <SidebarItem
            key={r.id}
            info={r}
            index={i}
            count={list.length}
            current={r.id === current}
            dragging={dragged === r.id}
            onMove={(to, dir) => move(i, to, dir)}
            onEdit={() => setEditing(r)}
            onRemove={() => setRemoving(r)}
            drag={{
              onDragStart: (e) => {
                setDragged(r.id);
                e.dataTransfer.effectAllowed = 'move';
              },
              onDragEnd: () => setDragged(null),
              onDragOver: (e) => {
                if (dragged && dragged !== r.id) e.preventDefault();
              },
              onDrop: (e) => {
                e.preventDefault();
                const from = dragged ? ids.indexOf(dragged) : -1;
                setDragged(null);
                if (from >= 0 && from !== i) reorder.mutate(moved(ids, from, i));
              },
            }}
          />
        ))}
      </ul>
      {reorder.isError && <ErrorState compact title="The order was not saved" error={reorder.error} />}
      {current && <CurrentRegistryLinks route={props.route} />}
      {adding && <AddRegistryDialog onClose={() => setAdding(false)} />}
      {editing && <EditRegistryDialog info={editing} onClose={() => setEditing(null)} />}
      {removing && <RemoveRegistryDialog info={removing} current={current === removing.id} onClose={() => setRemoving(null)} />}
    </nav>
  );
}
