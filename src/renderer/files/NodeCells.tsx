/** The cells of one file row, shared by the tree and the flat lists (search results, biggest files). */
import type { FileNode, NodeStatus } from '../../shared/contents-types';
import { currentLayer, modeString } from '../../shared/file-mode';
import { formatBytes } from '../app/format';

const STATUS_WORD: Record<NodeStatus, string> = { added: 'added', changed: 'changed', removed: 'removed', unchanged: '' };

/** Which layer (from 1) holds the path's current version, or removed it; what the filtered layer did to it. */
export function layerText(node: FileNode): string {
  if (node.removed) return `removed in ${(node.removedIn ?? 0) + 1}`;
  const layer = currentLayer(node);
  return layer === null ? '—' : `layer ${layer + 1}`;
}

/** Name (or whole path), size, layer and status, mode. */
export function NodeCells(props: { node: FileNode; level?: number; expanded?: boolean | null; layerView: boolean; fullPath?: boolean }) {
  const { node } = props;
  const isDir = node.kind === 'dir';
  const status = props.layerView || node.removed ? STATUS_WORD[node.status] : '';
  const history = node.changedIn.length ? `added in layer ${(node.addedIn ?? 0) + 1}, changed in ${node.changedIn.map((l) => l + 1).join(', ')}` : undefined;
  return (
    <>
      <div role="gridcell" className="c-name" style={props.level ? { paddingLeft: 6 + (props.level - 1) * 14 } : undefined} title={`/${node.path}`}>
        <span className="disclosure" aria-hidden="true">
          {props.expanded === true ? '▾' : props.expanded === false && node.children > 0 ? '▸' : ''}
        </span>
        <span className={`file-name mono${isDir ? ' dir' : ''}`}>
          {props.fullPath ? `/${node.path}` : node.name}
          {isDir && !props.fullPath ? '/' : ''}
        </span>
        {node.link && <span className="muted mono link-target"> → {node.link}</span>}
      </div>
      <div role="gridcell" className="num">
        {node.kind === 'file' || node.kind === 'hardlink' || isDir ? formatBytes(node.size) : ''}
      </div>
      <div role="gridcell" title={history}>
        <span className="muted">{layerText(node)}</span>
        {status && <span className={`badge status-${node.status}`}>{status}</span>}
      </div>
      <div role="gridcell" className="mono muted">
        {modeString(node.kind, node.mode)}
      </div>
    </>
  );
}
