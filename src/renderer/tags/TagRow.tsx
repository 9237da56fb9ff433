/** One row of the tags table; it asks for its details only while it is rendered. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, type CSSProperties, type MouseEvent, type ReactNode } from 'react';
import { ErrorCode } from '../app/ErrorNote';
import { digestHue, formatBytes, formatPlatform, formatRelative, plural, shortDigest } from '../app/format';
import { navigate, routeHref } from '../app/route';
import { asBerthError } from '../app/unwrap';
import { tagDetailQuery, tagKeys } from './queries';

/** A colored chip per digest: tags sharing one look alike. */
export function DigestChip(props: { digest: string; count?: number }) {
  const hue = digestHue(props.digest);
  return (
    <span className="digest-cell">
      <span className="digest-chip mono" style={{ '--hue': hue } as CSSProperties} title={props.digest}>
        {shortDigest(props.digest)}
      </span>
      {props.count !== undefined && props.count > 1 && (
        <span className="badge shared" title={`${plural(props.count, 'loaded tag')} point at this digest`}>
          {plural(props.count, 'tag')}
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
  shared: number | undefined;
  rowIndex: number;
  /** In the visible range (not just the overscan): only then may the row ask for its details. */
  visible: boolean;
  style: CSSProperties;
  onDelete: (tag: string) => void;
  /** Drawn before the tag's name (the compare checkbox). */
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
        {props.leading}
        <a href={href} className="mono tag-name" title={tag}>
          {tag}
        </a>
      </div>
      <div role="cell" className="c-digest">
        {d ? (
          <DigestChip digest={d.digest} count={props.shared} />
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
        {d ? <span title={d.created ?? 'unknown'}>{formatRelative(d.created)}</span> : err ? '' : <Pending />}
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
        <button type="button" className="small danger-quiet" aria-label={`Delete ${tag}`} onClick={() => props.onDelete(tag)}>
          Delete…
        </button>
      </div>
    </div>
  );
}
