/** The full-window drop target: appears while files are dragged over the window. */
import { useEffect, useRef, useState } from 'react';
import type { BerthClient } from '../../shared/api';

function carriesFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}

/**
 * Listens on the window so a drop anywhere counts; returns whether files are over the window.
 * Default handling is prevented so Electron and browsers never navigate to a dropped file.
 */
export function useWindowFileDrop(onFiles: (files: File[]) => void): boolean {
  const [over, setOver] = useState(false);
  const onFilesRef = useRef(onFiles);
  useEffect(() => {
    onFilesRef.current = onFiles;
  });

  useEffect(() => {
    // dragenter/dragleave fire for every child crossed: count them to know when the window is left.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth++;
      setOver(true);
    };
    const dragOver = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length) onFilesRef.current(files);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', dragOver);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', dragOver);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return over;
}

/** What the user sees while dragging; it never takes the events (the window listeners do). */
export function DropOverlay(props: { fileIntake: BerthClient['fileIntake'] }) {
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-card">
        <div className="drop-icon">⤓</div>
        <div className="drop-title">Drop docker save archives to push</div>
        <div className="drop-sub">
          .tar, .tar.gz or .tgz{props.fileIntake === 'upload' ? ' — they are uploaded to the Berth host first' : ''}
        </div>
      </div>
    </div>
  );
}
