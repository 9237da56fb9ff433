/**
 * The desktop app's saved archives (issue 14): "Save as archive…" asks where with the native save
 * dialog (which asks before replacing a file), and a finished save made for dragging can be
 * dragged out of the window into a folder (`webContents.startDrag`).
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, nativeImage, type IpcMainEvent } from 'electron';
import type { SaveDestination } from '../service/transfers';
import type { BerthService } from '../service/service';
import { isTrustedSender } from './security';

/** IPC channel the preload's `dragOut(transferId)` sends on. */
export const DRAG_OUT_CHANNEL = 'berth:dragOut';

/** A 16×16 archive glyph for the drag image (macOS refuses a drag without one). */
const DRAG_ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAJklEQVR42mNgGD7gxKq8/6TgQWhAVF7Pf1Iw9Q0YBoE4DAwYMAAAso1t7Em+y1wAAAAASUVORK5CYII=';

/** Asks with the native save dialog, in the Downloads folder. */
export function nativeSaveDestination(): SaveDestination {
  return {
    async choose(suggested) {
      const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
      const options = {
        title: 'Save image as archive',
        defaultPath: join(app.getPath('downloads'), suggested),
        filters: [{ name: 'Tar archives', extensions: ['tar'] }],
        properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
      };
      const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      // The dialog asked before replacing an existing file.
      return r.canceled || !r.filePath ? null : { path: r.filePath, overwrite: true };
    },
    deliver: () => null,
    // saveImage writes under a temporary name and leaves nothing when it fails.
    discard: async () => undefined,
  };
}

/** Lets the window drag a finished save's file out (checked sender, known transfer only); returns the undo. */
export function registerDragOut(service: BerthService, devOrigin?: string | null): () => void {
  const onDrag = (event: IpcMainEvent, transferId: unknown): void => {
    if (!isTrustedSender(event.senderFrame, devOrigin) || typeof transferId !== 'string') return;
    const file = service.transfers.finishedFile(transferId);
    if (file) event.sender.startDrag({ file, icon: nativeImage.createFromDataURL(DRAG_ICON) });
  };
  ipcMain.on(DRAG_OUT_CHANNEL, onDrag);
  return () => void ipcMain.removeListener(DRAG_OUT_CHANNEL, onDrag);
}
