/**
 * Everything push in one component, mounted once in the app layout: the window-wide drop
 * target, the pre-flight sheets (one at a time, in drop order) and the docked push panel.
 */
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { berth } from '../app/berth';
import { registriesQuery } from '../registries/queries';
import { useTransfers } from '../transfer/TransfersList';
import { DropOverlay, useWindowFileDrop } from './DropOverlay';
import { PreflightSheet } from './PreflightSheet';
import { PushDock } from './PushDock';
import { pushesQuery, usePushEvents } from './queries';
import { useIntake } from './use-intake';
import './dock.css';
import './preflight.css';

/** `registryId` / `repository`: what the user is looking at, proposed as the destination. */
export function PushRoot(props: { registryId?: string; repository?: string }) {
  usePushEvents();
  const pushes = useQuery(pushesQuery());
  const registries = useQuery(registriesQuery());
  const intake = useIntake();
  const transfers = useTransfers();
  // null: follow the content (open when something is there); a click makes it the user's choice.
  const [expanded, setExpanded] = useState<boolean | null>(null);
  const { addFiles } = intake;
  const onFiles = useCallback(
    (files: File[]) => {
      setExpanded(true);
      addFiles(files);
    },
    [addFiles],
  );
  const dragging = useWindowFileDrop(onFiles);
  // A save or copy just started: show it, even if the user had folded the panel.
  const transferCount = useRef(transfers.length);
  useEffect(() => {
    if (transfers.length > transferCount.current) setExpanded(true);
    transferCount.current = transfers.length;
  }, [transfers.length]);

  const list = pushes.data ?? [];
  const ready = intake.items.filter((i) => i.status === 'ready');
  const sheet = ready[0];
  const isOpen = expanded ?? (list.length > 0 || intake.items.length > 0 || transfers.length > 0);

  return (
    <>
      <PushDock
        pushes={list}
        intake={intake.items}
        transfers={transfers}
        registries={registries.data ?? []}
        expanded={isOpen}
        onToggle={() => setExpanded(!isOpen)}
        onFiles={onFiles}
        onDismissIntake={(item) => intake.remove(item, true)}
      />
      {sheet?.info && (
        <PreflightSheet
          key={sheet.key}
          file={sheet.info}
          registryId={props.registryId}
          repository={props.repository}
          queued={ready.length - 1}
          onClose={(pushed) => {
            if (pushed) setExpanded(true);
            intake.remove(sheet, !pushed);
          }}
        />
      )}
      {dragging && <DropOverlay fileIntake={berth().fileIntake} />}
    </>
  );
}
