/** One image or index: header, pull commands, layers, config, platforms, raw JSON, delete. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { isValidDigest } from '../../shared/reference';
import type { ImageSummary, IndexSummary, ManifestSummary } from '../../shared/types';
import { Breadcrumb } from '../app/Breadcrumb';
import { formatBytes, formatPlatform } from '../app/format';
import { navigate, routeHref } from '../app/route';
import { ErrorState, SkeletonRows } from '../app/StateViews';
import { When } from '../app/When';
import { DeleteDialog } from '../delete/DeleteDialog';
import { CompareWith } from '../diff/CompareWith';
import { FilesSection } from '../files/FilesSection';
import { SupplyChainSection } from '../referrers/SupplyChainSection';
import { registriesQuery } from '../registries/queries';
import { SearchButton } from '../search/SearchButton';
import { TransferButtons } from '../transfer/TransferActions';
import { ConfigSection } from './ConfigSection';
import { CopyPullButtons } from './CopyPullButtons';
import { LayersTable } from './LayersTable';
import { PlatformsTable } from './PlatformsTable';
import { manifestQuery } from './queries';
import { RawJson } from './RawJson';
import './image.css';

function Facts(props: { summary: ManifestSummary }) {
  const s = props.summary;
  return (
    <dl className="facts" data-testid="image-facts">
      <div>
        <dt>Digest</dt>
        <dd className="mono" data-testid="image-digest">
          {s.digest}
        </dd>
      </div>
      {s.kind === 'image' ? (
        <>
          <div>
            <dt>Size</dt>
            <dd>{formatBytes(s.size)}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <When iso={s.created} time inline />
            </dd>
          </div>
          <div>
            <dt>Platform</dt>
            <dd className="mono">{formatPlatform(s.platform)}</dd>
          </div>
        </>
      ) : (
        <div>
          <dt>Platforms</dt>
          <dd>{s.manifests.filter((m) => !m.attestation).length}</dd>
        </div>
      )}
      <div>
        <dt>Media type</dt>
        <dd className="mono small-text">{s.mediaType}</dd>
      </div>
    </dl>
  );
}

function ImageBody(props: { image: ImageSummary; registryId: string }) {
  const { image } = props;
  const [filesLayer, setFilesLayer] = useState<number | null>(null);
  const showLayer = (layer: number) => {
    setFilesLayer(layer);
    document.getElementById('files-heading')?.scrollIntoView({ block: 'start' });
  };
  return (
    <>
      <LayersTable image={image} onShowFiles={showLayer} filesLayer={filesLayer} />
      <FilesSection
        source={{ registryId: props.registryId, repository: image.repository, reference: image.digest }}
        layerBytes={image.layers.reduce((n, l) => n + l.size, 0)}
        layerCount={image.layers.length}
        layer={filesLayer}
        onLayer={setFilesLayer}
      />
      <ConfigSection image={props.image} />
      <RawJson title="Raw manifest" raw={props.image.rawManifest} testId="raw-manifest" />
      <RawJson title="Raw config" raw={props.image.rawConfig} testId="raw-config" />
    </>
  );
}

function IndexBody(props: { index: IndexSummary; registryId: string }) {
  return (
    <>
      <PlatformsTable index={props.index} registryId={props.registryId} />
      <RawJson title="Raw manifest" raw={props.index.rawManifest} testId="raw-manifest" />
    </>
  );
}

/** The image screen for `repository` at `reference` (a tag or a digest); `parent`: the index it was opened from. */
export function ImageView(props: { registryId: string; repository: string; reference: string; parent?: string }) {
  const { registryId, repository, reference } = props;
  const manifest = useQuery(manifestQuery(registryId, repository, reference));
  const registries = useQuery(registriesQuery());
  const host = registries.data?.find((r) => r.id === registryId)?.host ?? '';
  const [deleting, setDeleting] = useState(false);
  const byDigest = isValidDigest(reference);
  const s = manifest.data;

  return (
    <div className="page scroll-page">
      <header className="page-head">
        <Breadcrumb registryId={registryId} repository={repository} reference={reference} parent={props.parent} />
        <div className="title-row">
          <h1 className="mono">
            {repository}
            <span className="muted">{byDigest ? '@' : ':'}</span>
            {reference}
          </h1>
          {s && s.kind === 'index' && <span className="badge">index</span>}
          <span className="spacer" />
          {props.parent !== undefined && (
            <a className="button-link" href={routeHref({ screen: 'image', registryId, repository, reference: props.parent })}>
              ← Back to index {props.parent}
            </a>
          )}
          <TransferButtons registryId={registryId} repository={repository} reference={reference} />
          {s && <SearchButton registryId={registryId} query={`base:${repository}@${s.digest}`} label="Images built on this one" />}
          <CompareWith registryId={registryId} repository={repository} reference={reference} />
          <button type="button" className="small danger-quiet" aria-label={`Delete ${reference}`} onClick={() => setDeleting(true)}>
            Delete…
          </button>
        </div>
        {s && <Facts summary={s} />}
        {s && <CopyPullButtons host={host} repository={repository} tag={byDigest ? null : reference} digest={s.digest} />}
      </header>
      {manifest.isPending && <SkeletonRows rows={8} columns={3} label="Loading manifest" />}
      {manifest.isError && (
        <ErrorState title="Could not load this manifest" error={manifest.error} onRetry={() => manifest.refetch()} />
      )}
      {s?.kind === 'image' && <ImageBody key={s.digest} image={s} registryId={registryId} />}
      {s?.kind === 'index' && <IndexBody index={s} registryId={registryId} />}
      {s && <SupplyChainSection registryId={registryId} host={host} repository={repository} digest={s.digest} />}
      {deleting && (
        <DeleteDialog
          registryId={registryId}
          repository={repository}
          reference={reference}
          onClose={() => setDeleting(false)}
          onDeleted={() => navigate({ screen: 'repository', registryId, repository }, true)}
        />
      )}
    </div>
  );
}
