/**
 * What the environment says about a Berth service, read in one place (the composition root, and
 * `berth push`, which runs the push engine without a service): where saved registries and the
 * caches live, the registry a first start lists, and the gzip engine. The shells pass what they
 * know better (Electron's `userData`); everything else comes from here.
 */
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GzipEngine } from '../push/parallel-gzip';

/** The address compose files and tutorials use for a local registry. */
export const DEFAULT_REGISTRY_URL = 'http://localhost:5000';

/** A service's configuration, as read from the environment and the shell. */
export interface ServiceSettings {
  /** Saved registries, secrets and signing keys. */
  dataDir: string;
  /** Push cache, content by digest, registry indexes: all of it may be deleted at any time. */
  cacheDir: string;
  /** The registry a first start lists: `REGISTRY_URL` (`REGISTRY_INSECURE=true` allows http), else localhost:5000. */
  firstRegistry: { url: string; insecure: boolean };
  /** `BERTH_GZIP=zlib` forces Node's zlib; otherwise (undefined) libdeflate when it was built. */
  gzip?: GzipEngine;
}

/** What a shell knows better than the environment. */
export interface ShellPaths {
  dataDir?: string;
  cacheDir?: string;
}

/** Reads the settings once: the shell's paths first, then `BERTH_DATA_DIR` / `BERTH_CACHE_DIR`, then the platform's folders. */
export function readSettings(env: NodeJS.ProcessEnv, shell: ShellPaths = {}): ServiceSettings {
  return {
    dataDir: shell.dataDir ?? (env.BERTH_DATA_DIR || platformDataDir(env)),
    cacheDir: shell.cacheDir ?? (env.BERTH_CACHE_DIR || platformCacheDir(env)),
    firstRegistry: {
      url: env.REGISTRY_URL?.trim() || DEFAULT_REGISTRY_URL,
      insecure: /^(1|true|yes)$/i.test(env.REGISTRY_INSECURE?.trim() ?? ''),
    },
    ...(env.BERTH_GZIP === 'zlib' ? { gzip: 'zlib' as const } : {}),
  };
}

/** The platform's cache folder for Berth (XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows). */
export function platformCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const home = homedir();
  if (!home) return join(tmpdir(), 'berth-cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'berth');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'berth', 'cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'berth');
}

/**
 * The platform's data folder for Berth: the same folder Electron's `userData` is for an app named
 * "berth", so the desktop app and the web shell share the saved registries.
 */
export function platformDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const home = homedir();
  if (!home) return join(tmpdir(), 'berth-data');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'berth');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'berth');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'berth');
}
