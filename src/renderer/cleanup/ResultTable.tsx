/** What a dry run would do (per digest) or what the delete did (per tag). */
import type { CleanupResult, CleanupDigestResult } from '../../shared/cleanup-types';
import type { WireError } from '../../shared/errors';
import { ErrorNote } from '../app/ErrorNote';
import { plural, shortDigest } from '../app/format';

interface Line {
  key: string;
  tags: string[];
  digest: string;
  state: 'ok' | 'failed' | 'skipped';
  error?: WireError;
}

function lines(result: CleanupResult): Line[] {
  const done = result.deleted.map((d: CleanupDigestResult): Line => ({ key: d.digest, tags: d.tags, digest: d.digest, state: d.ok ? 'ok' : 'failed', error: d.error }));
  const skipped = result.notAttempted.map((d): Line => ({ key: d.digest, tags: d.tags, digest: d.digest, state: 'skipped' }));
  return [...done, ...skipped];
}

function Outcome(props: { line: Line; dryRun: boolean }) {
  const { line } = props;
  if (line.state === 'ok') return <span className="pill bad">{props.dryRun ? 'Would delete' : 'Deleted'}</span>;
  if (line.state === 'skipped') return <span className="pill ok">Not attempted</span>;
  const verb = line.error?.code === 'TAGS_CHANGED' ? 'Refused' : 'Failed';
  if (!line.error) return <span className="inline-error">{verb}:</span>;
  return (
    <ErrorNote as="span" error={line.error} role={null}>
      {verb}: {line.error.message}
    </ErrorNote>
  );
}

/** Summary line plus the table; `Dry run result` lists digests, `Cleanup result` lists tags. */
export function ResultTable(props: { result: CleanupResult }) {
  const { result } = props;
  const all = lines(result);
  const ok = all.filter((l) => l.state === 'ok');
  const okTags = ok.reduce((n, l) => n + l.tags.length, 0);
  const name = result.dryRun ? 'Dry run result' : 'Cleanup result';
  return (
    <section className="cleanup-result" aria-label={name} data-testid={result.dryRun ? 'dry-run-result' : 'cleanup-result'}>
      <h2 className="section-title">{name}</h2>
      <p className={result.stopped ? 'warning' : 'muted'} role="status">
        {result.dryRun
          ? `Dry run: ${plural(ok.length, 'digest')} (${plural(okTags, 'tag')}) would be deleted as the registry stands now. Nothing was changed.`
          : `Deleted ${plural(okTags, 'tag')} (${plural(ok.length, 'digest')}).`}
        {all.length > ok.length && ` ${plural(all.length - ok.length, 'digest')} not ${result.dryRun ? 'deletable' : 'deleted'}.`}
        {result.stopped && ` Stopped: ${result.stopped.message}`}
      </p>
      {result.dryRun ? (
        <table className="data-table cleanup-table" aria-label={name}>
          <thead>
            <tr>
              <th>Digest</th>
              <th>Tags</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {all.map((l) => (
              <tr key={l.key}>
                <td className="mono" title={l.digest}>
                  {shortDigest(l.digest)}
                </td>
                <td className="mono">{l.tags.join(', ') || '—'}</td>
                <td>
                  <Outcome line={l} dryRun />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <table className="data-table cleanup-table" aria-label={name}>
          <thead>
            <tr>
              <th>Tag</th>
              <th>Digest</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {all.flatMap((l) =>
              (l.tags.length ? l.tags : ['—']).map((tag) => (
                <tr key={`${l.key}/${tag}`}>
                  <td className="mono">{tag}</td>
                  <td className="mono muted" title={l.digest}>
                    {shortDigest(l.digest)}
                  </td>
                  <td>
                    <Outcome line={l} dryRun={false} />
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
