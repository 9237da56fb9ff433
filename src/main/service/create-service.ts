/**
 * The one composition root (DESIGN "service/"): every shell builds its service here — Electron
 * with its `userData` and keychain codec, `berth serve` with nothing — so the environment is read
 * once (settings.ts), the push cache is in one folder for all shells, and the engines that keep
 * state on disk get their folders from one place.
 */
import { join } from 'node:path';
import { ContentsEngine } from '../contents/engine';
import { IndexStore } from '../index/registry-index';
import { savedRegistries } from '../profiles/saved-registries';
import type { SecretCodec } from '../profiles/secret-store';
import { KeyStore } from '../referrers/key-store';
import { ContentStore } from '../store/content-store';
import { BerthService } from './service';
import { readSettings, type ServiceSettings } from './settings';

/** The engines built over a service's folders; later contract methods reach them through `BerthService.engines`. */
export interface ServiceEngines {
  /** Content immutable by digest (manifests, configs, layer file indexes, merged trees): `cacheDir/content`. */
  content: ContentStore;
  /** One registry index per registry, sharing `content`: `cacheDir/index`. */
  indexes: IndexStore;
  /** Layer file indexes and merged filesystems, kept in `content`. */
  contents: ContentsEngine;
  /** Public keys that verify signatures: `dataDir/signing-keys.json`. */
  keys: KeyStore;
}

/** What a shell tells the composition root; the rest comes from the environment. */
export interface CreateServiceOptions {
  /** Saved registries, secrets and keys (Electron: `userData`); default BERTH_DATA_DIR, else the platform's. */
  dataDir?: string;
  /** Caches; default BERTH_CACHE_DIR, else the platform's cache folder — the same for every shell. */
  cacheDir?: string;
  /** How secrets are written (Electron: safeStorage); default a 0600 file. */
  secretCodec?: SecretCodec;
  /** The environment, read once (default `process.env`); credential lookups get it too. */
  env?: NodeJS.ProcessEnv;
  /** Where warnings about set-aside files go (default console.warn). */
  warn?: (message: string) => void;
  /** The bundled engine worker (default: next to the main bundle). */
  workerUrl?: URL;
  /** Pushes and inspections on the calling thread (tests). */
  pushInProcess?: boolean;
  /** Electron: the native save dialog for image files (a path chosen in main, never by the renderer). */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
}

/** Builds the engines over the settings' folders (nothing is read or written until they are used, but the key file). */
export async function openEngines(settings: Pick<ServiceSettings, 'dataDir' | 'cacheDir'>, warn: (message: string) => void): Promise<ServiceEngines> {
  const content = new ContentStore(join(settings.cacheDir, 'content'));
  const keys = await KeyStore.open(settings.dataDir);
  if (keys.setAside) warn(`Berth: the saved signing keys could not be read; the file was kept as ${keys.setAside}. Add the keys again.`);
  return { content, indexes: new IndexStore(join(settings.cacheDir, 'index'), content), contents: new ContentsEngine(content), keys };
}

/** The service every shell runs: settings read once, saved registries opened, engines built. */
export async function createService(opts: CreateServiceOptions = {}): Promise<BerthService> {
  const env = opts.env ?? process.env;
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const settings = readSettings(env, opts);
  const registries = await savedRegistries(settings.dataDir, { codec: opts.secretCodec, firstRegistry: settings.firstRegistry, env, warn });
  const engines = await openEngines(settings, warn);
  return new BerthService({
    dataDir: settings.dataDir,
    cacheDir: settings.cacheDir,
    gzip: settings.gzip,
    registries,
    engines,
    workerUrl: opts.workerUrl,
    pushInProcess: opts.pushInProcess,
    chooseSavePath: opts.chooseSavePath,
  });
}
