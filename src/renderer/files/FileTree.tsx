/**
 * The merged filesystem as a virtualized treegrid (WAI-ARIA treegrid pattern): one focusable row
 * at a time; ↑/↓ move, → opens a folder or steps into it, ← closes it or steps to its parent,
 * Enter opens a file (or toggles a folder), Home/End jump. Rows are drawn only where visible.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { FileNode } from '../../shared/contents-types';
import { asBerthError } from '../app/unwrap';
import { NodeCells } from './NodeCells';
import type { TreeRow } from './use-file-tree';

const ROW_HEIGHT = 26;

/** Props of FileTree. */
export interface FileTreeProps {
  rows: TreeRow[];
  label: string;
  /** Classifying against one layer: show the status column's words. */
  layerView: boolean;
  onToggle: (path: string, open?: boolean) => void;
  onMore: (path: string) => void;
  /** A file to view, or a folder to show (and save). */
  onOpen: (node: FileNode) => void;
  selected: string | null;
}

function rowKey(r: TreeRow): string {
  return r.kind === 'node' ? `n:${r.node.path}` : `${r.kind}:${r.path}`;
}

/** The tree of one image's files. */
export function FileTree(props: FileTreeProps) {
  const { rows } = props;
  const id = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focus, setFocus] = useState(0);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const refocus = useRef(false);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  // The focused row follows its entry when rows above it appear or go (a folder opened above).
  const index = Math.min(rows.length - 1, Math.max(0, focusKey ? rows.findIndex((r) => rowKey(r) === focusKey) : focus));
  const current = index < 0 ? 0 : index;

  const moveTo = (i: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, i));
    setFocus(next);
    setFocusKey(rows[next] ? rowKey(rows[next]) : null);
    refocus.current = true;
    virtualizer.scrollToIndex(next);
  };

  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    document.getElementById(`${id}-r${current}`)?.focus();
  });

  const onKeyDown = (e: KeyboardEvent) => {
    const row = rows[current];
    if (!row) return;
    const node = row.kind === 'node' ? row.node : null;
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        moveTo(current + 1);
        break;
      case 'ArrowUp':
        moveTo(current - 1);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'PageDown':
        moveTo(current + 10);
        break;
      case 'PageUp':
        moveTo(current - 10);
        break;
      case 'ArrowRight':
        if (row.kind === 'node' && row.expanded === false && node && node.children > 0) props.onToggle(node.path, true);
        else if (row.kind === 'node' && row.expanded) moveTo(current + 1);
        break;
      case 'ArrowLeft':
        if (row.kind === 'node' && row.expanded) props.onToggle(row.node.path, false);
        else {
          let p = current - 1;
          while (p >= 0 && rows[p].level >= row.level) p--;
          if (p >= 0) moveTo(p);
        }
        break;
      case 'Enter':
      case ' ':
        if (row.kind === 'more') props.onMore(row.path);
        else if (node) {
          if (node.kind === 'dir' && node.children > 0) props.onToggle(node.path);
          props.onOpen(node);
        }
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  return (
    <div className="file-tree-scroll" ref={scrollRef} data-testid="file-tree">
      <div role="treegrid" aria-label={props.label} aria-rowcount={rows.length + 1} className="file-tree" onKeyDown={onKeyDown}>
        <div role="rowgroup" className="file-tree-head">
          <div role="row" aria-rowindex={1} className="file-row head">
            <div role="columnheader">Name</div>
            <div role="columnheader" className="num">
              Size
            </div>
            <div role="columnheader">Layer</div>
            <div role="columnheader">Mode</div>
          </div>
        </div>
        <div role="rowgroup" className="virtual-list" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            const common = {
              id: `${id}-r${item.index}`,
              role: 'row',
              'aria-rowindex': item.index + 2,
              'aria-level': row.level,
              tabIndex: item.index === current ? 0 : -1,
              style: { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT },
              onFocus: () => {
                setFocus(item.index);
                setFocusKey(rowKey(row));
              },
            } as const;
            if (row.kind !== 'node') {
              return (
                <div key={rowKey(row)} {...common} className="file-row note-row">
                  <div role="gridcell" className="span-all" style={{ paddingLeft: row.level * 14 }}>
                    {row.kind === 'loading' && <span className="muted">Loading…</span>}
                    {row.kind === 'error' && <span className="inline-error">{asBerthError(row.error).message}</span>}
                    {row.kind === 'more' && (
                      <button type="button" className="link small" tabIndex={-1} onClick={() => props.onMore(row.path)}>
                        Show more ({row.left.toLocaleString('en')} left)
                      </button>
                    )}
                  </div>
                </div>
              );
            }
            const { node } = row;
            return (
              <div
                key={rowKey(row)}
                {...common}
                aria-expanded={row.expanded === null ? undefined : row.expanded}
                aria-posinset={row.posinset}
                aria-setsize={row.setsize}
                aria-selected={props.selected === node.path}
                className={`file-row${node.removed ? ' removed' : ''}${props.selected === node.path ? ' selected' : ''}`}
                data-path={node.path}
                data-testid="file-row"
                onClick={() => {
                  moveTo(item.index);
                  if (node.kind === 'dir' && node.children > 0) props.onToggle(node.path);
                  props.onOpen(node);
                }}
              >
                <NodeCells node={node} level={row.level} expanded={row.expanded} layerView={props.layerView} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
