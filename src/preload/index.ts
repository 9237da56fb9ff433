/**
 * Electron preload (sandboxed, CommonJS): exposes `window.berth` built from the contract's method
 * list — named functions only, never `ipcRenderer` itself (Electron security checklist 20).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { API_METHODS, EVENT_NAMES, eventChannel, ipcChannel, REGISTER_PATH_CHANNEL, type BerthClient, type BerthEvents, type EventName } from '../shared/api';
import type { Result } from '../shared/errors';
import type { FileInfo } from '../shared/types';

const KNOWN_EVENTS = new Set<string>(EVENT_NAMES);

const methods = Object.fromEntries(
  API_METHODS.map((m) => [m, (...args: unknown[]) => ipcRenderer.invoke(ipcChannel(m), ...args)]),
);

const api = {
  ...methods,
  on<E extends EventName>(event: E, listener: (payload: BerthEvents[E]) => void): () => void {
    if (!KNOWN_EVENTS.has(event)) throw new Error(`Unknown Berth event "${String(event)}".`);
    const wrapped = (_e: unknown, payload: BerthEvents[E]) => listener(payload);
    ipcRenderer.on(eventChannel(event), wrapped);
    return () => void ipcRenderer.removeListener(eventChannel(event), wrapped);
  },
  async registerFile(file: File, onProgress?: (sent: number, total: number) => void): Promise<Result<FileInfo>> {
    const path = webUtils.getPathForFile(file);
    if (!path) {
      return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'That item has no file on disk (was it dragged from another app?). Save it as a file and drop that.' } };
    }
    const result = (await ipcRenderer.invoke(REGISTER_PATH_CHANNEL, path)) as Result<FileInfo>;
    // Nothing is copied in Electron: the file is "sent" as soon as main knows its path.
    if (result.ok) onProgress?.(file.size, file.size);
    return result;
  },
  fileIntake: 'path',
  // Main starts the drag only for a finished save it made for dragging (electron/save-dialog.ts).
  dragOut(transferId: string): void {
    ipcRenderer.send('berth:dragOut', transferId);
  },
} as BerthClient;

contextBridge.exposeInMainWorld('berth', api);
