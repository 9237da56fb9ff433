/**
 * The changed files of a diff: tabs per kind of change with their counts, and a virtualized list
 * that fetches the next page as it scrolls near the end.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { DiffFilesFilter, FileChange, ImageDiffPage } from '../../shared/contents-types';
import { formatBytes } from '../app/format';

const ROW_HEIGHT = 26;
const MARK: Record<FileChange['change'], string> = { added: '+', removed: '−', changed: '~', maybe: '?' };
const TABS: { filter: DiffFilesFilter; label: string }[] = [
  { filter: 'all', label: 'All' },
  { filter: 'added', label: 'Added' },
  { filter: 'removed', label: 'Removed' },
  { filter: 'changed', label: 'Changed' },
  { filter: 'maybe', label: 'Maybe changed' },
];

function signed(n: number): string {
  return n === 0 ? '±0' : `${n > 0 ? '+' : '−'}${formatBytes(Math.abs(n))}`;
}

function sizeText(f: FileChange): string {
  if (f.kind === 'dir') return '';
  if (f.change === 'added') return formatBytes(f.sizeB);
  if (f.change === 'removed') return formatBytes(f.sizeA);
  if (f.sizeA === f.sizeB) return formatBytes(f.sizeB);
  return `${formatBytes(f.sizeA)} → ${formatBytes(f.sizeB)} (${signed((f.sizeB ?? 0) - (f.sizeA ?? 0))})`;
}

/** Props of DiffFiles. */
export interface DiffFilesProps {
  counts: ImageDiffPage['counts'];
  filter: DiffFilesFilter;
  onFilter: (f: DiffFilesFilter) => void;
  files: FileChange[];
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onMore: () => void;
}

/** Tabs and the list of changed paths. */
export function DiffFiles(props: DiffFilesProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: props.files.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items.length ? items[items.length - 1].index : 0;
  const { hasMore, loadingMore, onMore } = props;
  useEffect(() => {
    if (hasMore && !loadingMore && last >= props.files.length - 100) onMore();
  }, [last, hasMore, loadingMore, onMore, props.files.length]);

  return (
    <section aria-labelledby="diff-files-heading" className="diff-files">
      <h2 id="diff-files-heading" className="section-title">
        Files
      </h2>
      <div role="group" aria-label="Show changed files" className="segmented">
        {TABS.map((t) => (
          <button key={t.filter} type="button" className="small" aria-pressed={props.filter === t.filter} onClick={() => props.onFilter(t.filter)}>
            {t.label} <span className="muted">{props.counts[t.filter].toLocaleString('en')}</span>
          </button>
        ))}
      </div>
      {props.counts.maybe > 0 && (
        <p className="muted small-text" data-testid="maybe-note">
          ? Maybe changed: the same size, mode and owner in both images, but each got the file from a different layer, so its content may differ — Berth compares
          metadata, not file contents.
        </p>
      )}
      {props.total === 0 ? (
        <p className="muted">No {props.filter === 'all' ? '' : `${TABS.find((t) => t.filter === props.filter)?.label.toLowerCase()} `}files.</p>
      ) : (
        <div className="diff-files-scroll" ref={scrollRef} data-testid="diff-files">
          <div role="table" aria-label="Changed files" aria-rowcount={props.total + 1} className="diff-table">
            <div role="rowgroup" className="diff-head">
              <div role="row" aria-rowindex={1} className="diff-row head">
                <div role="columnheader">
                  <span className="visually-hidden">Change</span>
                </div>
                <div role="columnheader">Path</div>
                <div role="columnheader" className="num">
                  Size
                </div>
                <div role="columnheader">What differs</div>
              </div>
            </div>
            <div role="rowgroup" className="virtual-list" style={{ height: virtualizer.getTotalSize() }}>
              {items.map((item) => {
                const f = props.files[item.index];
                return (
                  <div
                    key={f.path}
                    role="row"
                    aria-rowindex={item.index + 2}
                    className={`diff-row change-${f.change}`}
                    style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                    data-testid="diff-file"
                    data-change={f.change}
                  >
                    <div role="cell" className="mark" title={f.change}>
                      <span aria-hidden="true">{MARK[f.change]}</span>
                      <span className="visually-hidden">{f.change}</span>
                    </div>
                    <div role="cell" className="mono path" title={`/${f.path}`}>
                      /{f.path}
                      {f.kind === 'dir' ? '/' : ''}
                    </div>
                    <div role="cell" className="num">
                      {sizeText(f)}
                    </div>
                    <div role="cell" className="muted small-text">
                      {f.change === 'maybe' ? 'content may differ' : f.fields.join(', ')}
                    </div>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
