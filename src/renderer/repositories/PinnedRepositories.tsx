/**
 * For registries without a catalog: the repositories the user pinned, "Add repository" (main checks
 * the name with tags/list and says why when it cannot), unpin, and on Docker Hub a namespace browser.
 */
import { useState, type FormEvent } from 'react';
import type { RegistryInfo } from '../../shared/types';
import { ErrorNote } from '../app/ErrorNote';
import { routeHref } from '../app/route';
import { asBerthError } from '../app/unwrap';
import { usePinRepository, useUnpinRepository } from '../registries/queries';
import { NamespaceBrowser } from './NamespaceBrowser';

/** "Add repository": a name, pinned once main found its tags. */
function AddRepository(props: { registryId: string }) {
  const pin = usePinRepository(props.registryId);
  const [name, setName] = useState('');
  const error = pin.error ? asBerthError(pin.error) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const repository = name.trim().replace(/^\/+|\/+$/g, '');
    if (repository) pin.mutate(repository, { onSuccess: () => setName('') });
  };
  return (
    <form className="add-repository" onSubmit={submit}>
      <div className="open-by-name">
        <label className="field inline">
          <span>Repository</span>
          <input
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (pin.error) pin.reset();
            }}
            placeholder="library/alpine"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
        <button type="submit" disabled={!name.trim() || pin.isPending}>
          {pin.isPending && <span className="spinner" aria-hidden="true" />}
          Add repository
        </button>
      </div>
      {error && <ErrorNote as="p" error={error} testId="pin-error" />}
    </form>
  );
}

/** The pinned list with unpin buttons. */
function PinnedList(props: { info: RegistryInfo }) {
  const { info } = props;
  const unpin = useUnpinRepository(info.id);
  if (info.pinnedRepositories.length === 0) {
    return <p className="muted pinned-empty">No repositories yet: add the ones you use and they stay here.</p>;
  }
  return (
    <ul className="pinned-list" aria-label="Pinned repositories" data-testid="pinned-repositories">
      {info.pinnedRepositories.map((repo) => (
        <li key={repo} className="pinned-row">
          <a className="mono" href={routeHref({ screen: 'repository', registryId: info.id, repository: repo })}>
            {repo}
          </a>
          <button
            type="button"
            className="small danger-quiet"
            aria-label={`Unpin ${repo}`}
            disabled={unpin.isPending && unpin.variables === repo}
            onClick={() => unpin.mutate(repo)}
          >
            Unpin
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The repositories section of a registry that does not list its repositories. */
export function PinnedRepositories(props: { info: RegistryInfo }) {
  const { info } = props;
  return (
    <section className="repositories pinned" aria-labelledby="repos-heading" data-testid="no-catalog">
      <h2 id="repos-heading" className="section-title">
        Repositories
      </h2>
      <p className="muted no-catalog-note">
        {info.name} does not list its repositories (Docker Hub and GHCR don’t, and some registries turn the catalog
        off). Add the repositories you use; Berth keeps them here.
      </p>
      <AddRepository registryId={info.id} />
      <PinnedList info={info} />
      {info.dockerHub && <NamespaceBrowser info={info} />}
    </section>
  );
}
