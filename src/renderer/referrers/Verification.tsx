/** A signature's or attestation's check outcome: verified, failed (and why), not verified (and why). */
import type { Verification } from '../../shared/supply-chain-types';

const LABEL: Record<Verification['status'], string> = { verified: 'Verified', failed: 'Failed', 'not-verified': 'Not verified' };
const MARK: Record<Verification['status'], string> = { verified: '✓', failed: '✗', 'not-verified': '?' };

/** Badge plus the engine's sentence; "not verified" is never shown as "unsigned". */
export function VerificationLine(props: { verification: Verification }) {
  const v = props.verification;
  return (
    <div className={`verification v-${v.status}`} data-testid="verification" data-status={v.status}>
      <span className="v-badge">
        <span aria-hidden="true">{MARK[v.status]} </span>
        {LABEL[v.status]}
      </span>
      <span className="v-message">{v.message}</span>
    </div>
  );
}
