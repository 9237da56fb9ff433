/** The diff screen (`#/d/…`): any two images — tags, repositories, registries, or an archive's image. */
import { useQuery } from '@tanstack/react-query';
import type { RegistryInfo } from '../../shared/types';
import type { DiffSide } from '../app/route';
import { registriesQuery } from '../registries/queries';
import { DiffView } from './DiffView';

/** How a side reads before main names it: `host/repo:tag`, `repo@sha256:…`, or the archive's image. */
export function sideLabel(s: DiffSide, registries: RegistryInfo[] | undefined): string {
  if ('fileHandle' in s) return `image ${s.image} of the dropped archive`;
  const host = registries?.find((r) => r.id === s.registryId)?.host ?? '…';
  return `${host}/${s.repository}${s.reference.includes(':') ? '@' : ':'}${s.reference}`;
}

/** Compares `a` (before) with `b` (after). */
export function DiffPage(props: { a: DiffSide; b: DiffSide }) {
  const registries = useQuery(registriesQuery());
  const labels: [string, string] = [sideLabel(props.a, registries.data), sideLabel(props.b, registries.data)];
  return (
    <div className="page scroll-page">
      <header className="page-head">
        <div className="title-row">
          <h1>Compare images</h1>
        </div>
        <p className="muted">
          What <span className="mono">{labels[1]}</span> (B) changes against <span className="mono">{labels[0]}</span> (A).
        </p>
      </header>
      <DiffView a={props.a} b={props.b} labels={labels} />
    </div>
  );
}
