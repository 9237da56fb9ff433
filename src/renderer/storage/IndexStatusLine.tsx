/**
 * The index's status line: state, progress (repositories done / total, rate, ETA, a pause the
 * registry asked for), the index's age, and the buttons that build, resume, rebuild or cancel.
 */
import { useQuery } from '@tanstack/react-query';
import type { IndexStatus } from '../../shared/index-types';
import { plural } from '../app/format';
import { asBerthError } from '../app/unwrap';
import { indexAge } from './age';
import { indexStatusQuery, useIndexControls } from './queries';

function eta(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 90) return ` · about ${Math.max(1, seconds)} s left`;
  if (seconds < 5400) return ` · about ${Math.round(seconds / 60)} min left`;
  return ` · about ${(seconds / 3600).toFixed(1)} h left`;
}

/** What the index holds and how old it is, in one sentence. */
function held(s: IndexStatus): string {
  return `${plural(s.repositories, 'repository', 'repositories')}, ${plural(s.tags, 'tag')}`;
}

function describe(s: IndexStatus): string {
  const p = s.progress;
  switch (s.state) {
    case 'building': {
      if (!p || p.phase === 'catalog') return 'Indexing: listing the repositories…';
      const total = p.repositoriesTotal ?? 0;
      const pause = p.paused ? ` · paused until ${new Date(p.paused.until).toLocaleTimeString()} (${p.paused.reason === 'rate-limit' ? 'keeping the pull budget for you' : 'the registry asked to wait'})` : '';
      return `Indexing: ${p.repositoriesDone.toLocaleString('en')} of ${total.toLocaleString('en')} repositories · ${p.requestsPerSecond.toFixed(0)} requests/s${eta(p.etaSeconds)}${pause}`;
    }
    case 'ready':
      return `Index built ${indexAge(s.builtAt)} (${held(s)}${s.scope === 'pinned' ? ', the pinned repositories' : ''}).`;
    case 'interrupted':
      return `The index build stopped at ${p ? `${p.repositoriesDone.toLocaleString('en')} of ${(p.repositoriesTotal ?? 0).toLocaleString('en')}` : plural(s.repositories, 'repository', 'repositories')}; it resumes where it stopped.`;
    case 'failed':
      return `The index build stopped: ${s.error?.message ?? 'unknown error'}`;
    default:
      return s.repositories
        ? `Not indexed as a whole yet: only what you opened is known (${held(s)}).`
        : 'Not indexed yet. The index gives storage figures, exact reclaim figures and search across every repository.';
  }
}

/** The status line with its buttons; `compact` leaves out the failures list. */
export function IndexStatusLine(props: { registryId: string; compact?: boolean }) {
  const status = useQuery(indexStatusQuery(props.registryId));
  const { start, cancel } = useIndexControls(props.registryId);
  const s = status.data;
  if (!s) return status.isError ? <p className="inline-error">The index status could not be read: {asBerthError(status.error).message}</p> : null;
  const p = s.progress;
  const building = s.state === 'building';
  const busy = start.isPending || cancel.isPending;
  const failed = s.error && s.state !== 'building' ? s.error : null;
  return (
    <div className="index-status" data-testid="index-status" data-state={s.state}>
      <span className={failed ? 'index-status-text inline-error' : 'index-status-text'}>{describe(s)}</span>
      {building && p && p.phase === 'repositories' && (
        <progress max={p.repositoriesTotal ?? 1} value={p.repositoriesDone} aria-label="Repositories indexed" />
      )}
      {building ? (
        <button type="button" className="small" onClick={() => cancel.mutate()} disabled={busy}>
          Cancel indexing
        </button>
      ) : s.state === 'interrupted' || s.state === 'failed' ? (
        <>
          <button type="button" className="small primary" onClick={() => start.mutate(false)} disabled={busy}>
            Resume indexing
          </button>
          <button type="button" className="small" onClick={() => start.mutate(true)} disabled={busy}>
            Rebuild
          </button>
        </>
      ) : (
        <button type="button" className={s.state === 'none' ? 'small primary' : 'small'} onClick={() => start.mutate(s.state === 'ready')} disabled={busy}>
          {s.state === 'ready' ? 'Rebuild index' : 'Build the index'}
        </button>
      )}
      {s.state !== 'building' && s.asOf && s.state !== 'none' && <span className="muted">Figures as of {indexAge(s.asOf)}.</span>}
      {(start.error || cancel.error) && <span className="inline-error">{asBerthError(start.error ?? cancel.error).message}</span>}
      {!props.compact && s.failures.length > 0 && (
        <details className="index-failures">
          <summary>{plural(s.failures.length, 'repository', 'repositories')} could not be read</summary>
          <ul>
            {s.failures.map((f) => (
              <li key={f.repository}>
                <span className="mono">{f.repository}</span>: {f.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
