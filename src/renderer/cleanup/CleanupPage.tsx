/**
 * A repository's cleanup: rules → live preview (re-planned as the rules change) → dry run →
 * confirmation → delete with progress → per-tag results. Nothing is deleted before the dialog.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { CleanupPlan, CleanupProgress } from '../../shared/cleanup-types';
import { Breadcrumb } from '../app/Breadcrumb';
import { formatBytes, plural } from '../app/format';
import { routeHref } from '../app/route';
import { Busy, ErrorState } from '../app/StateViews';
import { ReclaimSpace } from '../doctor/ReclaimSpace';
import { ReclaimLine } from '../storage/ReclaimLine';
import { ConfirmDialog } from './ConfirmDialog';
import { cleanupSelection } from './reclaim';
import { PreviewTable } from './PreviewTable';
import { cleanupPlanQuery, useApplyCleanup, useCleanupProgress } from './queries';
import { ResultTable } from './ResultTable';
import { EMPTY_FORM, formToRules, useDebounced, type RulesForm as Form } from './rules-form';
import { RulesForm } from './RulesForm';
import './cleanup.css';

/** How long the rules must rest before the preview is planned again. */
const REPLAN_DELAY_MS = 350;

function Summary(props: { plan: CleanupPlan }) {
  const { plan } = props;
  return (
    <div className="cleanup-summary" data-testid="cleanup-summary">
      <span className="pill bad">{plan.deleteCount} Delete</span>
      <span className="pill ok">{plan.keptCount} Keep</span>
      <span className="pill warn">{plan.protectedCount} Protected</span>
      <span className="freed">
        Frees about <b>{formatBytes(plan.freedBytes)}</b> after garbage collection
      </span>
      {plan.referrers && plan.referrers.items.length > 0 && (
        <span className="muted" data-testid="cleanup-referrers">
          with {plural(plan.referrers.items.length, 'signature, attestation or SBOM', 'signatures, attestations and SBOMs')} of the deleted images
        </span>
      )}
    </div>
  );
}

function ProgressLine(props: { progress: CleanupProgress | null; verb: string }) {
  const p = props.progress;
  const detail = p && p.total > 0 ? ` ${p.done.toLocaleString('en')} of ${p.total.toLocaleString('en')}` : '';
  return (
    <div className="cleanup-progress" role="status" data-testid="cleanup-progress">
      <Busy>
        {props.verb}
        {detail}…
      </Busy>
      {p && p.total > 0 && <progress max={p.total} value={p.done} aria-label={props.verb} />}
    </div>
  );
}

/** The cleanup screen of `repository` in `registryId`. */
export function CleanupPage(props: { registryId: string; repository: string }) {
  const { registryId, repository } = props;
  const [form, setForm] = useState<Form>(EMPTY_FORM);
  const typed = useMemo(() => formToRules(form), [form]);
  const settledForm = useDebounced(form, REPLAN_DELAY_MS);
  const settled = useMemo(() => formToRules(settledForm), [settledForm]);
  const settling = settledForm !== form;
  const rules = settled.rules;

  const plan = useQuery({
    ...cleanupPlanQuery(registryId, repository, rules ?? {}),
    enabled: rules !== null,
    placeholderData: keepPreviousData,
  });
  const apply = useApplyCleanup(registryId, repository);
  const progress = useCleanupProgress(repository);
  const [confirming, setConfirming] = useState(false);
  const [resultRules, setResultRules] = useState<string | null>(null);

  const rulesKey = JSON.stringify(rules);
  const current = rules !== null && plan.data && !plan.isPlaceholderData ? plan.data : null;
  const ready = current !== null && !settling && !plan.isFetching && !apply.isPending;
  const result = apply.data && (!apply.data.dryRun || resultRules === rulesKey) ? apply.data : null;

  const run = (dryRun: boolean) => {
    if (!current) return;
    setConfirming(false);
    setResultRules(rulesKey);
    apply.mutate({ plan: current, dryRun });
  };

  return (
    <div className="page scroll-page cleanup-page">
      <header className="page-head">
        <Breadcrumb registryId={registryId} repository={repository} reference="" />
        <div className="title-row">
          <h1>
            Clean up <span className="mono">{repository}</span>
          </h1>
          <span className="spacer" />
          <a href={routeHref({ screen: 'repository', registryId, repository })}>Back to tags</a>
        </div>
        <p className="muted small-text">
          Choose which tags to delete. Every rule set combines: a tag goes when it passes every delete filter and no keep rule holds. Nothing
          is deleted until you confirm.
        </p>
      </header>

      <RulesForm value={form} onChange={setForm} />

      <section className="cleanup-actions" aria-label="Cleanup plan">
        {typed.problem && <p className="hint-box">{typed.problem}</p>}
        {rules !== null && plan.isFetching && !apply.isPending && <ProgressLine progress={progress} verb="Reading tags" />}
        {apply.isPending && <ProgressLine progress={progress} verb={apply.variables?.dryRun ? 'Checking digests' : 'Deleting digests'} />}
        {rules !== null && plan.isError && <ErrorState compact title="Could not plan the cleanup" error={plan.error} onRetry={() => plan.refetch()} />}
        {apply.isError && <ErrorState compact title="The cleanup did not run" error={apply.error} />}
        {plan.data && rules !== null && <Summary plan={plan.data} />}
        {current && current.deleteDigests.length > 0 && (
          <ReclaimLine registryId={registryId} selection={cleanupSelection(current)} lead="Deleting them" testId="cleanup-freed" />
        )}
        <div className="toolbar">
          <button type="button" disabled={!ready || current.deleteCount === 0} onClick={() => run(true)}>
            Dry run
          </button>
          <button type="button" className="danger" disabled={!ready || current.deleteCount === 0} onClick={() => setConfirming(true)}>
            Delete {plural(current?.deleteCount ?? 0, 'tag')}…
          </button>
          {current && current.untaggedChildren.length > 0 && (
            <span className="muted small-text">
              {plural(current.untaggedChildren.length, 'platform manifest')} of deleted indexes will be left untagged (reclaimed by garbage
              collection with --delete-untagged).
            </span>
          )}
        </div>
        <p className="muted small-text">
          Tags that share an image with a kept tag, and platform images of an index that stays, are protected: registries delete by digest,
          so deleting them would take the kept tags too.
        </p>
      </section>

      {result && <ResultTable result={result} />}
      {result && !result.dryRun && result.deleted.some((d) => d.ok) && <ReclaimSpace registryId={registryId} afterDelete />}

      {plan.data && rules !== null && <PreviewTable plan={plan.data} stale={!current || plan.isFetching} />}

      {confirming && current && <ConfirmDialog registryId={registryId} plan={current} onCancel={() => setConfirming(false)} onConfirm={() => run(false)} />}
    </div>
  );
}
