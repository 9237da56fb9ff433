/** A repository's screen: breadcrumb, heading and the tags table. */
import { Breadcrumb } from '../app/Breadcrumb';
import { CleanupButton } from '../cleanup/CleanupButton';
import { TagsTable } from './TagsTable';

/** Tags of `repository` in `registryId`. */
export function TagsPage(props: { registryId: string; repository: string }) {
  return (
    <div className="page">
      <header className="page-head">
        <Breadcrumb registryId={props.registryId} repository={props.repository} />
        <div className="title-row">
          <h1 className="mono">{props.repository}</h1>
          <span className="spacer" />
          <CleanupButton registryId={props.registryId} repository={props.repository} />
        </div>
      </header>
      <TagsTable registryId={props.registryId} repository={props.repository} />
    </div>
  );
}
