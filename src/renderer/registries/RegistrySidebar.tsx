/** The sidebar: saved registries with their status, reorder (buttons or drag), edit, remove, add. */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { RegistryInfo } from '../../shared/types';
import { routeHref, type Route } from '../app/route';
import { ErrorState, SkeletonRows } from '../app/StateViews';
import { AddRegistryDialog } from './AddRegistryDialog';
import { EditRegistryDialog } from './EditRegistryDialog';
import { registriesQuery, useReorderRegistries } from './queries';
import { RemoveRegistryDialog } from './RemoveRegistryDialog';
import { StatusDot } from './StatusDot';
import './registries.css';

/** `ids` with the one at `from` moved to `to`. */
function moved(ids: string[], from: number, to: number): string[] {
  const next = [...ids];
  const [id] = next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}

const authSummary = (r: RegistryInfo): string =>
  r.auth === 'password' ? (r.username ?? 'password') : r.auth === 'anonymous' ? 'anonymous' : 'docker credentials';

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
          <li
            key={r.id}
            className={[
              'registry-item',
              r.id === current ? 'active' : '',
              dragged === r.id ? 'dragging' : '',
            ].join(' ')}
            data-registry-id={r.id}
            draggable={list.length > 1}
            onDragStart={(e) => {
              setDragged(r.id);
              e.dataTransfer.effectAllowed = 'move';
            }}
            onDragEnd={() => setDragged(null)}
            onDragOver={(e) => {
              if (dragged && dragged !== r.id) e.preventDefault();
            }}
            onDrop={(e) => {
              e.preventDefault();
              const from = dragged ? ids.indexOf(dragged) : -1;
              setDragged(null);
              if (from >= 0 && from !== i) reorder.mutate(moved(ids, from, i));
            }}
          >
            <a
              href={routeHref({ screen: 'registry', registryId: r.id })}
              aria-current={r.id === current ? 'page' : undefined}
              title={r.baseUrl}
              draggable={false}
            >
              <span className="registry-name">
                <StatusDot registryId={r.id} />
                <span className="registry-host">{r.name}</span>
              </span>
              <span className="registry-meta">
                {r.name !== r.host && <span className="mono">{r.host} · </span>}
                {authSummary(r)}
                {r.insecure ? ' · http' : ''}
                {r.tls.mode === 'skip' ? ' · unverified TLS' : ''}
              </span>
            </a>
            <span className="registry-actions">
              <button
                type="button"
                className="icon-button"
                data-move={`${r.id}:up`}
                aria-label={`Move ${r.name} up`}
                title="Move up"
                disabled={i === 0}
                onClick={() => move(i, i - 1, 'up')}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                data-move={`${r.id}:down`}
                aria-label={`Move ${r.name} down`}
                title="Move down"
                disabled={i === list.length - 1}
                onClick={() => move(i, i + 1, 'down')}
              >
                ↓
              </button>
              <button type="button" className="icon-button" aria-label={`Edit ${r.name}`} title="Edit" onClick={() => setEditing(r)}>
                ✎
              </button>
              <button type="button" className="icon-button" aria-label={`Remove ${r.name}`} title="Remove" onClick={() => setRemoving(r)}>
                ×
              </button>
            </span>
          </li>
        ))}
      </ul>
      {reorder.isError && <ErrorState compact title="The order was not saved" error={reorder.error} />}
      {adding && <AddRegistryDialog onClose={() => setAdding(false)} />}
      {editing && <EditRegistryDialog info={editing} onClose={() => setEditing(null)} />}
      {removing && <RemoveRegistryDialog info={removing} current={current === removing.id} onClose={() => setRemoving(null)} />}
    </nav>
  );
}
