/** What the image runs with: entrypoint, cmd, env, user, ports, labels. */
import type { ReactNode } from 'react';
import type { ImageSummary } from '../../shared/types';

function Row(props: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

const none = <span className="muted">—</span>;
const argv = (a: string[] | null) => (a && a.length ? <code className="mono">{JSON.stringify(a)}</code> : none);

/** A dense definition list of the config's runtime fields. */
export function ConfigSection(props: { image: ImageSummary }) {
  const { image } = props;
  const labels = Object.entries(image.labels);
  return (
    <section aria-labelledby="config-heading">
      <h2 id="config-heading" className="section-title">
        Config
      </h2>
      <dl className="config-list" data-testid="image-config">
        <Row label="Entrypoint">{argv(image.entrypoint)}</Row>
        <Row label="Cmd">{argv(image.cmd)}</Row>
        <Row label="Working dir">{image.workingDir ? <code className="mono">{image.workingDir}</code> : none}</Row>
        <Row label="User">{image.user ? <code className="mono">{image.user}</code> : none}</Row>
        <Row label="Exposed ports">
          {image.exposedPorts.length ? image.exposedPorts.map((p) => <code key={p} className="mono chip">{p}</code>) : none}
        </Row>
        <Row label="Env">
          {image.env.length ? (
            <ul className="plain-list mono">
              {image.env.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          ) : (
            none
          )}
        </Row>
        <Row label="Labels">
          {labels.length ? (
            <ul className="plain-list mono">
              {labels.map(([k, v]) => (
                <li key={k}>
                  <span className="label-key">{k}</span>=<span>{v}</span>
                </li>
              ))}
            </ul>
          ) : (
            none
          )}
        </Row>
      </dl>
    </section>
  );
}
