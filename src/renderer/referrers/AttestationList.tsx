/** In-toto attestations: predicate type, whether they name this image, SLSA provenance facts. */
import type { AttestationEntry } from '../../shared/supply-chain-types';
import { VerificationLine } from './Verification';

/** One card per attestation. */
export function AttestationList(props: { attestations: AttestationEntry[] }) {
  return (
    <ul className="supply-list" aria-label="Attestations">
      {props.attestations.map((a, i) => (
        <li key={i} className="supply-card" data-testid="attestation">
          <VerificationLine verification={a.verification} />
          <dl className="supply-facts">
            <dt>Predicate type</dt>
            <dd className="mono">{a.predicateType ?? <span className="muted">none</span>}</dd>
            <dt>Subject</dt>
            <dd>{a.coversSubject ? 'names this image' : <span className="warning">does not name this image</span>}</dd>
            {a.slsa && (
              <>
                <dt>SLSA builder</dt>
                <dd className="mono">{a.slsa.builderId ?? <span className="muted">none</span>}</dd>
                <dt>Build type</dt>
                <dd className="mono">{a.slsa.buildType ?? <span className="muted">none</span>}</dd>
                <dt>Materials</dt>
                <dd>
                  {a.slsa.materials.length ? (
                    <ul className="plain-list mono">
                      {a.slsa.materials.map((m, j) => (
                        <li key={j}>
                          {m.uri ?? '(no uri)'}
                          {Object.entries(m.digest).map(([alg, hex]) => (
                            <span key={alg} className="muted">
                              {' '}
                              {alg}:{hex.slice(0, 12)}
                            </span>
                          ))}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="muted">none listed</span>
                  )}
                </dd>
              </>
            )}
          </dl>
        </li>
      ))}
    </ul>
  );
}
