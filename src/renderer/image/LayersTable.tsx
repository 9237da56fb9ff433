/** The image's history, one line per build step, with the layer each produced. */
import type { ImageSummary } from '../../shared/types';
import { formatBytes, plural, shortDigest } from '../app/format';
import { cleanCreatedBy } from './history';

/** A layer's short digest as the keyboard's way to filter the Files section to it. */
function LayerFilesButton(props: { digest: string; layer: number; onClick: () => void }) {
  return (
    <button
      type="button"
      className="link mono"
      title={`Show the files layer ${props.layer + 1} changed`}
      onClick={(e) => {
        e.stopPropagation();
        props.onClick();
      }}
    >
      {shortDigest(props.digest)}
      <span className="visually-hidden">: show the files layer {props.layer + 1} changed</span>
    </button>
  );
}

/**
 * Empty layers (ENV, CMD …) are listed dimmed; the total counts config + layers. With
 * `onShowFiles`, a layer's row (and its digest, a button) filters the Files section to that layer.
 */
export function LayersTable(props: { image: ImageSummary; onShowFiles?: (layer: number) => void; filesLayer?: number | null }) {
  const { image, onShowFiles } = props;
  const layerBytes = image.layers.reduce((n, l) => n + l.size, 0);
  // Without history (some OCI builders) the layers themselves are the rows.
  const rows = image.history.length
    ? image.history.map((h) => ({ ...h, createdBy: cleanCreatedBy(h.createdBy) }))
    : image.layers.map((l) => ({ createdBy: '', created: null, comment: null, emptyLayer: false, layer: l }));
  // Position of each row's layer among the image's layers (empty history lines have none).
  let seen = 0;
  const layerIndex = rows.map((h) => (h.layer ? seen++ : null));

  return (
    <section aria-labelledby="layers-heading">
      <h2 id="layers-heading" className="section-title">
        Layers <span className="muted">{image.layers.length}</span>
      </h2>
      <table className="table data-table layers-table" aria-label="Layers">
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Layer</th>
            <th scope="col">Created by</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((h, i) => {
            const li = layerIndex[i];
            const show = onShowFiles && li !== null ? () => onShowFiles(li) : undefined;
            const cls = [h.emptyLayer && 'empty-layer', show && 'clickable', li !== null && props.filesLayer === li && 'selected'].filter(Boolean).join(' ');
            return (
              <tr key={i} className={cls || undefined} data-testid="layer-row" onClick={show}>
                <td className="num muted">{i + 1}</td>
                <td className="num">{h.emptyLayer ? <span className="muted">empty layer</span> : formatBytes(h.layer?.size)}</td>
                <td className="mono" title={h.layer?.digest}>
                  {h.layer && show ? <LayerFilesButton digest={h.layer.digest} layer={li!} onClick={show} /> : h.layer ? shortDigest(h.layer.digest) : ''}
                </td>
                <td className="mono created-by" title={h.createdBy}>
                  {h.createdBy || <span className="muted">(no history)</span>}
                  {h.comment && <span className="muted"> — {h.comment}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <td />
            <td className="num">
              <b>{formatBytes(layerBytes)}</b>
            </td>
            <td colSpan={2} className="muted">
              Total of {plural(image.layers.length, 'compressed layer')} ({formatBytes(image.size)} with the config)
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
