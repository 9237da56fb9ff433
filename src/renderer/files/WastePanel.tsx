/**
 * What each layer added, changed, removed and wasted (bytes of its files that a later layer
 * overwrote or deleted: downloaded with the image, never seen in it), and the paths that waste most.
 */
import type { ImageFilesSummary } from '../../shared/contents-types';
import { formatBytes } from '../app/format';

/** The per-layer table; a layer's button filters the tree to it. */
export function WastePanel(props: { summary: ImageFilesSummary; layer: number | null; onLayer: (layer: number | null) => void }) {
  const { summary } = props;
  return (
    <details className="waste-panel" data-testid="waste-panel">
      <summary>Layers and wasted space</summary>
      <table className="table data-table waste-table" aria-label="Files per layer">
        <thead>
          <tr>
            <th scope="col" className="num">
              Layer
            </th>
            <th scope="col" className="num">
              Added
            </th>
            <th scope="col" className="num">
              Changed
            </th>
            <th scope="col" className="num">
              Removed
            </th>
            <th scope="col" className="num">
              File bytes
            </th>
            <th scope="col" className="num">
              Wasted
            </th>
          </tr>
        </thead>
        <tbody>
          {summary.layers.map((l) => (
            <tr key={l.index} className={props.layer === l.index ? 'selected' : undefined} data-testid="waste-row">
              <td className="num">
                <button
                  type="button"
                  className="link small"
                  aria-pressed={props.layer === l.index}
                  onClick={() => props.onLayer(props.layer === l.index ? null : l.index)}
                  title="Show only what this layer changed"
                >
                  {l.index + 1}
                </button>
              </td>
              <td className="num">{l.added.toLocaleString('en')}</td>
              <td className="num">{l.changed.toLocaleString('en')}</td>
              <td className="num">{l.removed.toLocaleString('en')}</td>
              <td className="num">{formatBytes(l.fileBytes)}</td>
              <td className={l.wastedBytes > 0 ? 'num waste' : 'num'}>{formatBytes(l.wastedBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {summary.topWasted.length > 0 && (
        <>
          <h3 className="section-title">Paths that waste most</h3>
          <ul className="wasted-paths">
            {summary.topWasted.slice(0, 10).map((w) => (
              <li key={w.path}>
                <span className="mono">/{w.path}</span> <span className="muted">
                  — {formatBytes(w.bytes)} {w.versions ? `in ${w.versions} hidden version${w.versions === 1 ? '' : 's'}` : 'below a replaced or deleted folder'}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}
