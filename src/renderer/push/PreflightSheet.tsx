/**
 * The pre-flight sheet of one archive: what is inside, where it goes, how layers are compressed,
 * then Push. An archive the engine cannot read shows its error (code + message) instead.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { WireError } from '../../shared/errors';
import type { ArchiveInfo, Compression, FileInfo, RegistryInfo } from '../../shared/types';
import { ErrorNote } from '../app/ErrorNote';
import { formatBytes, plural } from '../app/format';
import { focusFirstField, Modal } from '../app/Modal';
import { ErrorState } from '../app/StateViews';
import { CompareTarget } from '../diff/CompareTarget';
import { asBerthError } from '../app/unwrap';
import { registriesQuery, registryKeys } from '../registries/queries';
import { ArchiveImages } from './ArchiveImages';
import { proposeRegistry, recentRegistries, rememberRegistry } from './default-registry';
import {
  buildPushRequest,
  COMPRESSION_HINTS,
  defaultDestination,
  defaultForm,
  formProblem,
  plannedTargets,
  type ImageChoice,
  type PreflightForm,
} from './preflight';
import { archiveQuery, useStartPush } from './queries';

const FORMATS: Record<ArchiveInfo['format'], string> = {
  'docker-legacy': 'docker save (legacy layout)',
  'docker-oci': 'docker save (OCI layout)',
  oci: 'OCI image archive',
};

interface SheetProps {
  file: FileInfo;
  registryId?: string;
  repository?: string;
  /** How many more archives wait behind this one. */
  queued: number;
  /** Choices made already (a failed push's "Change destination…"): they win over the defaults. */
  preset?: Partial<PreflightForm>;
  /**
   * `pushed`: the handle now belongs to the push; otherwise the caller releases it. `archiveError`:
   * the archive could not be read — the caller keeps the error on the file's row in the panel.
   */
  onClose: (pushed: boolean, archiveError?: WireError) => void;
}

