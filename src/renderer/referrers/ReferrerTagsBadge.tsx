/** The count badge a tags row shows for the referrer tags folded under it. */
import { plural } from '../app/format';

const KIND: Record<string, string> = { sig: 'signature', att: 'attestation', sbom: 'SBOM' };

function describe(tag: string): string {
  const suffix = /\.(sig|att|sbom)$/.exec(tag)?.[1];
  return suffix ? `${tag} (${KIND[suffix]})` : `${tag} (fallback referrers index)`;
}

/** Nothing when `tags` is empty; the title lists each folded tag and what it holds. */
export function ReferrerTagsBadge(props: { tags: readonly string[] | undefined }) {
  const tags = props.tags ?? [];
  if (!tags.length) return null;
  const title = `Referrer tags of this digest, hidden from the list:\n${tags.map(describe).join('\n')}`;
  return (
    <span className="badge referrer-badge" title={title} data-testid="referrer-badge" aria-label={`${plural(tags.length, 'referrer tag')}: ${tags.join(', ')}`}>
      {plural(tags.length, 'referrer')}
    </span>
  );
}
