/** One saved registry in the sidebar: its link (status, name, who it signs in as) and its buttons. */
import { useQuery } from '@tanstack/react-query';
import type { DragEvent } from 'react';
import type { RegistryInfo } from '../../shared/types';
import { routeHref } from '../app/route';
import { registryCheckQuery } from './queries';
import { sidebarAuthText } from './status';
import { StatusDot } from './StatusDot';

/** The item; its link and buttons are `data-roving-item`s of the sidebar's one-Tab-stop list. */
export function SidebarItem(props: {
  info: RegistryInfo;
  index: number;
  count: number;
  current: boolean;
  dragging: boolean;
  onMove: (to: number, dir: 'up' | 'down') => void;
  onEdit: () => void;
  onRemove: () => void;
  drag: {
    onDragStart: (e: DragEvent) => void;
    onDragEnd: () => void;
    onDragOver: (e: DragEvent) => void;
    onDrop: (e: DragEvent) => void;
  };
}) {
  const { info: r, index: i } = props;
  const check = useQuery(registryCheckQuery(r.id));
  const auth = sidebarAuthText(r, check.data);
  const meta = [r.name !== r.host ? r.host : null, auth, r.insecure ? 'http' : null, r.tls.mode === 'skip' ? 'unverified TLS' : null].filter(Boolean);
  return (
    <li
      className={['registry-item', props.current ? 'active' : '', props.dragging ? 'dragging' : ''].join(' ')}
      data-registry-id={r.id}
      data-roving-row
      draggable={props.count > 1}
      {...props.drag}
    >
      <a href={routeHref({ screen: 'registry', registryId: r.id })} aria-current={props.current ? 'page' : undefined} title={r.baseUrl} draggable={false} data-roving-item>
        <span className="registry-name">
          <StatusDot registryId={r.id} />
          <span className="registry-host">{r.name}</span>
        </span>
        {meta.length > 0 && (
          <span className="registry-meta" data-testid="registry-meta">
            {meta.join(' · ')}
          </span>
        )}
      </a>
      <span className="registry-actions">
        <button
          type="button"
          className="icon-button"
          data-move={`${r.id}:up`}
          data-roving-item
          aria-label={`Move ${r.name} up`}
          title="Move up"
          disabled={i === 0}
          onClick={() => props.onMove(i - 1, 'up')}
        >
          ↑
        </button>
        <button
          type="button"
          className="icon-button"
          data-move={`${r.id}:down`}
          data-roving-item
          aria-label={`Move ${r.name} down`}
          title="Move down"
          disabled={i === props.count - 1}
          onClick={() => props.onMove(i + 1, 'down')}
        >
          ↓
        </button>
        <button type="button" className="icon-button" data-roving-item aria-label={`Edit ${r.name}`} title="Edit" onClick={props.onEdit}>
          ✎
        </button>
        <button type="button" className="icon-button" data-roving-item aria-label={`Remove ${r.name}`} title="Remove" onClick={props.onRemove}>
          ×
        </button>
      </span>
    </li>
  );
}
