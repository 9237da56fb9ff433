/**
 * "Copy to…": destination registry (a saved one), repository and tag, platforms, referrers. Into
 * the same repository with every platform it only adds a tag ("Add tag"; no blob traffic).
 */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isValidDigest } from '../../shared/reference';
import { ErrorNote } from '../app/ErrorNote';
import { Modal } from '../app/Modal';
import { asBerthError } from '../app/unwrap';
import { registriesQuery } from '../registries/queries';
import { PlatformPicker, usePlatformPicker } from './PlatformPicker';
import { useStartCopy } from './queries';

/** Starts the copy and closes; progress shows in the transfers list of the bottom panel. */
export function CopyDialog(props: { registryId: string; repository: string; reference: string; onClose: () => void }) {
  const { registryId, repository, reference } = props;
  const registries = useQuery(registriesQuery());
  const [target, setTarget] = useState(registryId);
  const [repo, setRepo] = useState(repository);
  const [tag, setTag] = useState(isValidDigest(reference) ? '' : reference);
  const [withReferrers, setWithReferrers] = useState(true);
  const picker = usePlatformPicker(registryId, repository, reference);
  const copy = useStartCopy();
  const sameRepo = target === registryId && repo.trim() === repository;
  const retag = sameRepo && picker.choice?.kind === 'all';
  const sameTag = sameRepo && tag.trim() === reference;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!picker.choice || sameTag) return;
    copy.mutate(
      {
        registryId,
        repository,
        reference,
        target: { registryId: target, repository: repo.trim(), tag: tag.trim() },
        platforms: picker.choice,
        withReferrers: !retag && withReferrers,
      },
      { onSuccess: () => props.onClose() },
    );
  };
  return (
    <Modal title={`Copy ${repository}${isValidDigest(reference) ? '@' : ':'}${reference}`} onClose={props.onClose} testId="copy-dialog">
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>Destination registry</span>
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            {(registries.data ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.name && r.name !== r.host ? `${r.name} (${r.host})` : r.host}
              </option>
            ))}
          </select>
        </label>
        <div className="field-row">
          <label className="field">
            <span>Repository</span>
            <input className="mono" value={repo} onChange={(e) => setRepo(e.target.value)} required spellCheck={false} />
          </label>
          <label className="field">
            <span>Tag</span>
            <input className="mono" value={tag} onChange={(e) => setTag(e.target.value)} required spellCheck={false} />
          </label>
        </div>
        <PlatformPicker picker={picker} />
        <label className="check">
          <input type="checkbox" checked={!retag && withReferrers} disabled={retag} onChange={(e) => setWithReferrers(e.target.checked)} />
          Copy signatures, attestations and SBOMs too
        </label>
        <p className="hint" data-testid="copy-mode">
          {sameTag
            ? 'That is the tag itself: choose another tag name.'
            : retag
              ? 'Same repository: this only adds the tag (no layer is copied); its signatures already apply.'
              : 'Layers the destination already has are skipped; within one registry they are mounted, not copied.'}
        </p>
        {copy.error && <ErrorNote error={asBerthError(copy.error)} testId="copy-error" />}
        <div className="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={copy.isPending || !picker.choice || sameTag || !repo.trim() || !tag.trim()}>
            {retag ? 'Add tag' : 'Copy'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
