/** The rule inputs as typed, turned into CleanupRules (or the reason they are not usable yet). */
import { useEffect, useState } from 'react';
import type { CleanupRules } from '../../shared/cleanup-types';

/** What the form holds: text as typed, so a half-typed number is not lost. */
export interface RulesForm {
  keepNewest: string;
  olderThanDays: string;
  nameMatches: string;
  nameNotMatches: string;
  keepSemver: boolean;
}

/** An empty form: no rule set. */
export const EMPTY_FORM: RulesForm = { keepNewest: '', olderThanDays: '', nameMatches: '', nameNotMatches: '', keepSemver: false };

/** Rules to plan with, or null with the first thing to fix. Main validates again (patterns included). */
export function formToRules(form: RulesForm): { rules: CleanupRules | null; problem: string | null } {
  const rules: CleanupRules = {};
  const keep = form.keepNewest.trim();
  if (keep !== '') {
    const n = Number(keep);
    if (!Number.isSafeInteger(n) || n < 0) return { rules: null, problem: '“Keep newest” must be a whole number, 0 or more.' };
    if (n > 0) rules.keepNewest = n;
  }
  const days = form.olderThanDays.trim();
  if (days !== '') {
    const d = Number(days);
    if (!Number.isFinite(d) || d < 0) return { rules: null, problem: '“Older than” must be a number of days, 0 or more.' };
    rules.olderThanDays = d;
  }
  if (form.nameMatches.trim()) rules.nameMatches = form.nameMatches.trim();
  if (form.nameNotMatches.trim()) rules.nameNotMatches = form.nameNotMatches.trim();
  if (form.keepSemver) rules.keepSemver = true;
  if (Object.keys(rules).length === 0) {
    return { rules: null, problem: 'Set at least one rule to see which tags would go. To empty the repository on purpose, use the name pattern *.' };
  }
  return { rules, problem: null };
}

/** `value` once it has stopped changing for `ms` (the live preview re-plans on this). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}
