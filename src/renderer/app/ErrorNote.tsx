/** How a failed call reads inline, the same on every screen: its message, then its code. */
import type { ReactNode } from 'react';
import type { WireError } from '../../shared/errors';

/** An error's code as a small chip (what people search for or quote in a report). */
export function ErrorCode(props: { code: string; testId?: string }) {
  return (
    <code className="error-code" data-testid={props.testId}>
      {props.code}
    </code>
  );
}

/**
 * An inline error: the message (or `children` in its place), then the code. It is an alert unless
 * `role` is null (an error inside a result list, or a note that is not news).
 */
export function ErrorNote(props: {
  error: Pick<WireError, 'code' | 'message'>;
  as?: 'div' | 'span' | 'p';
  role?: 'alert' | null;
  className?: string;
  testId?: string;
  children?: ReactNode;
}) {
  const Tag = props.as ?? 'div';
  return (
    <Tag className={props.className ?? 'inline-error'} role={props.role === null ? undefined : 'alert'} data-testid={props.testId}>
      <span>{props.children ?? props.error.message}</span> <ErrorCode code={props.error.code} />
    </Tag>
  );
}
