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
