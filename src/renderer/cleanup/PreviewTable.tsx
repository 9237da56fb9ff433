/** "Cleanup preview": every tag with what the rules decided for it and why. */
import { useState } from 'react';
import type { CleanupDecision, CleanupPlan } from '../../shared/cleanup-types';
import { formatBytes, sharedDays, shortDigest } from '../app/format';
import { When } from '../app/When';

const LABEL: Record<CleanupDecision, string> = { delete: 'Delete', keep: 'Keep', protected: 'Protected' };
/** The pill tone (app/layout.css) of each decision. */
const DECISION_TONE: Record<CleanupDecision, string> = { delete: 'bad', keep: 'ok', protected: 'warn' };
/** Rows rendered at once; a repository of thousands of tags is shown on request. */
const ROW_CAP = 500;

/** A small decision badge, colored like the action. */
export function DecisionBadge(props: { decision: CleanupDecision }) {
  return <span className={`pill ${DECISION_TONE[props.decision]}`}>{LABEL[props.decision]}</span>;
}

type Filter = 'all' | CleanupDecision;

/** The table plus a filter by decision; `stale` dims it while a newer plan loads. */
export function PreviewTable(props: { plan: CleanupPlan; stale: boolean }) {
  const { plan } = props;
  const [filter, setFilter] = useState<Filter>('all');
  const [all, setAll] = useState(false);
  const rows = filter === 'all' ? plan.tags : plan.tags.filter((r) => r.decision === filter);
  const shown = all ? rows : rows.slice(0, ROW_CAP);
  const days = sharedDays(plan.tags.map((r) => r.created));
  const counts: [Filter, string, number][] = [
    ['all', 'All', plan.tags.length],
    ['delete', 'Delete', plan.deleteCount],
    ['keep', 'Keep', plan.keptCount],
    ['protected', 'Protected', plan.protectedCount],
  ];
  return (
    <div className={props.stale ? 'cleanup-preview stale' : 'cleanup-preview'}>
      <div className="toolbar" role="group" aria-label="Show tags">
        {counts.map(([key, label, n]) => (
          <button key={key} type="button" className={filter === key ? 'small chip active' : 'small chip'} aria-pressed={filter === key} onClick={() => setFilter(key)}>
            {label} <span className="muted">{n}</span>
          </button>
        ))}
      </div>
      <table className="data-table cleanup-table" aria-label="Cleanup preview">
        <thead>
          <tr>
            <th>Tag</th>
            <th>Decision</th>
            <th>Reason</th>
            <th>Created</th>
            <th className="num">Size</th>
            <th>Digest</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.tag} className={`decision-row ${r.decision}`} data-decision={r.decision}>
              <td className="mono">{r.tag}</td>
              <td>
                <DecisionBadge decision={r.decision} />
              </td>
              <td className="reason">{r.reason}</td>
              <td>
                <When iso={r.created} shared={days} />
              </td>
              <td className="num">{formatBytes(r.size)}</td>
              <td className="mono muted" title={r.digest}>
                {shortDigest(r.digest)}
              </td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No tags here.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {shown.length < rows.length && (
        <div className="list-footer">
          <button type="button" className="small" onClick={() => setAll(true)}>
            Show all {rows.length.toLocaleString('en')} tags
          </button>
        </div>
      )}
    </div>
  );
}
