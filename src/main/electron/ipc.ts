/**
 * `ipcMain.handle` for every contract method (Conventions 1) plus `berth:registerPath`; each
 * handler checks the sender first (checklist 17) and goes through the same `dispatch` as the web.
 */
import { isAbsolute } from 'node:path';
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, EVENT_NAMES, eventChannel, ipcChannel, REGISTER_PATH_CHANNEL, type ApiMethod } from '../../shared/api';
import { toWireError, type Result } from '../../shared/errors';
import { dispatch } from '../service/dispatch';
import type { BerthService } from '../service/service';
import { isTrustedSender } from './security';

const UNTRUSTED: Result<never> = {
  ok: false,
  error: { code: 'DENIED', message: 'This call did not come from the Berth window and was refused. Restart Berth.' },
};

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<Result<unknown>>;

/** One handler per method; the Record makes the compiler insist on every method. */
function methodHandlers(service: BerthService): Record<ApiMethod, Handler> {
  return Object.fromEntries(
    API_METHODS.map((m) => [m, (_event: IpcMainInvokeEvent, ...args: unknown[]) => dispatch(service, m, args)]),
  ) as Record<ApiMethod, Handler>;
}

async function registerPath(service: BerthService, path: unknown): Promise<Result<unknown>> {
  if (typeof path !== 'string' || !isAbsolute(path) || path.length > 4096 || path.includes('\0')) {
    return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Invalid argument "path": expected the absolute path of a dropped file. Drop the file again.' } };
  }
  try {
    return { ok: true, value: await service.registerPath(path) };
  } catch (err) {
    return { ok: false, error: toWireError(err) };
  }
}

/** Registers every handler and the event forwarding; returns a function that undoes it all. */
export function registerIpc(service: BerthService, devOrigin?: string | null): () => void {
  const guard =
    (fn: Handler): Handler =>
    async (event, ...args) =>
      isTrustedSender(event.senderFrame, devOrigin) ? fn(event, ...args) : UNTRUSTED;
  const handlers = methodHandlers(service);
  const channels: string[] = [];
  for (const m of API_METHODS) {
    ipcMain.handle(ipcChannel(m), guard(handlers[m]));
    channels.push(ipcChannel(m));
  }
  ipcMain.handle(REGISTER_PATH_CHANNEL, guard((_e, path) => registerPath(service, path)));
  channels.push(REGISTER_PATH_CHANNEL);

  const unsubscribe = EVENT_NAMES.map((name) =>
    service.events.on(name, (payload) => {
      for (const win of BrowserWindow.getAllWindows()) {
        if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(eventChannel(name), payload);
      }
    }),
  );
  return () => {
    for (const c of channels) ipcMain.removeHandler(c);
    for (const u of unsubscribe) u();
  };
}
