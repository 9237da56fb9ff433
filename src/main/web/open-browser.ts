/**
 * `berth serve --open` without the login token on any command line: every local user can read a
 * process's arguments (`/proc/PID/cmdline`, `ps`), and browsers keep visited URLs in history. The
 * browser opener gets the path of a launch page instead — a file only this user can read (0600, in
 * a fresh 0700 folder) that POSTs a one-time token to the server and is deleted once used.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the launch page POSTs its token. */
export const LOGIN_PATH = '/login';

/** A launch page on disk. */
export interface LaunchPage {
  file: string;
  /** Deletes the page and its folder (idempotent). */
  remove(): Promise<void>;
}

/** The program and arguments that open `target` (a file path) in the default browser. */
export type Opener = (target: string) => [command: string, args: string[]];

/** The platform's "open with the default application" (or `BERTH_BROWSER`, a program given the file). */
export function defaultOpener(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Opener {
  const chosen = env.BERTH_BROWSER?.trim();
  if (chosen) return (target) => [chosen, [target]];
  if (platform === 'darwin') return (target) => ['open', [target]];
  if (platform === 'win32') return (target) => ['cmd', ['/c', 'start', '""', target]];
  return (target) => ['xdg-open', [target]];
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Writes the launch page for `origin` (the server, `http://127.0.0.1:N`) carrying `token`. */
export async function writeLaunchPage(origin: string, token: string): Promise<LaunchPage> {
  // mkdtemp makes the folder 0700; the page itself is 0600 and never overwrites anything.
  const dir = await mkdtemp(join(tmpdir(), 'berth-open-'));
  const file = join(dir, 'open-berth.html');
  const action = escapeHtml(`${origin}${LOGIN_PATH}`);
  const html =
    '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Opening Berth…</title>' +
    `<form method="post" action="${action}"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
    '<p>Opening Berth… <button type="submit">Open Berth</button></p></form>' +
    '<script>document.forms[0].submit()</script>\n';
  await writeFile(file, html, { mode: 0o600, flag: 'wx' });
  let removed: Promise<void> | null = null;
  return { file, remove: () => (removed ??= rm(dir, { recursive: true, force: true }).catch(() => undefined)) };
}

/** Starts the opener on `file` (best effort: a headless host has none; the URL is printed anyway). */
export function openInBrowser(file: string, opener: Opener = defaultOpener()): void {
  const [command, args] = opener(file);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener: the URL is printed anyway.
  }
}
