/** The TLS part of the registry form: verify / CA file / pin / skip, and plain http. */
import { useId, useState, type ChangeEvent } from 'react';
import type { TlsInfo, TlsMode } from '../../shared/types';
import type { RegistryFormValues } from './form-state';

const MODES: { mode: TlsMode; label: string }[] = [
  { mode: 'verify', label: 'Verify the certificate (default)' },
  { mode: 'ca', label: 'Trust a CA file' },
  { mode: 'pin', label: 'Trust the certificate it presents' },
  { mode: 'skip', label: 'Skip verification' },
];

/** A PEM file must hold at least one certificate; anything else is refused before it reaches main. */
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** Radio group and the fields of the chosen mode; `saved` is the registry's current TLS (edit). */
export function TlsFields(props: {
  values: RegistryFormValues;
  onChange: (patch: Partial<RegistryFormValues>) => void;
  saved?: TlsInfo;
  /** The certificate the registry presents now, when the last check saw one. */
  presentedSha256?: string;
}) {
  const { values, onChange, saved } = props;
  const name = useId();
  const [fileError, setFileError] = useState<string | null>(null);

  const pickFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setFileError(null);
    if (!file) return;
    const text = await file.text();
    if (!PEM_CERT.test(text)) {
      setFileError(`${file.name} holds no PEM certificate (-----BEGIN CERTIFICATE-----). Choose the CA’s certificate file.`);
      onChange({ caPem: '', caName: '' });
      return;
    }
    onChange({ caPem: text, caName: file.name });
  };

  const choose = (mode: TlsMode) => {
    const patch: Partial<RegistryFormValues> = { tlsMode: mode };
    if (mode === 'pin' && !values.pinSha256) patch.pinSha256 = saved?.pinSha256 ?? props.presentedSha256 ?? '';
    onChange(patch);
  };

  return (
    <fieldset className="fieldset" data-testid="tls-fields">
      <legend>TLS</legend>
      <div className="radio-list" role="radiogroup" aria-label="TLS certificate">
        {MODES.map((m) => (
          <label className="check" key={m.mode}>
            <input type="radio" name={name} checked={values.tlsMode === m.mode} onChange={() => choose(m.mode)} />
            <span>{m.label}</span>
          </label>
        ))}
      </div>
      {values.tlsMode === 'ca' && (
        <div className="tls-detail">
          <label className="field">
            <span>CA certificate (PEM)</span>
            <input type="file" accept=".pem,.crt,.cer,application/x-pem-file" onChange={(e) => void pickFile(e)} />
          </label>
          {values.caName ? (
            <p className="hint">Trusting {values.caName} in addition to the system’s authorities.</p>
          ) : saved?.mode === 'ca' ? (
            <p className="hint">
              Now trusting {saved.caName ?? 'a CA file'}
              {saved.caSubject ? ` (${saved.caSubject})` : ''}; choose a file to replace it.
            </p>
          ) : (
            <p className="hint">The CA that signed the registry’s certificate, in addition to the system’s authorities.</p>
          )}
          {fileError && (
            <p className="inline-error" role="alert">
              {fileError}
            </p>
          )}
        </div>
      )}
      {values.tlsMode === 'pin' && (
        <div className="tls-detail">
          <label className="field">
            <span>SHA-256 fingerprint</span>
            <textarea
              className="fingerprint-input"
              rows={2}
              value={values.pinSha256}
              onChange={(e) => onChange({ pinSha256: e.target.value })}
              placeholder="AB:CD:…"
              spellCheck={false}
              autoCapitalize="off"
            />
          </label>
          <p className="hint">
            {values.pinSha256
              ? 'Only the certificate with exactly this fingerprint is accepted; a renewed certificate must be trusted again.'
              : 'Leave empty: after saving, Berth shows the certificate the registry presents and its fingerprint, and you trust it there.'}
          </p>
        </div>
      )}
      {values.tlsMode === 'skip' && (
        <p className="warning" role="note">
          Berth will accept any certificate, including one from someone intercepting the connection. Use this only for a
          test registry on a network you trust; “Trust the certificate it presents” is as easy and stays safe.
        </p>
      )}
      <label className="check">
        <input type="checkbox" checked={values.insecure} onChange={(e) => onChange({ insecure: e.target.checked })} />
        <span>Insecure (http)</span>
      </label>
      <p className="hint">
        Allows plain http to a host that is not this machine: passwords and images travel unencrypted. Not needed for
        localhost.
      </p>
    </fieldset>
  );
}
