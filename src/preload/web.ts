/**
 * The browser's "preload": `window.berth` over the web shell's HTTP API (POST per method, SSE for
 * events, XHR uploads for dropped files). The renderer cannot tell it from the Electron preload.
 */
import {
  API_METHODS,
  EVENT_NAMES,
  WEB_API_HEADER,
  WEB_EVENTS_PATH,
  WEB_UPLOAD_PATH,
  webPath,
  type BerthClient,
  type BerthEvents,
  type EventName,
} from '../shared/api';
import { isWireError, type Result } from '../shared/errors';
import type { FileInfo } from '../shared/types';

const KNOWN_EVENTS = new Set<string>(EVENT_NAMES);

function failure<T>(code: 'NETWORK' | 'UNEXPECTED_RESPONSE' | 'CANCELLED', message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** Reads a Result from a response whatever its status (the server answers errors as Result JSON too). */
function asResult<T>(status: number, text: string): Result<T> {
  try {
    const body = JSON.parse(text) as Result<T>;
    if (body && typeof body === 'object' && (body.ok === true || (body.ok === false && isWireError(body.error)))) return body;
  } catch {
    // fall through
  }
  return failure('UNEXPECTED_RESPONSE', `The Berth server answered HTTP ${status} with something that is not a Berth reply. Reload the page; if it persists, restart \`berth serve\`.`);
}

async function call(method: string, args: unknown[]): Promise<Result<unknown>> {
  // Trailing undefined would become null in JSON; drop them so optional arguments stay absent.
  const trimmed = [...args];
  while (trimmed.length && trimmed[trimmed.length - 1] === undefined) trimmed.pop();
  let res: Response;
  try {
    res = await fetch(webPath(method as never), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', [WEB_API_HEADER]: '1' },
      body: JSON.stringify({ args: trimmed }),
    });
  } catch {
    return failure('NETWORK', 'Cannot reach the Berth server. Check that `berth serve` is still running, then retry.');
  }
  return asResult(res.status, await res.text());
}

type Listener = (payload: unknown) => void;

/** Longest pause between attempts to reopen a stream the browser gave up on. */
const MAX_REOPEN_MS = 30_000;

/**
 * One EventSource for all subscriptions, opened on the first `on` and closed after the last.
 * The browser reconnects by itself after a dropped connection (the server's `retry:`), but gives
 * up for good on an HTTP error (a server restarting answers 502/503 through a proxy): then the
 * hub opens a new one with backoff. Every open calls the resync listeners, since whatever was
 * sent while the stream was down is lost (laptop sleep, server restart).
 */
export function eventHub(Source?: typeof EventSource) {
  const listeners = new Map<string, Set<Listener>>();
  const resync = new Set<() => void>();
  let source: EventSource | null = null;
  let reopen: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  const active = (): boolean => [...listeners.values()].some((s) => s.size > 0) || resync.size > 0;
  const open = (): void => {
    // Looked up when first needed: tests of the bridge's calls run where there is no EventSource.
    const S = Source ?? globalThis.EventSource;
    const s = new S(WEB_EVENTS_PATH, { withCredentials: true });
    source = s;
    s.onopen = () => {
      failures = 0;
      for (const l of [...resync]) l();
    };
    s.onerror = () => {
      if (s.readyState !== S.CLOSED || source !== s) return;
      source = null;
      const wait = Math.min(MAX_REOPEN_MS, 1000 * 2 ** failures++);
      reopen = setTimeout(() => {
        reopen = null;
        if (!source && active()) open();
      }, wait);
    };
    for (const name of EVENT_NAMES) {
      s.addEventListener(name, (ev) => {
        let payload: unknown;
        try {
          payload = JSON.parse((ev as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const l of [...(listeners.get(name) ?? [])]) l(payload);
      });
    }
  };
  const release = (): void => {
    if (active()) return;
    source?.close();
    source = null;
    if (reopen) clearTimeout(reopen);
    reopen = null;
  };
  const on = <E extends EventName>(event: E, listener: (payload: BerthEvents[E]) => void): (() => void) => {
    if (!KNOWN_EVENTS.has(event)) throw new Error(`Unknown Berth event "${String(event)}".`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    if (!source && !reopen) open();
    return () => {
      set.delete(listener as Listener);
      release();
    };
  };
  const onResync = (listener: () => void): (() => void) => {
    resync.add(listener);
    if (!source && !reopen) open();
    return () => {
      resync.delete(listener);
      release();
    };
  };
  return { on, onResync };
}

function upload(file: File, onProgress?: (sent: number, total: number) => void): Promise<Result<FileInfo>> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${WEB_UPLOAD_PATH}?name=${encodeURIComponent(file.name)}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader(WEB_API_HEADER, '1');
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => resolve(asResult<FileInfo>(xhr.status, xhr.responseText));
    xhr.onerror = () => resolve(failure('NETWORK', `Uploading ${file.name} to the Berth server failed. Check that \`berth serve\` is still running and drop the file again.`));
    xhr.onabort = () => resolve(failure('CANCELLED', `The upload of ${file.name} was cancelled.`));
    xhr.send(file);
  });
}

/** Builds the web BerthClient (exported for tests; the page uses installWebBridge). */
export function createWebClient(): BerthClient {
  const methods = Object.fromEntries(API_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]));
  const hub = eventHub();
  return { ...methods, on: hub.on, onResync: hub.onResync, registerFile: upload, fileIntake: 'upload' } as BerthClient;
}

/** Defines `window.berth` for the renderer when it runs in a browser (no Electron preload). */
export function installWebBridge(): void {
  Object.defineProperty(window, 'berth', { value: Object.freeze(createWebClient()), configurable: false, writable: false });
}
