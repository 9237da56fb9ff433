/** The image's history, one line per build step, with the layer each produced. */
import type { ImageSummary } from '../../shared/types';
import { formatBytes, plural, shortDigest } from '../app/format';
import { cleanCreatedBy } from './history';

/** Empty layers (ENV, CMD …) are listed dimmed; the total counts config + layers. */
export function LayersTable(props: { image: ImageSummary }) {
  const { image } = props;
  const layerBytes = image.layers.reduce((n, l) => n + l.size, 0);
  // Without history (some OCI builders) the layers themselves are the rows.
  const rows = image.history.length
    ? image.history.map((h) => ({ ...h, createdBy: cleanCreatedBy(h.createdBy) }))
    : image.layers.map((l) => ({ createdBy: '', created: null, comment: null, emptyLayer: false, layer: l }));

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
          {rows.map((h, i) => (
            <tr key={i} className={h.emptyLayer ? 'empty-layer' : undefined} data-testid="layer-row">
              <td className="num muted">{i + 1}</td>
              <td className="num">{h.emptyLayer ? <span className="muted">empty layer</span> : formatBytes(h.layer?.size)}</td>
              <td className="mono" title={h.layer?.digest}>
                {h.layer ? shortDigest(h.layer.digest) : ''}
              </td>
              <td className="mono created-by" title={h.createdBy}>
                {h.createdBy || <span className="muted">(no history)</span>}
                {h.comment && <span className="muted"> — {h.comment}</span>}
              </td>
            </tr>
          ))}
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