/** The dialog named "Push <file name>". */
export function PreflightSheet(props: SheetProps) {
  const archive = useQuery(archiveQuery(props.file.handle));
  const registries = useQuery(registriesQuery());
  const archiveError = archive.isError ? asBerthError(archive.error) : undefined;
  const close = () => props.onClose(false, archiveError);
  return (
    <Modal title={`Push ${props.file.name}`} onClose={close} testId="preflight-sheet" wide>
      <p className="preflight-file muted">
        {[
          Number.isFinite(props.file.size) && formatBytes(props.file.size),
          archive.data && `${FORMATS[archive.data.format]}${archive.data.compressed ? ', compressed' : ''}`,
          archive.data && plural(archive.data.images.length, 'image'),
          props.queued > 0 && `${plural(props.queued, 'more archive')} after this one`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {(archive.isPending || registries.isPending) && !archive.isError && (
        <p className="busy" role="status">
          <span className="spinner" aria-hidden="true" /> Reading the archive…
        </p>
      )}
      {archive.isError && (
        <>
          <ErrorState compact title={`${props.file.name} cannot be pushed`} error={archive.error} />
          <div className="form-actions">
            <button type="button" onClick={close} data-autofocus>
              Close
            </button>
          </div>
        </>
      )}
      {registries.isError && <ErrorState compact title="Could not list the registries" error={registries.error} onRetry={() => registries.refetch()} />}
      {archive.data && registries.data && (
        <PreflightBody {...props} archive={archive.data} registries={registries.data} onCancel={close} />
      )}
    </Modal>
  );
}

function PreflightBody(props: SheetProps & { archive: ArchiveInfo; registries: RegistryInfo[]; onCancel: () => void }) {
  const { archive, registries } = props;
  const images = archive.images;
  const qc = useQueryClient();
  const [form, setForm] = useState<PreflightForm>(() => {
    const registryId = proposeRegistry(registries, {
      inView: props.registryId,
      recent: recentRegistries(),
      reachable: (id) => qc.getQueryData<{ reachable: boolean }>(registryKeys.check(id))?.reachable,
    });
    return { ...defaultForm(images, registryId, props.repository), ...props.preset };
  });
  const formRef = useRef<HTMLFormElement>(null);
  // The sheet opens before the archive is read: its first field takes the focus once it exists.
  useEffect(() => {
    if (formRef.current) focusFirstField(formRef.current);
  }, []);
  const start = useStartPush();
  const ids = { dest: useId(), hint: useId() };
  const set = (patch: Partial<PreflightForm>) => setForm((f) => ({ ...f, ...patch }));

  const chosenImage = form.choice === 'all' ? undefined : images.find((i) => i.index === form.choice);
  const choose = (choice: ImageChoice) => {
    const img = choice === 'all' ? undefined : images.find((i) => i.index === choice);
    set({ choice, allTags: choice === 'all' || (img?.tags.length ?? 0) > 1, destination: defaultDestination(img, props.repository) });
  };
  const host = registries.find((r) => r.id === form.registryId)?.host ?? '';
  const targets = plannedTargets(images, form);
  const problem = formProblem(images, form);
  const error = start.error ? asBerthError(start.error) : null;
  const destinationLocked = form.choice === 'all' || form.allTags;

  const push = () => {
    if (problem) return;
    start.mutate(
      { request: buildPushRequest(archive.handle, form), fileName: props.file.name, destinations: targets },
      {
        onSuccess: () => {
          rememberRegistry(form.registryId);
          props.onClose(true);
        },
      },
    );
  };

  return (
    <form
      ref={formRef}
      className="form preflight"
      onSubmit={(e) => {
        e.preventDefault();
        push();
      }}
    >
      <ArchiveImages images={images} choice={form.choice} onChoose={images.length > 1 ? choose : undefined} name={archive.handle} />
      <fieldset className="preflight-dest">
        <legend>Push to</legend>
        {registries.length === 0 ? (
          <p className="warning" role="note">
            No registry is open. Close this sheet, add a registry, then drop the archive again.
          </p>
        ) : (
          <div className="field-row">
            <label className="field registry-field">
              <span>Registry</span>
              <select value={form.registryId} onChange={(e) => set({ registryId: e.target.value })}>
                {registries.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.host}
                  </option>
                ))}
              </select>
            </label>
            <label className="field" htmlFor={ids.dest}>
              <span>Destination</span>
              <input
                id={ids.dest}
                className="mono"
                value={destinationLocked ? targets.join(', ') : form.destination}
                disabled={destinationLocked}
                placeholder="repository:tag"
                spellCheck={false}
                autoCapitalize="off"
                onChange={(e) => set({ destination: e.target.value })}
              />
            </label>
          </div>
        )}
        {form.choice !== 'all' && (
          <label className="check">
            <input
              type="checkbox"
              checked={form.allTags}
              disabled={!chosenImage?.tags.length}
              onChange={(e) => set({ allTags: e.target.checked })}
            />
            <span>Push all original tags</span>
          </label>
        )}
        {host && targets.length > 0 && (
          <p className="hint preflight-targets" data-testid="preflight-targets">
            Will push{' '}
            {targets.map((t) => (
              <code key={t} className="mono">
                {host}/{t}
              </code>
            ))}
          </p>
        )}
        {host && form.choice !== 'all' && targets.length > 0 && (
          <CompareTarget registryId={form.registryId} host={host} target={targets[0]} handle={archive.handle} image={form.choice} fileName={props.file.name} />
        )}
      </fieldset>
      <label className="field compression-field">
        <span>Compression</span>
        <select
          aria-describedby={ids.hint}
          value={form.compression}
          onChange={(e) => set({ compression: e.target.value as Compression })}
        >
          <option value="gzip">gzip (default)</option>
          <option value="none">none</option>
          <option value="zstd">zstd</option>
        </select>
      </label>
      <p className="hint" id={ids.hint}>
        {COMPRESSION_HINTS[form.compression]}
      </p>
      {error && <ErrorNote error={error} testId="preflight-error" />}
      <div className="form-actions">
        {problem && <span className="muted small-text form-problem">{problem}</span>}
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={!!problem || start.isPending}>
          {start.isPending && <span className="spinner" aria-hidden="true" />}
          Push
        </button>
      </div>
    </form>
  );
}
