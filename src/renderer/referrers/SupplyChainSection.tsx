/** The image view's "Signatures & SBOMs": what refers to this image, checked with the saved keys. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { AttestationEntry, SbomInfo, SignatureEntry, SupplyChain } from '../../shared/supply-chain-types';
import { plural } from '../app/format';
import { ErrorState, SkeletonRows } from '../app/StateViews';
import { AddKeyDialog } from './AddKeyDialog';
import { AttestationList } from './AttestationList';
import { KeyList } from './KeyList';
import { supplyChainQuery } from './queries';
import { SbomList } from './SbomList';
import { SignatureList } from './SignatureList';
import './supply.css';

const SOURCE: Record<string, string> = { api: 'referrers API', 'fallback-index': 'fallback index tag', 'cosign-tag': 'cosign tag' };

/** Flattens the referrers into the three lists people read; SBOMs inside attestations count as SBOMs. */
function collect(chain: SupplyChain) {
  const signatures: { entry: SignatureEntry; source: string }[] = [];
  const attestations: AttestationEntry[] = [];
  const sboms: SbomInfo[] = [];
  const problems: string[] = [];
  for (const d of chain.referrers) {
    const source = d.referrer.sources.map((s) => SOURCE[s] ?? s).join(', ');
    const onImage = d.referrer.subject === chain.subject ? source : `${source}, signs ${d.referrer.subject.slice(0, 19)}…`;
    for (const s of d.signatures) signatures.push({ entry: s, source: onImage });
    for (const a of d.attestations) {
      attestations.push(a);
      if (a.sbom) sboms.push(a.sbom);
    }
    sboms.push(...d.sboms);
    problems.push(...d.problems);
  }
  return { signatures, attestations, sboms, problems };
}

/** Section of the image view for the manifest `digest`. */
export function SupplyChainSection(props: { registryId: string; host: string; repository: string; digest: string }) {
  const chain = useQuery(supplyChainQuery(props.registryId, props.repository, props.digest));
  const [adding, setAdding] = useState(false);
  const c = chain.data;
  const lists = c ? collect(c) : null;
  return (
    <section aria-labelledby="supply-heading" className="supply" data-testid="supply-chain">
      <div className="section-head">
        <h2 id="supply-heading" className="section-title">
          Signatures &amp; SBOMs
        </h2>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => setAdding(true)}>
          Add a public key…
        </button>
      </div>
      <KeyList host={props.host} repository={props.repository} />
      {chain.isPending && <SkeletonRows rows={3} columns={2} label="Reading signatures and SBOMs" />}
      {chain.isError && <ErrorState compact title="Could not read the signatures and SBOMs" error={chain.error} onRetry={() => chain.refetch()} />}
      {c && lists && (
        <>
          <p className="muted small-text" data-testid="supply-summary">
            {c.referrers.length === 0
              ? 'Nothing refers to this image: no signature, attestation or SBOM was found'
              : `${plural(lists.signatures.length, 'signature')} · ${plural(lists.attestations.length, 'attestation')} · ${plural(lists.sboms.length, 'SBOM')}`}
            {c.api ? ' (read through the registry’s referrers API).' : ' (read through the tag schema; this registry has no referrers API).'}
            {c.truncated && ' More referrers exist than Berth reads.'}
            {c.referrers.length > 0 && c.keyCount === 0 && ' No saved key applies here, so signatures read “not verified”.'}
          </p>
          {lists.signatures.length > 0 && (
            <>
              <h3 className="sub-title">Signatures</h3>
              <SignatureList signatures={lists.signatures} />
            </>
          )}
          {lists.attestations.length > 0 && (
            <>
              <h3 className="sub-title">Attestations</h3>
              <AttestationList attestations={lists.attestations} />
            </>
          )}
          {lists.sboms.length > 0 && (
            <>
              <h3 className="sub-title">SBOMs</h3>
              <SbomList sboms={lists.sboms} />
            </>
          )}
          {lists.problems.length > 0 && (
            <ul className="plain-list warning small-text" aria-label="What could not be read">
              {lists.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          )}
        </>
      )}
      {adding && <AddKeyDialog registryId={props.registryId} host={props.host} repository={props.repository} onClose={() => setAdding(false)} />}
    </section>
  );
}
