/**
 * Search across the registry (issue 11): one box over the registry index — repository names,
 * tags (glob), digests (prefix), labels, platform, created and size ranges, images built on an
 * image (`base:`). A combobox with a listbox of results (ARIA 1.2 pattern): arrows move, Enter
 * opens the image view, Escape closes. The syntax help sits under the box.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { IndexSearchHit } from '../../shared/index-types';
import { DigestChip } from '../app/DigestChip';
import { DigestHuesContext, useDigestHues } from '../app/digest-hues';
import { formatBytes, plural, shortDigest } from '../app/format';
import { Modal } from '../app/Modal';
import { navigate } from '../app/route';
import { asBerthError } from '../app/unwrap';
import { When } from '../app/When';
import { registriesQuery } from '../registries/queries';
import { indexAge } from '../storage/age';
import { searchQuery, useIndexControls } from '../storage/queries';
import './search.css';

const TYPING_PAUSE_MS = 150;

const HELP: [string, string][] = [
  ['web', 'repository name contains'],
  ['tag:v1.*', 'tag glob'],
  ['digest:ab12', 'digest prefix'],
  ['label:team=web', 'label'],
  ['platform:linux/arm64', 'platform'],
  ['created:>2024-06', 'created'],
  ['size:>100MB', 'size'],
  ['base:repo:tag', 'built on that image'],
  ['is:untagged', 'untagged manifests'],
  ['-word', 'not'],
];

function hitName(h: IndexSearchHit): string {
  return h.tag === null ? `${h.repository}@${shortDigest(h.digest)}` : `${h.repository}:${h.tag}`;
}

/** The dialog; `initialQuery` is typed in when it opens. */
export function SearchDialog(props: { registryId?: string; initialQuery: string; onClose: () => void }) {
  const registries = useQuery(registriesQuery());
  const [registryId, setRegistryId] = useState(props.registryId);
  const id = registryId ?? registries.data?.[0]?.id;
  const [text, setText] = useState(props.initialQuery);
  const [query, setQuery] = useState(props.initialQuery.trim());
  const [active, setActive] = useState(0);
  const listId = useId();
  const helpId = useId();
  const input = useRef<HTMLInputElement>(null);
  const { start } = useIndexControls(id ?? '');

  useEffect(() => {
    const t = setTimeout(() => setQuery(text.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(t);
  }, [text]);
  useEffect(() => setActive(0), [query, id]);
  useEffect(() => input.current?.focus(), []);

  const results = useQuery({ ...searchQuery(id ?? '', query), enabled: !!id && query !== '', placeholderData: keepPreviousData });
  const hits = useMemo(() => (query && results.data ? results.data.hits : []), [query, results.data]);
  const error = query && results.error ? asBerthError(results.error) : null;
  const hues = useDigestHues(useMemo(() => hits.map((h) => h.digest), [hits]));

  const openHit = (h: IndexSearchHit | undefined) => {
    if (!h || !id) return;
    props.onClose();
    navigate({ screen: 'image', registryId: id, repository: h.repository, reference: h.tag ?? h.digest });
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!hits.length) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (a + step + hits.length) % hits.length);
    } else if (e.key === 'Home' && e.ctrlKey) setActive(0);
    else if (e.key === 'End' && e.ctrlKey) setActive(Math.max(0, hits.length - 1));
    else if (e.key === 'Enter') {
      e.preventDefault();
      openHit(hits[active]);
    }
  };
  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, listId]);

  const r = query ? results.data : undefined;
  const notBuilt = r && (r.state === 'none' || r.state === 'interrupted' || r.state === 'failed');
  return (
    <Modal title="Search the registry" onClose={props.onClose} testId="search-dialog" wide>
      <div className="search-box">
        {registries.data && registries.data.length > 1 && (
          <label className="field inline">
            <span>Registry</span>
            <select value={id} onChange={(e) => setRegistryId(e.target.value)}>
              {registries.data.map((reg) => (
                <option key={reg.id} value={reg.id}>
                  {reg.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <input
          ref={input}
          type="search"
          role="combobox"
          aria-label="Search repositories, tags, digests, labels"
          aria-expanded={hits.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-describedby={helpId}
          aria-activedescendant={hits.length ? `${listId}-${active}` : undefined}
          placeholder="e.g. web tag:v1.* platform:linux/arm64"
          spellCheck={false}
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKey}
        />
        <p id={helpId} className="search-help">
          {HELP.map(([example, what]) => (
            <span key={example}>
              <code>{example}</code> {what}
            </span>
          ))}
        </p>
      </div>
      <div className="search-status" role="status">
        {error ? (
          <span className="inline-error">{error.message}</span>
        ) : r ? (
          <>
            {r.total ? `${plural(r.total, 'match', 'matches')}${r.truncated ? `, first ${r.hits.length} shown` : ''}` : 'Nothing matches'} · {r.tookMs.toFixed(1)} ms · index as of {indexAge(r.asOf)}
          </>
        ) : query ? (
          'Searching…'
        ) : (
          'Type to search every repository of the registry.'
        )}
      </div>
      {notBuilt && (
        <p className="hint-box small-text">
          The registry is not fully indexed: only repositories read so far are searched.{' '}
          <button type="button" className="link" onClick={() => start.mutate(false)} disabled={start.isPending}>
            Build the index
          </button>
        </p>
      )}
      <DigestHuesContext.Provider value={hues}>
        <ul id={listId} role="listbox" aria-label="Search results" className="search-results" data-testid="search-results">
          {hits.map((h, i) => (
            <li
              key={`${h.repository}\0${h.tag ?? h.digest}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'search-hit active' : 'search-hit'}
              onMouseMove={() => setActive(i)}
              onClick={() => openHit(h)}
            >
              <span className="hit-name mono">{hitName(h)}</span>
              <span className="hit-digest">
                <DigestChip digest={h.digest} />
              </span>
              <span className="hit-size">{formatBytes(h.size)}</span>
              <span className="hit-created">
                <When iso={h.created} />
              </span>
              <span className="hit-platforms">{h.platforms.join(', ') || (h.kind === 'index' ? 'index' : '')}</span>
            </li>
          ))}
        </ul>
      </DigestHuesContext.Provider>
    </Modal>
  );
}
