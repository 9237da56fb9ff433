/**
 * "Reclaim space": deletes free disk space only after the registry's garbage collection, which
 * runs on the registry's host (distribution has no HTTP endpoint); where a registry offers
 * `POST /v2/_gc` the doctor found it and a button runs it.
 */
import { useQuery } from '@tanstack/react-query';
import { registryCheckQuery } from '../registries/queries';
import { ErrorNote } from '../app/ErrorNote';
import { asBerthError } from '../app/unwrap';
import { GC_DEBIAN, GC_DOCKER, GC_DOCKER_UNTAGGED } from './fixes';
import { useRunGarbageCollect } from './queries';
import { Snippet } from './Snippet';
import './doctor.css';

/** `afterDelete` words it for the moment right after a cleanup. */
export function ReclaimSpace(props: { registryId: string; afterDelete?: boolean }) {
  const check = useQuery(registryCheckQuery(props.registryId));
  const gc = useRunGarbageCollect(props.registryId);
  const gcError = gc.error ? asBerthError(gc.error) : null;
  return (
    <details className="reclaim" open={props.afterDelete || undefined}>
      <summary>
        <h3 className="section-title">Reclaim space</h3>
        {!props.afterDelete && <span className="muted small-text">how to get the disk space of deleted images back</span>}
      </summary>
      <p>
        {props.afterDelete ? 'The tags are gone, but the disk space is not back yet: ' : 'Deleting tags frees no disk space by itself: '}
        the registry removes unreferenced blobs only when its garbage collection runs on the registry’s host. Run it while nothing pushes
        (put the registry in read-only mode or stop it), otherwise a push in progress can lose layers.
      </p>
      {check.data?.httpGarbageCollect && (
        <div className="reclaim-http">
          <button type="button" className="primary" disabled={gc.isPending} onClick={() => gc.mutate()}>
            {gc.isPending && <span className="spinner" aria-hidden="true" />}
            Run garbage collection
          </button>
          {gc.data && (
            <span className="ok-text" role="status">
              {gc.data.message}
            </span>
          )}
          {gcError && <ErrorNote as="span" error={gcError} />}
        </div>
      )}
      <Snippet label="registry:2 container" code={GC_DOCKER} />
      <p className="muted small-text">
        <code>--delete-untagged</code> also removes manifests no tag points at, such as the platform images of a deleted multi-platform
        index. Leave it out if anyone pulls images by digest only. Add <code>--dry-run</code> to see what would be removed first.
      </p>
      <Snippet label="registry:2 container, untagged manifests too" code={GC_DOCKER_UNTAGGED} />
      <Snippet label="Debian docker-registry package" code={GC_DEBIAN} />
    </details>
  );
}
