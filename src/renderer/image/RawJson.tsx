/** Raw JSON (manifest, config) in a collapsible, pretty-printed block. */
import { useMemo } from 'react';
import { prettyJson } from './history';

/** Collapsed by default; the text is formatted only once it is opened. */
export function RawJson(props: { title: string; raw: string; testId?: string }) {
  const pretty = useMemo(() => prettyJson(props.raw), [props.raw]);
  return (
    <details className="raw-json" data-testid={props.testId}>
      <summary>{props.title}</summary>
      <pre className="mono">{pretty}</pre>
    </details>
  );
}
