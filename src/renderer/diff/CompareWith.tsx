/**
 * "Compare with…" in the image view: pick another tag or digest — of this repository, another
 * one, or another saved registry — and open the diff screen with this image as A.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Modal } from '../app/Modal';
import { navigate } from '../app/route';
import { registriesQuery } from '../registries/queries';
import { tagsQuery } from '../tags/queries';

/** The button and its dialog; `reference` is this image's tag or digest. */
export function CompareWith(props: { registryId: string; repository: string; reference: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="small" onClick={() => setOpen(true)}>
        Compare with…
      </button>
      {open && <CompareWithDialog {...props} onClose={() => setOpen(false)} />}
    </>
  );
}

function CompareWithDialog(props: { registryId: string; repository: string; reference: string; onClose: () => void }) {
  const registries = useQuery(registriesQuery());
  const [registryId, setRegistryId] = useState(props.registryId);
  const [repository, setRepository] = useState(props.repository);
  const [reference, setReference] = useState('');
  const tags = useInfiniteQuery({ ...tagsQuery(registryId, repository.trim()), enabled: repository.trim() !== '' });
  const ids = { list: useId(), repo: useId(), ref: useId() };
  const ready = repository.trim() !== '' && reference.trim() !== '';
  const submit = () => {
    if (!ready) return;
    navigate({
      screen: 'diff',
      a: { registryId: props.registryId, repository: props.repository, reference: props.reference },
      b: { registryId, repository: repository.trim(), reference: reference.trim() },
    });
  };
  return (
    <Modal title={`Compare ${props.repository}:${props.reference} with…`} onClose={props.onClose} testId="compare-with">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className="field">
          <span>Registry</span>
          <select value={registryId} onChange={(e) => setRegistryId(e.target.value)}>
            {(registries.data ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.host}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={ids.repo}>
          <span>Repository</span>
          <input id={ids.repo} className="mono" value={repository} spellCheck={false} autoCapitalize="off" onChange={(e) => setRepository(e.target.value)} />
        </label>
        <label className="field" htmlFor={ids.ref}>
          <span>Tag or digest</span>
          <input id={ids.ref} className="mono" list={ids.list} value={reference} placeholder="1.2 or sha256:…" spellCheck={false} autoCapitalize="off" data-autofocus onChange={(e) => setReference(e.target.value)} />
          <datalist id={ids.list}>
            {(tags.data ?? []).slice(0, 500).map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </label>
        <div className="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!ready}>
            Compare
          </button>
        </div>
      </form>
    </Modal>
  );
}
