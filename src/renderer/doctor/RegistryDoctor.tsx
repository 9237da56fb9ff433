/** "Registry doctor": each thing the check found, ok / warn / fail, and the fix for what is not ok. */
import { useQuery } from '@tanstack/react-query';
import { registriesQuery, registryCheckQuery } from '../registries/queries';
import { ErrorState, SkeletonRows } from '../app/StateViews';
import { diagnose, type DoctorItem, type Verdict } from './fixes';
import { ReclaimSpace } from './ReclaimSpace';
import { Snippet } from './Snippet';
import './doctor.css';

const MARK: Record<Verdict, string> = { ok: 'OK', info: 'Info', warn: 'Warning', fail: 'Failing', unknown: 'Unknown' };
/** The pill tone (app/layout.css) of each verdict: info is neutral, never the warning colour. */
const TONE: Record<Verdict, string> = { ok: 'ok', info: 'muted', warn: 'warn', fail: 'bad', unknown: 'muted' };

/** The summary pill: failures, else warnings, else all good (info items are normal). */
function overall(items: DoctorItem[]): { tone: string; text: string } {
  const failing = items.filter((i) => i.verdict === 'fail').length;
  const warnings = items.filter((i) => i.verdict === 'warn').length;
  if (failing) return { tone: 'bad', text: `${failing} failing` };
  if (warnings) return { tone: 'warn', text: warnings === 1 ? '1 warning' : `${warnings} warnings` };
  return { tone: 'ok', text: 'All good' };
}

function Item(props: { item: DoctorItem }) {
  const { item } = props;
  return (
    <li className={`doctor-item ${item.verdict}`} data-testid={`doctor-${item.key}`} data-verdict={item.verdict}>
      <span className={`pill verdict ${TONE[item.verdict]}`}>{MARK[item.verdict]}</span>
      <span className="doctor-label">{item.label}</span>
      <div className="doctor-detail">
        <span className="doctor-value">{item.value}</span>
        {item.fix && (
          <div className={item.verdict === 'fail' ? 'doctor-fix' : 'doctor-fix quiet'}>
            <p>{item.fix.text}</p>
            {item.fix.snippets?.map((s) => <Snippet key={s.label} label={s.label} code={s.code} />)}
          </div>
        )}
      </div>
    </li>
  );
}

/** The doctor panel of a registry's page, followed by "Reclaim space". */
export function RegistryDoctor(props: { registryId: string }) {
  const check = useQuery(registryCheckQuery(props.registryId));
  const registries = useQuery(registriesQuery());
  const info = registries.data?.find((r) => r.id === props.registryId);
  const items = check.data ? diagnose(check.data, info) : [];
  const failing = items.filter((i) => i.verdict === 'fail').length;
  return (
    <section className="doctor" aria-labelledby="doctor-title">
      <details open={failing > 0 || undefined} className="doctor-box">
        <summary>
          <h2 id="doctor-title" className="section-title">
            Registry doctor
          </h2>
          {check.data && (
            <span className={`pill verdict ${overall(items).tone}`} data-testid="doctor-summary">
              {overall(items).text}
            </span>
          )}
          {check.isFetching && <span className="muted small-text">checking…</span>}
        </summary>
        {check.isPending && <SkeletonRows rows={4} label="Checking the registry" />}
        {check.isError && <ErrorState compact title="The check did not run" error={check.error} onRetry={() => check.refetch()} />}
        {check.data && (
          <ul className="doctor-list" aria-label="Registry doctor">
            {items.map((i) => (
              <Item key={i.key} item={i} />
            ))}
          </ul>
        )}
        <ReclaimSpace registryId={props.registryId} />
      </details>
    </section>
  );
}
