/** The pre-flight sheet's button that compares the archive's image with the tag the push would replace. */
import { useState } from 'react';
import { DEFAULT_TAG, splitRepoTag } from '../../shared/reference';
import { CompareDialog } from './CompareDialog';

/** Shown for one image going to `target` (`repo:tag`) in `registryId`. */
export function CompareTarget(props: { registryId: string; host: string; target: string; handle: string; image: number; fileName: string }) {
  const [open, setOpen] = useState(false);
  const { name, tag } = splitRepoTag(props.target);
  const reference = tag ?? DEFAULT_TAG;
  return (
    <>
      <button type="button" className="small" onClick={() => setOpen(true)} data-testid="compare-target">
        Compare with the tag this push replaces
      </button>
      {open && (
        <CompareDialog
          current={{ registryId: props.registryId, repository: name, reference }}
          archive={{ fileHandle: props.handle, image: props.image }}
          currentLabel={`${props.host}/${name}:${reference}`}
          archiveLabel={`${props.fileName}, image ${props.image}`}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
