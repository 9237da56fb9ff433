/** Docker Hub only: list a namespace's repositories through Hub's API, open or pin them. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { RegistryInfo } from '../../shared/types';
import { routeHref } from '../app/route';
import { Busy, ErrorState } from '../app/StateViews';
import { namespaceQuery, usePinRepository } from '../registries/queries';

function Results(props: { info: RegistryInfo; namespace: string }) {
  const { info, namespace } = props;
  const page = useInfiniteQuery(namespaceQuery(info.id, namespace));
  const pin = usePinRepository(info.id);
  if (page.isPending) return <Busy>Listing {namespace}…</Busy>;
  if (page.isError) return <ErrorState compact title={`Could not list ${namespace}`} error={page.error} onRetry={() => page.refetch()} />;
  if (page.data.length === 0) return <p className="muted">{namespace} has no public repositories.</p>;
  return (
    <>
      <ul className="pinned-list" aria-label={`Repositories of ${namespace}`} data-testid="namespace-results">
        {page.data.map((repo) => {
          const pinned = info.pinnedRepositories.includes(repo);
          return (
            <li key={repo} className="pinned-row">
              <a className="mono" href={routeHref({ screen: 'repository', registryId: info.id, repository: repo })}>
                {repo}
              </a>
              <button
                type="button"
                className="small"
                aria-label={`Pin ${repo}`}
                disabled={pinned || (pin.isPending && pin.variables === repo)}
                onClick={() => pin.mutate(repo)}
              >
                {pinned ? 'Pinned' : 'Pin'}
              </button>
            </li>
          );
        })}
      </ul>
      {pin.isError && <ErrorState compact title="Could not pin" error={pin.error} />}
      {page.hasNextPage && (
        <div className="list-footer">
          <button type="button" className="small" onClick={() => page.fetchNextPage()} disabled={page.isFetchingNextPage}>
            {page.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}

/** "Browse a namespace": a name (e.g. `library` or an organisation), then its repositories. */
export function NamespaceBrowser(props: { info: RegistryInfo }) {
  const [text, setText] = useState('');
  const [namespace, setNamespace] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ns = text.trim().replace(/\/+$/, '');
    if (ns) setNamespace(ns);
  };
  return (
    <div className="namespace-browser" data-testid="namespace-browser">
      <h3 className="section-title">Browse a namespace</h3>
      <form className="open-by-name" onSubmit={submit}>
        <label className="field inline">
          <span>Namespace</span>
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="library" spellCheck={false} autoCapitalize="off" />
        </label>
        <button type="submit" disabled={!text.trim()}>
          Browse
        </button>
      </form>
      {namespace && <Results info={props.info} namespace={namespace} />}
    </div>
  );
}
