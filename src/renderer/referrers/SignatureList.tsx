/** The signatures of an image: what each signed, with which annotations, by whom, and whether it checks out. */
import type { SignatureEntry } from '../../shared/supply-chain-types';
import { VerificationLine } from './Verification';

function Annotations(props: { values: Record<string, string> }) {
  const entries = Object.entries(props.values);
  if (!entries.length) return <span className="muted">none</span>;
  return (
    <ul className="plain-list mono">
      {entries.map(([k, v]) => (
        <li key={k}>
          <span className="label-key">{k}</span>=<span>{v}</span>
        </li>
      ))}
    </ul>
  );
}

/** One card per signature; `source` says where it was found (a cosign tag, the referrers API…). */
export function SignatureList(props: { signatures: { entry: SignatureEntry; source: string }[] }) {
  return (
    <ul className="supply-list" aria-label="Signatures">
      {props.signatures.map(({ entry, source }, i) => (
        <li key={i} className="supply-card" data-testid="signature">
          <VerificationLine verification={entry.verification} />
          <dl className="supply-facts">
            <dt>Format</dt>
            <dd>
              {entry.format} <span className="muted">· {source}</span>
            </dd>
            <dt>Signed reference</dt>
            <dd className="mono">{entry.signedReference ?? <span className="muted">not named</span>}</dd>
            <dt>Signed digest</dt>
            <dd className="mono digest-full">{entry.signedDigest ?? <span className="muted">not named</span>}</dd>
            <dt>Annotations</dt>
            <dd>
              <Annotations values={entry.annotations} />
            </dd>
            {entry.certificate && (
              <>
                <dt>Certificate subject</dt>
                <dd className="mono">{entry.certificate.subject ?? <span className="muted">none</span>}</dd>
                <dt>OIDC issuer</dt>
                <dd className="mono">{entry.certificate.issuer ?? <span className="muted">none</span>}</dd>
                <dt>Issued by</dt>
                <dd className="small-text">
                  {entry.certificate.certificateIssuer}
                  <span className="muted">
                    {' '}
                    · valid {entry.certificate.validFrom} – {entry.certificate.validTo}
                  </span>
                </dd>
              </>
            )}
          </dl>
        </li>
      ))}
    </ul>
  );
}
