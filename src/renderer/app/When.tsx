/** A date as every screen shows it: absolute in the cell, relative on hover or beside it. */
import { dayOf, formatDate, formatRelative } from './format';

/**
 * `<time>` with the absolute date (`formatDate`); `shared` (from `sharedDays`) adds the time when
 * neighbours fall on the same day, `time` always (a date shown on its own); `inline` shows the
 * relative form as secondary text instead of only on hover.
 */
export function When(props: { iso: string | null | undefined; shared?: ReadonlySet<string>; time?: boolean; inline?: boolean }) {
  const { iso } = props;
  if (!iso || formatDate(iso) === '—') return <span className="muted">—</span>;
  const day = dayOf(iso);
  const text = formatDate(iso, { withTime: props.time || (!!day && !!props.shared?.has(day)) });
  const relative = formatRelative(iso);
  return (
    <time dateTime={iso} title={`${relative} · ${iso}`} className="when">
      {text}
      {props.inline && <span className="muted when-relative"> · {relative}</span>}
    </time>
  );
}
