/**
 * One repository in the storage view: per tag, the bytes freed if only that tag's image were
 * deleted; checkboxes select any set of tags, and a live line says what deleting exactly those
 * frees, with a button opening the delete confirmation for them. Below, the untagged manifests
 * (only Berth's index lists them), each deletable by digest.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { ReclaimItem, StorageRow } from '../../shared/index-types';
import { compareNatural } from '../../shared/natural-order';
import { DigestChip } from '../app/DigestChip';
import { DigestHuesContext, useDigestHues } from '../app/digest-hues';
import { formatBytes, plural, shortDigest } from '../app/format';
import { routeHref } from '../app/route';
import { When } from '../app/When';
import { Busy, EmptyState, ErrorState } from '../app/StateViews';
import { DeleteDialog } from '../delete/DeleteDialog';
import { indexAge } from './age';
import { repositoryStorageQuery } from './queries';
import { ReclaimLine } from './ReclaimLine';
import { SelectionDeleteDialog } from './SelectionDeleteDialog';

/** The rows and selection of `repository`. */
export function RepositoryPanel(props: { registryId: string; repository: string }) {
  const { registryId, repository } = props;
  const detail = useQuery(repositoryStorageQuery(registryId, repository));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [deletingDigest, setDeletingDigest] = useState<string | null>(null);
  const d = detail.data;
  const tags = useMemo(() => [...(d?.tags ?? [])].sort((a, b) => compareNatural(a.tag!, b.tag!)), [d]);
  // Only tags still listed count: a selection outlives a refresh that removed one.
  const chosen = useMemo(() => tags.filter((t) => selected.has(t.tag!)), [tags, selected]);
  const selection = useMemo<ReclaimItem[]>(() => chosen.map((t) => ({ repository, tag: t.tag! })), [chosen, repository]);
  const toggle = (tag: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(tag)) next.delete(tag);
      else next.add(tag);
      return next;
    });
  const allChosen = tags.length > 0 && chosen.length === tags.length;
  const hues = useDigestHues(useMemo(() => tags.map((t) => t.digest), [tags]));

  return (
    <section className="repository-storage" aria-labelledby="repo-storage-title" data-testid="repository-storage">
      <div className="toolbar">
        <h2 id="repo-storage-title" className="section-title">
          <span className="mono">{repository}</span>
        </h2>
        <a href={routeHref({ screen: 'repository', registryId, repository })}>Open tags</a>
        {d && (
          <span className="muted small-text">
            {d.refreshedAt ? `read ${indexAge(d.refreshedAt)}` : 'not read yet'}
            {d.stale && ' · being read again'}
          </span>
        )}
        {detail.isFetching && <Busy>Updating…</Busy>}
      </div>
      {detail.isError && <ErrorState compact title="Could not read this repository’s figures" error={detail.error} onRetry={() => detail.refetch()} />}
      {d && d.error && <p className="warning small-text">Part of this repository could not be read: {d.error}</p>}
      {d && tags.length === 0 && d.untagged.length === 0 && (
        <EmptyState title={d.refreshedAt ? 'No tags and no untagged manifests' : 'Reading this repository into the index…'} />
      )}
      {tags.length > 0 && (
        <>
          <div className="selection-bar" data-testid="selection-bar">
            {chosen.length ? (
              <ReclaimLine registryId={registryId} selection={selection} lead={`Deleting ${chosen.length === 1 ? 'this tag' : `these ${chosen.length} tags`}`} testId="selection-freed" />
            ) : (
              <p className="muted reclaim-line">Select tags to see exactly what deleting them gives back.</p>
            )}
            <button type="button" className="danger small" disabled={!chosen.length} onClick={() => setConfirming(true)}>
              Delete {plural(chosen.length, 'tag')}…
            </button>
          </div>
          <table className="data-table storage-tags" aria-label={`Tags of ${repository}`}>
            <thead>
              <tr>
                <th>
                  <input
                    type="checkbox"
                    aria-label="Select every tag"
                    checked={allChosen}
                    onChange={() => setSelected(allChosen ? new Set() : new Set(tags.map((t) => t.tag!)))}
                  />
                </th>
                <th>Tag</th>
                <th>Digest</th>
                <th className="num">Size</th>
                <th>Created</th>
                <th className="num" title="Bytes garbage collection gives back if only this tag's image is deleted (with every tag on it)">
                  Freed if deleted alone
                </th>
              </tr>
            </thead>
            <DigestHuesContext.Provider value={hues}>
              <tbody>
                {tags.map((t) => (
                  <TagRow key={t.tag} row={t} checked={selected.has(t.tag!)} onToggle={() => toggle(t.tag!)} registryId={registryId} repository={repository} />
                ))}
              </tbody>
            </DigestHuesContext.Provider>
          </table>
        </>
      )}
      {d && d.untagged.length > 0 && (
        <>
          <h3 className="section-title">Untagged manifests</h3>
          <p className="muted small-text">Stored but reached by no tag (a tag moved or was deleted elsewhere). Registries cannot list them; Berth’s index remembers them.</p>
          <table className="data-table storage-untagged" aria-label={`Untagged manifests of ${repository}`}>
            <thead>
              <tr>
                <th>Digest</th>
                <th className="num">Size</th>
                <th>Created</th>
                <th className="num">Freed if deleted</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {d.untagged.map((u) => (
                <tr key={u.digest}>
                  <td className="mono small-text">{u.digest}</td>
                  <td className="num">{formatBytes(u.size)}</td>
                  <td>
                    <When iso={u.created} />
                  </td>
                  <td className="num">{formatBytes(u.freedBytes)}</td>
                  <td>
                    <button type="button" className="small danger-quiet" onClick={() => setDeletingDigest(u.digest)} aria-label={`Delete ${shortDigest(u.digest)} by digest`}>
                      Delete by digest…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {confirming && (
        <SelectionDeleteDialog
          registryId={registryId}
          repository={repository}
          selection={selection}
          onClose={() => setConfirming(false)}
          onDeleted={() => setSelected(new Set())}
        />
      )}
      {deletingDigest && <DeleteDialog registryId={registryId} repository={repository} reference={deletingDigest} onClose={() => setDeletingDigest(null)} />}
    </section>
  );
}

function TagRow(props: { row: StorageRow; checked: boolean; onToggle: () => void; registryId: string; repository: string }) {
  const t = props.row;
  return (
    <tr className={props.checked ? 'selected' : undefined} data-tag={t.tag}>
      <td>
        <input type="checkbox" checked={props.checked} onChange={props.onToggle} aria-label={`Select ${t.tag}`} />
      </td>
      <td className="mono">
        <a href={routeHref({ screen: 'image', registryId: props.registryId, repository: props.repository, reference: t.tag! })}>{t.tag}</a>
        {t.withTags.length > 0 && (
          <span className="badge" title={`Same image as ${t.withTags.join(', ')}: deleting one deletes them all`}>
            +{t.withTags.length} on same image
          </span>
        )}
      </td>
      <td>
        <DigestChip digest={t.digest} />
      </td>
      <td className="num">{formatBytes(t.size)}</td>
      <td>
        <When iso={t.created} />
      </td>
      <td className="num" data-testid="tag-freed">
        {formatBytes(t.freedBytes)}
      </td>
    </tr>
  );
}
