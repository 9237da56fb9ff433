/** "Clean up…" on a repository's tags screen: opens the cleanup view of that repository. */
import { routeHref } from '../app/route';
import './cleanup.css';

/** A link styled as a button, so back returns to the tags. */
export function CleanupButton(props: { registryId: string; repository: string }) {
  return (
    <a className="button-link" role="button" href={routeHref({ screen: 'cleanup', registryId: props.registryId, repository: props.repository })}>
      Clean up…
    </a>
  );
}
