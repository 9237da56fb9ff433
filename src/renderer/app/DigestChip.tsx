/** A coloured chip per digest: tags sharing one look alike; unrelated digests in view never do. */
import type { CSSProperties } from 'react';
import { useDigestHue } from './digest-hues';
import { shortDigest } from './format';

/** The chip; its hue comes from the surrounding `DigestHuesContext` (the rows in view). */
export function DigestChip(props: { digest: string }) {
  const hue = useDigestHue(props.digest);
  return (
    <span className="digest-chip mono" style={{ '--hue': hue } as CSSProperties} title={props.digest} data-hue={hue}>
      {shortDigest(props.digest)}
    </span>
  );
}
