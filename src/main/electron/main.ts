/**
 * Electron entry (out/main/index.js): app lifecycle, a single instance, the hardened window and
 * the IPC shell over the same BerthService the web shell and the CLI use.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, session } from 'electron';
import { createService } from '../service/create-service';
import type { BerthService } from '../service/service';
import { registerIpc } from './ipc';
import { nativeSaveDestination, registerDragOut } from './save-dialog';
import { keychainCodec } from './keychain';
import { registerAppScheme, serveRenderer } from './protocol';
import { APP_ENTRY_URL, devRendererUrl, hardenContents, hardenSession, originOf } from './security';
import { createMainWindow } from './window';

const here = fileURLToPath(new URL('.', import.meta.url));
const PRELOAD = join(here, '../preload/index.cjs');
const RENDERER_DIR = join(here, '../renderer');
// electron-vite dev serves the renderer over http; only a dev-server build (never `npm start`, never
// a packaged app) loads it and trusts it for IPC, and only on loopback.
const DEV_URL = devRendererUrl(process.env.ELECTRON_RENDERER_URL, import.meta.env.DEV && !app.isPackaged);

/** Where a file or folder of an image goes: the user picks it in the native dialog (never the renderer). */
async function chooseSavePath(suggestedName: string): Promise<string | null> {
  const options = { title: `Save ${suggestedName}`, defaultPath: join(app.getPath('downloads'), suggestedName) };
  const win = BrowserWindow.getFocusedWindow();
  const picked = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  return picked.canceled || !picked.filePath ? null : picked.filePath;
}

registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let service: BerthService | null = null;
  const open = () => createMainWindow(PRELOAD, DEV_URL ?? APP_ENTRY_URL);

  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (!win) return void open();
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession);
    serveRenderer(RENDERER_DIR);
    try {
      // The cache is the platform's cache folder, shared with `berth serve` and `berth push`.
      service = await createService({ dataDir: app.getPath('userData'), secretCodec: keychainCodec(), chooseSavePath });
    } catch (err) {
      // Unreadable data folder (permissions): say so instead of a window that silently never opens.
      dialog.showErrorBox('Berth cannot start', err instanceof Error ? err.message : String(err));
      app.quit();
      return;
    }
    registerIpc(service, DEV_URL ? originOf(DEV_URL) : null);
    service.useSaveDestination(nativeSaveDestination(), { asks: true });
    registerDragOut(service, DEV_URL ? originOf(DEV_URL) : null);
    open();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closing = false;
  app.on('will-quit', (event) => {
    if (closing || !service) return;
    closing = true;
    event.preventDefault();
    void service.close().finally(() => app.quit());
  });
}
