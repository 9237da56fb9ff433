/** Opens the saved registries of a data folder: `registries.json` (profiles) and `secrets.json`. */
import { join } from 'node:path';
import { firstStartProfile, ProfileStore } from './profile-store';
import type { RegistryBookOptions } from './registry-book';
import { PLAIN_CODEC, SecretStore, type SecretCodec } from './secret-store';

/** Options of savedRegistries. */
export interface SavedRegistriesOptions {
  /** How secrets are written (Electron: safeStorage); default the plain 0600 file. */
  codec?: SecretCodec;
  /** The registry a first start lists (see service/settings.ts). */
  firstRegistry: { url: string; insecure: boolean };
  /** Environment of docker/podman credential lookups (DOCKER_CONFIG, PATH, HOME …). */
  env: NodeJS.ProcessEnv;
  /** Told where an unreadable file was set aside. */
  warn: (message: string) => void;
}

/**
 * What BerthService needs to keep registries across restarts in `dir`. A file that cannot be
 * parsed is set aside (renamed, never deleted) and `warn` says where it went.
 */
export async function savedRegistries(dir: string, opts: SavedRegistriesOptions): Promise<RegistryBookOptions> {
  const profiles = await ProfileStore.open(join(dir, 'registries.json'), firstStartProfile(opts.firstRegistry));
  const secrets = await SecretStore.open(join(dir, 'secrets.json'), opts.codec ?? PLAIN_CODEC);
  if (profiles.setAside) opts.warn(`Berth: the saved registries could not be read; the file was kept as ${profiles.setAside} and a fresh list started.`);
  if (secrets.setAside) opts.warn(`Berth: the saved passwords could not be read; the file was kept as ${secrets.setAside}. Type the passwords again.`);
  return { profiles, secrets, env: opts.env };
}
