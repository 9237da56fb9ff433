/** SBOMs: format, package count, and a searchable, virtualized package list (SBOMs list thousands). */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useMemo, useRef, useState } from 'react';
import type { SbomInfo, SbomPackage } from '../../shared/supply-chain-types';
import { plural } from '../app/format';
import { filterPackages } from './packages';

const ROW = 26;

function Packages(props: { packages: SbomPackage[]; label: string }) {
  const [query, setQuery] = useState('');
  const shown = useMemo(() => filterPackages(props.packages, query), [props.packages, query]);
  const scroll = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scroll.current, estimateSize: () => ROW, overscan: 8 });
  const countId = useId();
  return (
    <div className="sbom-packages">
      <label className="field inline">
        <span>Search packages</span>
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} aria-describedby={countId} placeholder="name, version or license" />
      </label>
      <span id={countId} className="muted small-text" data-testid="package-count-shown" aria-live="polite">
        {query ? `${shown.length.toLocaleString('en')} of ${plural(props.packages.length, 'package')}` : plural(props.packages.length, 'package')}
      </span>
      <div className="package-scroll" ref={scroll} tabIndex={0} role="region" aria-label={`Packages of ${props.label}`}>
        <div role="table" aria-label={`Packages of ${props.label}`} aria-rowcount={shown.length + 1} className="package-table">
          <div role="row" className="package-row head" aria-rowindex={1}>
            <span role="columnheader">Package</span>
            <span role="columnheader">Version</span>
            <span role="columnheader">License</span>
          </div>
          <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const p = shown[item.index];
              return (
                <div
                  role="row"
                  key={item.key}
                  aria-rowindex={item.index + 2}
                  className="package-row"
                  data-testid="sbom-package"
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${item.start}px)` }}
                >
                  <span role="cell" className="mono">{p.name}</span>
                  <span role="cell" className="mono">{p.version ?? '—'}</span>
                  <span role="cell">{p.license ?? '—'}</span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

/** One card per SBOM. */
export function SbomList(props: { sboms: SbomInfo[] }) {
  return (
    <ul className="supply-list" aria-label="SBOMs">
      {props.sboms.map((s, i) => (
        <li key={i} className="supply-card" data-testid="sbom">
          {s.format === 'unreadable' ? (
            <p className="warning">Could not read this SBOM: {s.message}</p>
          ) : (
            <>
              <p className="sbom-head">
                <b>{s.format === 'spdx' ? 'SPDX' : 'CycloneDX'}</b>
                {s.specVersion && <span className="muted"> {s.specVersion}</span>}
                {s.name && <span className="mono"> · {s.name}</span>}
                <span data-testid="sbom-package-count"> · {plural(s.packageCount, 'package')}</span>
              </p>
              <Packages packages={s.packages} label={`${s.format === 'spdx' ? 'SPDX' : 'CycloneDX'} SBOM ${i + 1}`} />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
