/** A block of config or a command, with a Copy button. */
import { useEffect, useState } from 'react';
import { copyText } from '../app/clipboard';


/** `label` names the snippet for people and for assistive tech. */
export function Snippet(props: { label: string; code: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <figure className="snippet">
      <figcaption>
        <span>{props.label}</span>
        <button
          type="button"
          className="small"
          aria-label={`Copy ${props.label}`}
          onClick={() => copyText(props.code).then(() => setCopied('yes'), () => setCopied('no'))}
        >
          {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Select and copy' : 'Copy'}
        </button>
      </figcaption>
      <pre>
        <code>{props.code}</code>
      </pre>
    </figure>
  );
}
