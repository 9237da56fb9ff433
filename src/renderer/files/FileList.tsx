/** A flat list of files (search results, the biggest files) as a grid: ↑/↓ move, Enter opens. */
import { useRef, useState, type KeyboardEvent } from 'react';
import type { FileNode } from '../../shared/contents-types';
import { NodeCells } from './NodeCells';

/** Rows of whole paths; `onOpen` shows a file or selects a folder. */
export function FileList(props: { nodes: FileNode[]; label: string; layerView: boolean; selected: string | null; onOpen: (node: FileNode) => void; testId: string }) {
  const [focus, setFocus] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  const move = (i: number) => {
    const next = Math.max(0, Math.min(props.nodes.length - 1, i));
    setFocus(next);
    ref.current?.querySelectorAll<HTMLElement>('[role="row"][data-path]')[next]?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(focus + 1),
      ArrowUp: () => move(focus - 1),
      Home: () => move(0),
      End: () => move(props.nodes.length - 1),
      Enter: () => props.nodes[focus] && props.onOpen(props.nodes[focus]),
    };
    if (!keys[e.key]) return;
    e.preventDefault();
    keys[e.key]();
  };
  return (
    <div className="file-list-scroll" ref={ref} data-testid={props.testId}>
      <div role="grid" aria-label={props.label} aria-rowcount={props.nodes.length + 1} className="file-tree" onKeyDown={onKeyDown}>
        <div role="row" aria-rowindex={1} className="file-row head">
          <div role="columnheader">Path</div>
          <div role="columnheader" className="num">
            Size
          </div>
          <div role="columnheader">Layer</div>
          <div role="columnheader">Mode</div>
        </div>
        {props.nodes.map((node, i) => (
          <div
            key={node.path}
            role="row"
            aria-rowindex={i + 2}
            aria-selected={props.selected === node.path}
            tabIndex={i === focus ? 0 : -1}
            className={`file-row${node.removed ? ' removed' : ''}${props.selected === node.path ? ' selected' : ''}`}
            data-path={node.path}
            data-testid="file-list-row"
            onFocus={() => setFocus(i)}
            onClick={() => props.onOpen(node)}
          >
            <NodeCells node={node} layerView={props.layerView} fullPath />
          </div>
        ))}
      </div>
    </div>
  );
}
