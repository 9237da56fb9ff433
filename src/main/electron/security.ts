/**
 * The Electron security checklist as code (https://www.electronjs.org/docs/latest/tutorial/security,
 * DESIGN "Electron security (must hold)"). Pure parts are plain functions so security.test.ts can
 * hold them to the list without an Electron binary.
 */
import { shell, type Session, type WebContents, type WebPreferences } from 'electron';
import { isLoopbackHost } from '../../shared/reference';

/** Scheme and host the renderer is served from (checklist 18: custom protocol instead of file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'berth';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** webPreferences of every Berth window (checklist 2–6, 8, 11: isolation, sandbox, no node, no webview). */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** The origin of a URL, with custom standard schemes handled (Node's URL gives "null" for them). */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol === `${APP_SCHEME}:`) return `${APP_SCHEME}://${u.host}`;
    return u.origin === 'null' ? null : u.origin;
  } catch {
    return null;
  }
}

/**
 * The electron-vite dev server to load the renderer from (and trust for IPC) instead of app://,
 * or null. Only a dev-server build (`npm run dev`: `import.meta.env.DEV`, false in every
 * `electron-vite build` output, so in `npm start` and packaged apps) may use it, and only a
 * loopback http URL: anything else in `ELECTRON_RENDERER_URL` is ignored.
 */
export function devRendererUrl(fromEnv: string | undefined, devServerBuild: boolean): string | null {
  if (!devServerBuild || !fromEnv) return null;
  let u: URL;
  try {
    u = new URL(fromEnv);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' || u.username || u.password || !isLoopbackHost(u.hostname)) return null;
  return u.href;
}

/** The part of a WebFrameMain the sender check reads. */
export interface FrameLike {
  url: string;
  parent?: unknown;
}

/**
 * Checklist 17: IPC only from our own top-level page. `devOrigin` is the electron-vite dev
 * server, given only by a dev-server build (see `devRendererUrl`).
 */
export function isTrustedSender(frame: FrameLike | null | undefined, devOrigin?: string | null): boolean {
  if (!frame || typeof frame.url !== 'string') return false;
  if (frame.parent) return false;
  const origin = originOf(frame.url);
  return origin === APP_ORIGIN || (Boolean(devOrigin) && origin === devOrigin);
}

/** Only https links, without credentials, may leave the app (checklist 15: openExternal with care). */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Opens a checked https link in the user's browser; anything else is ignored. */
export function openExternalSafely(url: string): boolean {
  if (!isSafeExternalUrl(url)) return false;
  void shell.openExternal(url).catch(() => undefined);
  return true;
}

/** `will-navigate` handler (checklist 13): the page never navigates; https links go to the browser. */
export function preventNavigation(event: { preventDefault(): void }, url: string): void {
  event.preventDefault();
  openExternalSafely(url);
}

/** `setWindowOpenHandler` (checklist 14): no new windows; https links go to the browser. */
export function denyWindowOpen(details: { url: string }): { action: 'deny' } {
  openExternalSafely(details.url);
  return { action: 'deny' };
}

/** Permission request handler (checklist 9): nothing is granted. */
export function denyPermissionRequest(_wc: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/** Permission check handler (checklist 9): nothing is granted. */
export function denyPermissionCheck(): boolean {
  return false;
}

/** Installs the deny-all permission handlers on a session. */
export function hardenSession(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
}

const hardened = new WeakSet<object>();

/** Applies navigation, window-open and webview refusals to any web contents the app creates. */
export function hardenContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>): void {
  // Called from both web-contents-created and window creation: install once, or links open twice.
  if (hardened.has(contents)) return;
  hardened.add(contents);
  contents.on('will-navigate', preventNavigation);
  contents.on('will-redirect', preventNavigation);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(denyWindowOpen);
}
