/** The delete dialog's referrers: what would be left without its image, and the choice to delete it too. */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReferrerDeleteSummary } from '../../shared/supply-chain-types';
import { formatBytes, plural, shortDigest } from '../app/format';
import { ErrorState } from '../app/StateViews';

const KIND: Record<string, string> = { signature: 'signature', attestation: 'attestation', sbom: 'SBOM', other: 'artifact', 'fallback-index': 'referrers index' };

/** Nothing while there are no referrers; `checked` deletes them with the image (the default). */
export function ReferrersToDelete(props: { plan: UseQueryResult<ReferrerDeleteSummary>; checked: boolean; onChange: (checked: boolean) => void }) {
  const { plan } = props;
  if (plan.isPending) return <p className="muted">Looking for signatures and SBOMs of this image…</p>;
  if (plan.isError) return <ErrorState compact title="Could not list the image's signatures and SBOMs" error={plan.error} onRetry={() => plan.refetch()} />;
  const r = plan.data;
  if (!r.items.length) return null;
  return (
    <div className="delete-referrers" data-testid="delete-referrers">
      <label className="check">
        <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
        Also delete its {plural(r.items.length, 'signature, attestation or SBOM', 'signatures, attestations and SBOMs')} ({formatBytes(r.bytes)})
      </label>
      <ul className="delete-tags" aria-label="Referrers that will be deleted">
        {r.items.map((i) => (
          <li key={i.digest} className="mono">
            {KIND[i.kind] ?? i.kind} {shortDigest(i.digest)}
            {i.tags.length > 0 && <span className="muted"> · {i.tags.join(', ')}</span>}
          </li>
        ))}
      </ul>
      {!props.checked && <p className="warning small-text">They stay in the registry, referring to an image that is gone.</p>}
    </div>
  );
}
