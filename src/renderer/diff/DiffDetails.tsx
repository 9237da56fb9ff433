/** The non-file half of a diff: config differences, layers and history (shared prefix, then each side's own). */
import type { ReactElement } from 'react';
import type { ConfigChange, HistoryRow, ImageDiff, LayerRow } from '../../shared/contents-types';
import { formatBytes, plural, shortDigest } from '../app/format';

const FIELD_LABEL: Record<ConfigChange['field'], string> = {
  env: 'Env',
  labels: 'Label',
  entrypoint: 'Entrypoint',
  cmd: 'Cmd',
  user: 'User',
  workingDir: 'Workdir',
  exposedPorts: 'Port',
  volumes: 'Volume',
  platform: 'Platform',
};

const value = (v: string | string[] | null) => (v === null ? <span className="muted">(none)</span> : Array.isArray(v) ? JSON.stringify(v) : v);

/** Config differences, one row each. */
export function ConfigChanges(props: { config: ConfigChange[] }) {
  return (
    <section aria-labelledby="diff-config-heading">
      <h2 id="diff-config-heading" className="section-title">
        Config <span className="muted">{props.config.length ? plural(props.config.length, 'difference') : 'the same'}</span>
      </h2>
      {props.config.length > 0 && (
        <table className="table data-table diff-config" aria-label="Config differences">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">A</th>
              <th scope="col">B</th>
            </tr>
          </thead>
          <tbody>
            {props.config.map((c, i) => (
              <tr key={i} data-testid="config-change">
                <td>
                  {FIELD_LABEL[c.field]}
                  {c.key && <span className="mono"> {c.key}</span>}
                </td>
                <td className="mono">{value(c.a)}</td>
                <td className="mono">{value(c.b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function layerLine(l: LayerRow) {
  return (
    <li key={l.index}>
      <span className="muted">{l.index + 1}.</span> <span className="mono">{l.digest ? shortDigest(l.digest) : l.diffId ? `diff ${shortDigest(l.diffId)}` : '?'}</span>{' '}
      <span className="muted">{formatBytes(l.size)}</span>
    </li>
  );
}

function historyLine(h: HistoryRow, i: number) {
  return (
    <li key={i} className="mono" title={h.createdBy}>
      {h.createdBy || <span className="muted">(no command)</span>}
      {h.emptyLayer && <span className="muted"> (no layer)</span>}
    </li>
  );
}

/** Each side's own rows after the shared prefix. */
function Sides<T>(props: { a: T[]; b: T[]; row: (x: T, i: number) => ReactElement; what: string }) {
  if (!props.a.length && !props.b.length) return null;
  return (
    <div className="diff-sides">
      <div>
        <h3 className="sub-title">Only in A ({plural(props.a.length, props.what)})</h3>
        <ol className="diff-list">{props.a.map(props.row)}</ol>
      </div>
      <div>
        <h3 className="sub-title">Only in B ({plural(props.b.length, props.what)})</h3>
        <ol className="diff-list">{props.b.map(props.row)}</ol>
      </div>
    </div>
  );
}

/** Layers and history, each as "N shared from the bottom", then what differs. */
export function LayersAndHistory(props: { diff: ImageDiff }) {
  const { layers, history } = props.diff;
  return (
    <section aria-labelledby="diff-layers-heading">
      <h2 id="diff-layers-heading" className="section-title">
        Layers <span className="muted" data-testid="shared-layers">{plural(layers.shared, 'layer')} shared from the bottom</span>
      </h2>
      <Sides a={layers.a} b={layers.b} row={layerLine} what="layer" />
      <h2 className="section-title">
        History <span className="muted">{plural(history.shared, 'step')} shared</span>
      </h2>
      <Sides a={history.a} b={history.b} row={historyLine} what="step" />
    </section>
  );
}
