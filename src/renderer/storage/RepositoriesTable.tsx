/**
 * The storage figures per repository, as a table (also the treemap's text alternative): tags,
 * bytes only it references, bytes shared with others, untagged manifests, last push. Sortable by
 * every column; names in natural order (`ns2` before `ns10`).
 */
import { useMemo, useState } from 'react';
import type { RepositoryStorage } from '../../shared/index-types';
import { compareNatural } from '../../shared/natural-order';
import { formatBytes } from '../app/format';
import { When } from '../app/When';

type Column = 'repository' | 'tags' | 'ownBytes' | 'sharedBytes' | 'untagged' | 'lastPush';
/** Rows drawn at once; thousands of repositories are shown on request. */
const ROW_CAP = 300;

const COLUMNS: { key: Column; label: string; num?: boolean; title?: string }[] = [
  { key: 'repository', label: 'Repository' },
  { key: 'tags', label: 'Tags', num: true },
  { key: 'ownBytes', label: 'Only its own', num: true, title: 'Bytes no other repository references: what deleting the whole repository frees' },
  { key: 'sharedBytes', label: 'Shared', num: true, title: 'Bytes it references that other repositories reference too' },
  { key: 'untagged', label: 'Untagged', num: true, title: 'Stored manifests no tag reaches' },
  { key: 'lastPush', label: 'Last push' },
];

function compare(a: RepositoryStorage, b: RepositoryStorage, key: Column): number {
  if (key === 'repository') return compareNatural(a.repository, b.repository);
  if (key === 'lastPush') return (Date.parse(a.lastPush ?? '') || 0) - (Date.parse(b.lastPush ?? '') || 0);
  return a[key] - b[key];
}

/** Sortable table of repositories; choosing one calls `onOpen`. */
export function RepositoriesTable(props: { rows: RepositoryStorage[]; selected?: string; onOpen: (repository: string) => void }) {
  const [sort, setSort] = useState<{ key: Column; desc: boolean }>({ key: 'ownBytes', desc: true });
  const [all, setAll] = useState(false);
  const sorted = useMemo(() => {
    const out = [...props.rows].sort((a, b) => compare(a, b, sort.key) || compareNatural(a.repository, b.repository));
    return sort.desc ? out.reverse() : out;
  }, [props.rows, sort]);
  const shown = all ? sorted : sorted.slice(0, ROW_CAP);
  return (
    <div className="storage-table-wrap">
      <table className="data-table storage-table" aria-label="Storage by repository" data-testid="storage-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => {
              const active = sort.key === c.key;
              return (
                <th key={c.key} className={c.num ? 'num' : undefined} aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'} title={c.title}>
                  <button
                    type="button"
                    className="sort-button"
                    onClick={() => setSort({ key: c.key, desc: active ? !sort.desc : c.key !== 'repository' })}
                  >
                    {c.label}
                    <span className="sort-mark" aria-hidden="true">
                      {active ? (sort.desc ? '▼' : '▲') : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.repository} className={props.selected === r.repository ? 'selected' : undefined} data-repository={r.repository}>
              <td>
                <button type="button" className="link mono" onClick={() => props.onOpen(r.repository)} aria-current={props.selected === r.repository ? 'true' : undefined}>
                  {r.repository}
                </button>
                {r.stale && <span className="badge" title="Something changed since this repository was read; it is read again when opened">out of date</span>}
              </td>
              <td className="num">{r.tags.toLocaleString('en')}</td>
              <td className="num">{formatBytes(r.ownBytes)}</td>
              <td className="num">{formatBytes(r.sharedBytes)}</td>
              <td className="num">{r.untagged ? r.untagged.toLocaleString('en') : ''}</td>
              <td>{r.lastPush ? <When iso={r.lastPush} /> : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length < sorted.length && (
        <div className="list-footer">
          <button type="button" className="small" onClick={() => setAll(true)}>
            Show all {sorted.length.toLocaleString('en')} repositories
          </button>
        </div>
      )}
    </div>
  );
}
