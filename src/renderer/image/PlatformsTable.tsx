/** An index's manifests: one row per platform, attestations labelled with what they attest. */
import type { IndexSummary } from '../../shared/types';
import { formatBytes, formatPlatform, shortDigest } from '../app/format';
import { navigate, routeHref } from '../app/route';

/** Clicking a row opens that platform's image by digest (its screen links back to this index). */
export function PlatformsTable(props: { index: IndexSummary; registryId: string }) {
  const { index, registryId } = props;
  return (
    <section aria-labelledby="platforms-heading">
      <h2 id="platforms-heading" className="section-title">
        Platforms <span className="muted">{index.manifests.filter((m) => !m.attestation).length}</span>
      </h2>
      <table className="table data-table platforms-table" aria-label="Platforms">
        <thead>
          <tr>
            <th scope="col">Platform</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Digest</th>
            <th scope="col">Media type</th>
          </tr>
        </thead>
        <tbody>
          {index.manifests.map((m) => {
            const route = { screen: 'image', registryId, repository: index.repository, reference: m.descriptor.digest, parent: index.reference } as const;
            return (
              <tr
                key={m.descriptor.digest}
                className={m.attestation ? 'clickable attestation' : 'clickable'}
                onClick={(e) => {
                  if (!(e.target as HTMLElement).closest('a')) navigate(route);
                }}
                data-testid="platform-row"
              >
                <td>
                  <a href={routeHref(route)} className="mono">
                    {m.attestation
                      ? `attestation for ${m.attestationFor ? shortDigest(m.attestationFor) : 'unknown image'}`
                      : formatPlatform(m.platform ?? m.descriptor.platform)}
                  </a>
                </td>
                <td className="num">{formatBytes(m.size)}</td>
                <td className="mono" title={m.descriptor.digest}>
                  {shortDigest(m.descriptor.digest)}
                </td>
                <td className="muted small-text">{m.descriptor.mediaType}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
