/**
 * Everything push in one component, mounted once in the app layout: the window-wide drop
 * target, the pre-flight sheets (one at a time, in drop order; or one for a failed push's new
 * destination) and the docked push panel.
 */
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import type { PushSummary } from '../../shared/types';
import { berth } from '../app/berth';
import { registriesQuery } from '../registries/queries';
import { rememberRegistry } from './default-registry';
import { useDockState } from './dock-state';
import { DropOverlay, useWindowFileDrop } from './DropOverlay';
import type { PreflightForm } from './preflight';
import { PreflightSheet } from './PreflightSheet';
import { PushDock } from './PushDock';
import { isFinished, shownPhase } from './push-state';
import { pushesQuery, useClearFinished, usePushEvents } from './queries';
import { useIntake } from './use-intake';
import './dock.css';
import './preflight.css';

/** The choices a push was started with, to open its sheet again with them. */
function presetOf(s: PushSummary): Partial<PreflightForm> {
  const r = s.request;
  const choice = r.image ?? (r.useOriginalTags ? 'all' : 0);
  return { registryId: r.registryId, choice, allTags: !!r.useOriginalTags && choice !== 'all', destination: r.target ?? '', compression: r.compression ?? 'gzip' };
}

/** `registryId` / `repository`: what the user is looking at, proposed as the destination. */
export function PushRoot(props: { registryId?: string; repository?: string }) {
  usePushEvents();
  const pushes = useQuery(pushesQuery());
  const registries = useQuery(registriesQuery());
  const intake = useIntake();
  const clearFinished = useClearFinished();
  const [retarget, setRetarget] = useState<PushSummary | null>(null);
  const list = pushes.data ?? [];
  // Busy until every file has gone through its sheet and every push has ended; refused files count as failures.
  const busy = pushes.data ? list.some((s) => !isFinished(s)) || intake.items.some((i) => i.status === 'uploading' || i.status === 'ready') : undefined;
  const failed = list.filter((s) => shownPhase(s) === 'failed').length + intake.items.filter((i) => i.status === 'failed' || i.status === 'skipped').length;
  const dock = useDockState(busy, failed);
  const { addFiles } = intake;
  const { setExpanded } = dock;
  const onFiles = useCallback(
    (files: File[]) => {
      setExpanded(true);
      addFiles(files);
    },
    [addFiles, setExpanded],
  );
  const dragging = useWindowFileDrop(onFiles);

  useEffect(() => {
    if (props.registryId) rememberRegistry(props.registryId);
  }, [props.registryId]);

  const ready = intake.items.filter((i) => i.status === 'ready');
  const sheet = ready[0];

  return (
    <>
      <PushDock
        pushes={list}
        intake={intake.items}
        registries={registries.data ?? []}
        expanded={dock.expanded}
        onToggle={() => setExpanded(!dock.expanded)}
        height={dock.height}
        onResize={dock.setHeight}
        onFiles={onFiles}
        onDismissIntake={(item) => intake.remove(item, true)}
        onClearFinished={clearFinished}
        onRetarget={setRetarget}
      />
      {retarget ? (
        <PreflightSheet
          key={retarget.pushId}
          file={{ handle: retarget.request.handle, name: retarget.fileName, size: NaN }}
          registryId={undefined}
          preset={presetOf(retarget)}
          queued={ready.length}
          // The failed push keeps its file for Retry; a new push of it replaces the failed row.
          onClose={() => setRetarget(null)}
        />
      ) : (
        sheet?.info && (
          <PreflightSheet
            key={sheet.key}
            file={sheet.info}
            registryId={props.registryId}
            repository={props.repository}
            queued={ready.length - 1}
            onClose={(pushed, archiveError) => {
              if (pushed) setExpanded(true);
              if (archiveError) intake.fail(sheet, archiveError);
              else intake.remove(sheet, !pushed);
            }}
          />
        )
      )}
      {dragging && <DropOverlay fileIntake={berth().fileIntake} />}
    </>
  );
}
