/** Opens the saved registries of a data folder: `registries.json` (profiles) and `secrets.json`. */
import { join } from 'node:path';
import { firstStartProfile, ProfileStore } from '../credentials/profile-store';
import { PLAIN_CODEC, SecretStore, type SecretCodec } from '../credentials/secret-store';
import type { RegistryBookOptions } from './registry-book';

/**
 * What BerthService needs to keep registries across restarts in `dir`. A file that cannot be
 * parsed is set aside (renamed, never deleted) and `warn` says where it went.
 */
export async function savedRegistries(
  dir: string,
  codec: SecretCodec = PLAIN_CODEC,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (m) => console.warn(m),
): Promise<RegistryBookOptions> {
  const profiles = await ProfileStore.open(join(dir, 'registries.json'), firstStartProfile(env));
  const secrets = await SecretStore.open(join(dir, 'secrets.json'), codec);
  if (profiles.setAside) warn(`Berth: the saved registries could not be read; the file was kept as ${profiles.setAside} and a fresh list started.`);
  if (secrets.setAside) warn(`Berth: the saved passwords could not be read; the file was kept as ${secrets.setAside}. Type the passwords again.`);
  return {
    profiles,
    secrets,
    env,
  };
}
