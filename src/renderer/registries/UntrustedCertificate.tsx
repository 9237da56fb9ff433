/**
 * The "untrusted certificate" screen, shown instead of the repositories when the registry's
 * certificate is refused: what is wrong, what the certificate says, and the ways to trust it.
 */
import type { ReactNode } from 'react';
import type { WireError } from '../../shared/errors';
import type { PresentedCertificate, RegistryInfo } from '../../shared/types';
import { ErrorNote } from '../app/ErrorNote';
import { asBerthError } from '../app/unwrap';
import { useUpdateRegistry } from './queries';
import { formatDateUtc } from '../app/format';
import { tlsProblemText } from './status';

function Row(props: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{props.children}</dd>
    </>
  );
}

/** The screen; "Use a CA file…" and "Edit registry" open the edit form (with the CA mode chosen, for the first). */
export function UntrustedCertificate(props: {
  info: RegistryInfo;
  certificate: PresentedCertificate;
  error: WireError;
  onUseCaFile: () => void;
  onEdit: () => void;
}) {
  const { info, certificate: cert } = props;
  const update = useUpdateRegistry();
  const failed = update.error ? asBerthError(update.error) : null;
  const changed = cert.problem === 'pin-mismatch' || props.error.code === 'TLS_PIN_MISMATCH';
  const trust = () => update.mutate({ id: info.id, patch: { tls: { mode: 'pin', pinSha256: cert.sha256 } } });

  return (
    <section className="untrusted-cert" aria-labelledby="untrusted-title" data-testid="untrusted-certificate">
      <h2 id="untrusted-title" className="untrusted-title">
        {changed ? 'The certificate has changed' : 'Untrusted certificate'}
      </h2>
      <p className="untrusted-problem" data-testid="cert-problem">
        {tlsProblemText(cert, info.tls.pinSha256)}
      </p>
      <p className="muted">
        Berth did not send anything to {info.host}. Trust this certificate only if its fingerprint matches the one
        the registry’s administrator gives you (<code>openssl x509 -noout -fingerprint -sha256 -in cert.pem</code>).
      </p>
      <dl className="cert-facts">
        <Row label="Subject">{cert.subject}</Row>
        <Row label="Issuer">
          {cert.issuer}
          {cert.selfSigned && <span className="pill warn cert-tag">self-signed</span>}
        </Row>
        <Row label="Valid">
          {formatDateUtc(cert.validFrom)} — {formatDateUtc(cert.validTo)}
        </Row>
        <Row label="Names">{cert.altNames.length ? cert.altNames.join(', ') : 'none'}</Row>
        {changed && info.tls.pinSha256 && (
          <Row label="Trusted before" testId="cert-pinned-fingerprint">
            <code className="fingerprint">{info.tls.pinSha256}</code>
          </Row>
        )}
        <Row label={changed ? 'Presented now' : 'SHA-256'}>
          <code className="fingerprint" data-testid="cert-fingerprint">
            {cert.sha256}
          </code>
        </Row>
        {cert.problemCode && (
          <Row label="Refused with">
            <code>{cert.problemCode}</code>
          </Row>
        )}
      </dl>
      <div className="untrusted-actions">
        <button type="button" className="primary" onClick={trust} disabled={update.isPending}>
          {update.isPending && <span className="spinner" aria-hidden="true" />}
          Trust this certificate
        </button>
        <button type="button" onClick={props.onUseCaFile}>
          Use a CA file…
        </button>
        <button type="button" onClick={props.onEdit}>
          Edit registry
        </button>
      </div>
      <p className="hint">
        “Trust this certificate” accepts exactly this certificate (by its fingerprint) for {info.name}; when it is renewed
        Berth asks again. With a CA file, every certificate that CA signs is accepted.
      </p>
      {failed && <ErrorNote error={failed} />}
    </section>
  );
}
