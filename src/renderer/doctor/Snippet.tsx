/** A block of config or a command, with a Copy button. */
import { useEffect, useState } from 'react';

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Clipboard API refused (no focus, no permission): fall back to a selected textarea.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

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
