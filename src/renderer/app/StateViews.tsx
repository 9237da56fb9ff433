/** The loading, empty and error states every screen shows the same way. */
import type { ReactNode } from 'react';
import { ErrorCode } from './ErrorNote';
import { asBerthError } from './unwrap';

/** An error with its message, its code and a Retry button. */
export function ErrorState(props: { error: unknown; onRetry?: () => void; title?: string; compact?: boolean }) {
  const err = asBerthError(props.error);
  return (
    <div className={props.compact ? 'state state-error compact' : 'state state-error'} role="alert" data-testid="error-state">
      <div className="state-title">{props.title ?? 'Something went wrong'}</div>
      <div className="state-message">{err.message}</div>
      <div className="state-actions">
        <ErrorCode code={err.code} testId="error-code" />
        {props.onRetry && (
          <button type="button" onClick={props.onRetry}>
            Retry
          </button>
        )}
      </div>
    </div>
  );
}

/** A calm "nothing here" message with an optional action. */
export function EmptyState(props: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" data-testid="empty-state">
      <div className="state-title">{props.title}</div>
      {props.children && <div className="state-message">{props.children}</div>}
    </div>
  );
}

/** Placeholder rows while the first page loads; `aria-busy` tells assistive tech. */
export function SkeletonRows(props: { rows?: number; columns?: number; label?: string }) {
  const rows = props.rows ?? 8;
  const cols = props.columns ?? 1;
  return (
    // role=status: a named live region (a bare div may not carry aria-label), announced as it turns into content.
    <div className="skeleton" role="status" aria-busy="true" aria-label={props.label ?? 'Loading'} data-testid="skeleton">
      {Array.from({ length: rows }, (_, r) => (
        <div className="skeleton-row" key={r}>
          {Array.from({ length: cols }, (_, c) => (
            <span className="skeleton-bar" key={c} style={{ width: `${40 + ((r * 7 + c * 13) % 45)}%` }} />
          ))}
        </div>
      ))}
    </div>
  );
}

/** A small inline spinner with text, for background work (next page, refetch). */
export function Busy(props: { children: ReactNode }) {
  return (
    <span className="busy" role="status">
      <span className="spinner" aria-hidden="true" />
      {props.children}
    </span>
  );
}
