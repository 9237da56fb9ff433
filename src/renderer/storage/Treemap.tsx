/**
 * The picture of where the space goes (treemap.ts): namespace boxes holding repository cells,
 * each cell a button named by what it shows ("team/app: 1.2 GB only it references"), opening
 * that repository's rows. Plain positioned boxes and CSS, no charting library; the repositories
 * table below is its text alternative.
 */
import { useMemo, type CSSProperties } from 'react';
import type { RegistryStorage } from '../../shared/index-types';
import { formatBytes } from '../app/format';
import { storageTreemap, type Rect } from './treemap';

/** Cells smaller than this share of the picture show no text (their name is still their button's). */
const LABEL_MIN_AREA = 0.6;

const box = (r: Rect, parent?: Rect) => {
  const x = parent ? ((r.x - parent.x) / parent.w) * 100 : r.x;
  const y = parent ? ((r.y - parent.y) / parent.h) * 100 : r.y;
  const w = parent ? (r.w / parent.w) * 100 : r.w;
  const h = parent ? (r.h / parent.h) * 100 : r.h;
  return { left: `${x}%`, top: `${y}%`, width: `${w}%`, height: `${h}%` };
};

/** Hues a golden angle apart, so neighbouring namespaces never look alike (hashing the name could). */
const hue = (i: number): number => Math.round((210 + i * 137.508) % 360);

/** The treemap; `onOpen` is called with a repository's name when its cell is chosen. */
export function Treemap(props: { storage: RegistryStorage; selected?: string; onOpen: (repository: string) => void }) {
  const groups = useMemo(() => storageTreemap(props.storage), [props.storage]);
  if (props.storage.totalStoredBytes <= 0) return null;
  return (
    <div className="treemap" role="group" aria-label="Where the space goes: each repository’s area is the bytes only it references" data-testid="treemap">
      {groups.map((g, i) => (
        <div
          key={g.namespace ?? g.cells[0].kind}
          className={g.namespace === null ? 'treemap-group plain' : 'treemap-group'}
          style={{ ...box(g.rect), '--hue': hue(i) } as CSSProperties}
          role={g.namespace === null ? undefined : 'group'}
          aria-label={g.namespace === null ? undefined : `${g.namespace || 'top level'}: ${formatBytes(g.bytes)}`}
        >
          {g.namespace !== null && g.rect.w * g.rect.h > 4 && (
            <span className="treemap-ns mono" aria-hidden="true">
              {g.namespace || '(top level)'}
            </span>
          )}
          {g.cells.map((c) => {
            const labelled = c.rect.w * c.rect.h >= LABEL_MIN_AREA;
            const style = box(c.rect, g.rect);
            if (c.kind !== 'repository') {
              return (
                <div key={c.kind} className={`treemap-cell ${c.kind}`} style={style} title={`${c.label}: ${formatBytes(c.bytes)}`} data-testid={`treemap-${c.kind}`}>
                  {labelled && (
                    <span className="treemap-label">
                      {c.label} <span className="treemap-bytes">{formatBytes(c.bytes)}</span>
                    </span>
                  )}
                </div>
              );
            }
            const name = `${c.label}: ${formatBytes(c.bytes)} only it references`;
            return (
              <button
                key={c.label}
                type="button"
                className={props.selected === c.label ? 'treemap-cell repository selected' : 'treemap-cell repository'}
                style={style}
                aria-label={name}
                aria-pressed={props.selected === c.label}
                title={name}
                onClick={() => props.onOpen(c.label)}
              >
                {labelled && (
                  <span className="treemap-label" aria-hidden="true">
                    <span className="mono">{c.label.slice(c.label.lastIndexOf('/') + 1)}</span> <span className="treemap-bytes">{formatBytes(c.bytes)}</span>
                  </span>
                )}
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}
