/** One row of the tags table; it asks for its details only while it is rendered. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, type CSSProperties, type MouseEvent, type ReactNode } from 'react';
import { DigestChip } from '../app/DigestChip';
import { ErrorCode } from '../app/ErrorNote';
import { formatBytes, formatPlatform, plural } from '../app/format';
import { navigate, routeHref } from '../app/route';
import { asBerthError } from '../app/unwrap';
import { When } from '../app/When';
import { ReferrerTagsBadge } from '../referrers/ReferrerTagsBadge';
import { TransferMenu } from '../transfer/TransferActions';
import { tagDetailQuery, tagKeys } from './queries';

/** The digest chip, and how many tags of the repository share it ("2 tags"). */
function DigestCell(props: { digest: string; shared: number | undefined; complete: boolean }) {
  const n = props.shared ?? 1;
  const title = props.complete
    ? `${plural(n, 'tag')} of this repository point at this image: deleting one deletes them all`
    : `${plural(n, 'tag')} point at this image among the tags whose digest is known so far`;
  return (
    <span className="digest-cell">
      <DigestChip digest={props.digest} />
      {n > 1 && (
        <span className="badge shared" title={title} data-testid="shared-badge">
          {plural(n, 'tag')}
        </span>
      )}
    </span>
  );
}

const Pending = () => <span className="skeleton-bar inline" aria-hidden="true" />;

/** Renders the row at `style` (the virtualizer's position); `rowIndex` is 1-based after the header. */
export function TagRow(props: {
  registryId: string;
  repository: string;
  tag: string;
  /** The digest the repository's known tag → digest map gives (before this row's details arrive). */
  digest: string | undefined;
  /** How many tags share the digest, and whether every tag's digest is known. */
  shared: number | undefined;
  complete: boolean;
  /** Days shared by several rows: their dates show the time too. */
  sharedDays: ReadonlySet<string>;
  rowIndex: number;
  /** In the visible range (not just the overscan): only then may the row ask for its details. */
  visible: boolean;
  style: CSSProperties;
  onDelete: (tag: string) => void;
  /** Referrer tags folded under this row, by subject digest (referrers/fold.ts); undefined when shown raw. */
  referrerTags?: ReadonlyMap<string, string[]>;
  /** The compare checkbox: after the name in tab order (Tab from a row reaches its tag first), drawn before it. */
  leading?: ReactNode;
}) {
  const { registryId, repository, tag } = props;
  const detail = useQuery({ ...tagDetailQuery(registryId, repository, tag), enabled: props.visible });
  const qc = useQueryClient();
  // Scrolled into the overscan: drop its request if it is still waiting for a slot. The state
  // lookup is by hash; cancelQueries scans the whole cache and made long scrolls stutter.
  useEffect(() => {
    if (props.visible) return;
    const key = tagKeys.detail(registryId, repository, tag);
    if (qc.getQueryState(key)?.fetchStatus === 'fetching') void qc.cancelQueries({ queryKey: key, exact: true });
  }, [props.visible, qc, registryId, repository, tag]);
  const d = detail.data;
  const href = routeHref({ screen: 'image', registryId, repository, reference: tag });
  const open = (e: MouseEvent) => {
    if ((e.target as HTMLElement).closest('a,button')) return;
    navigate({ screen: 'image', registryId, repository, reference: tag });
  };
  const err = detail.isError ? asBerthError(detail.error) : null;

  return (
    <div
      role="row"
      aria-rowindex={props.rowIndex}
      className="tag-row"
      style={props.style}
      onClick={open}
      data-testid="tag-row"
      data-tag={tag}
    >
      <div role="cell" className="c-tag">
        <a href={href} className="mono tag-name" title={tag}>
          {tag}
        </a>
        {props.leading}
      </div>
      <div role="cell" className="c-digest">
        {d || props.digest ? (
          <>
            <DigestCell digest={d?.digest ?? props.digest!} shared={props.shared} complete={props.complete} />
            <ReferrerTagsBadge tags={props.referrerTags?.get(d?.digest ?? props.digest!)} />
          </>
        ) : err ? (
          <span className="row-error" title={err.message}>
            <ErrorCode code={err.code} />
            <button type="button" className="link small" onClick={() => detail.refetch()}>
              Retry
            </button>
          </span>
        ) : (
          <Pending />
        )}
      </div>
      <div role="cell" className="c-size num">
        {d ? formatBytes(d.size) : err ? '' : <Pending />}
      </div>
      <div role="cell" className="c-created">
        {d ? <When iso={d.created} shared={props.sharedDays} /> : err ? '' : <Pending />}
      </div>
      <div role="cell" className="c-platforms">
        {d ? (
          <span className="platforms" title={d.platforms.map(formatPlatform).join(', ')}>
            {d.kind === 'index' && <span className="badge">index</span>}
            {d.platforms.length ? d.platforms.map(formatPlatform).join(', ') : '—'}
          </span>
        ) : err ? (
          ''
        ) : (
          <Pending />
        )}
      </div>
      <div role="cell" className="c-actions">
        <TransferMenu registryId={registryId} repository={repository} reference={tag} />
        <button type="button" className="small row-delete" aria-label={`Delete ${tag}`} aria-keyshortcuts="Delete" onClick={() => props.onDelete(tag)}>
          Delete…
        </button>
      </div>
    </div>
  );
}
