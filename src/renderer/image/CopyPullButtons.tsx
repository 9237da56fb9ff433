/** "Copy pull command" by tag and by digest, with a visible confirmation. */
import { useEffect, useState } from 'react';
import { copyText } from '../app/clipboard';


/** Both pull commands; the by-tag one falls back to the digest when the reference is one. */
export function CopyPullButtons(props: { host: string; repository: string; tag: string | null; digest: string }) {
  const byTag = props.tag
    ? `docker pull ${props.host}/${props.repository}:${props.tag}`
    : `docker pull ${props.host}/${props.repository}@${props.digest}`;
  const byDigest = `docker pull ${props.host}/${props.repository}@${props.digest}`;
  const [status, setStatus] = useState<{ command: string; ok: boolean } | null>(null);

  useEffect(() => {
    if (!status?.ok) return;
    const t = setTimeout(() => setStatus(null), 2500);
    return () => clearTimeout(t);
  }, [status]);

  const copy = (command: string) =>
    copyText(command).then(
      () => setStatus({ command, ok: true }),
      () => setStatus({ command, ok: false }),
    );

  return (
    <div className="copy-buttons">
      <button type="button" className="small" onClick={() => copy(byTag)} title={byTag}>
        Copy pull command
      </button>
      <button type="button" className="small" onClick={() => copy(byDigest)} title={byDigest}>
        Copy pull by digest
      </button>
      <span role="status" aria-live="polite" className={status?.ok === false ? 'copy-status bad' : 'copy-status'} data-testid="copy-status">
        {status?.ok && <b>Copied</b>}
        {status && <code className="mono">{status.ok ? status.command : `Could not copy: ${status.command}`}</code>}
      </span>
    </div>
  );
}
