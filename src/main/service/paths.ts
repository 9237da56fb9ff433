import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the push engine keeps its cache when no shell chose one (XDG on Linux, Library on macOS). */
export function defaultCacheDir(): string {
  if (process.env.BERTH_CACHE_DIR) return process.env.BERTH_CACHE_DIR;
  const home = homedir();
  if (!home) return join(tmpdir(), 'berth-cache');
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches', 'berth');
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'berth', 'cache');
  return join(process.env.XDG_CACHE_HOME || join(home, '.cache'), 'berth');
}

/**
 * Where saved registries live when no shell chose a folder: the same folder Electron's
 * `userData` is for an app named "berth", so the desktop app and the web shell share the list.
 */
export function defaultDataDir(): string {
  if (process.env.BERTH_DATA_DIR) return process.env.BERTH_DATA_DIR;
  const home = homedir();
  if (!home) return join(tmpdir(), 'berth-data');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'berth');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'berth');
  return join(process.env.XDG_CONFIG_HOME || join(home, '.config'), 'berth');
}
