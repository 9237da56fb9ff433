/**
 * The pre-flight's "Compare with the tag this push replaces": the archive's image (B) against the
 * destination's current tag (A), before anything is pushed. No such tag yet: nothing is replaced.
 */
import type { ArchiveFilesSource, RegistryFilesSource } from '../../shared/contents-types';
import { Modal } from '../app/Modal';
import { ErrorState } from '../app/StateViews';
import { asBerthError } from '../app/unwrap';
import { DiffView } from './DiffView';

/** A wide dialog over the pre-flight sheet; closing it returns to the sheet. */
export function CompareDialog(props: { current: RegistryFilesSource; archive: ArchiveFilesSource; currentLabel: string; archiveLabel: string; onClose: () => void }) {
  const missing = (err: unknown) => {
    const e = asBerthError(err);
    if (e.code !== 'MANIFEST_UNKNOWN' && e.code !== 'NAME_UNKNOWN') return <ErrorState compact title="Could not compare" error={e} />;
    return (
      <p className="muted" data-testid="nothing-replaced">
        {props.currentLabel} does not exist yet: this push adds a new tag and replaces nothing.
      </p>
    );
  };
  return (
    <Modal title={`What this push changes in ${props.currentLabel}`} onClose={props.onClose} testId="compare-dialog">
      <div className="compare-dialog-body">
        <DiffView a={props.current} b={props.archive} labels={[props.currentLabel, props.archiveLabel]} missing={missing} />
      </div>
      <div className="form-actions">
        <button type="button" onClick={props.onClose} data-autofocus>
          Back to the push
        </button>
      </div>
    </Modal>
  );
}
