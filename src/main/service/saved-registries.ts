/** Opens the saved registries of a data folder: `registries.json` (profiles) and `secrets.json`. */
import { join } from 'node:path';
import { firstStartProfile, ProfileStore } from '../credentials/profile-store';
import { PLAIN_CODEC, SecretStore, type SecretCodec } from '../credentials/secret-store';
import type { RegistryBookOptions } from './registry-book';

/** What BerthService needs to keep registries across restarts in `dir`. */
export async function savedRegistries(dir: string, codec: SecretCodec = PLAIN_CODEC, env: NodeJS.ProcessEnv = process.env): Promise<RegistryBookOptions> {
  return {
    profiles: await ProfileStore.open(join(dir, 'registries.json'), firstStartProfile(env)),
    secrets: await SecretStore.open(join(dir, 'secrets.json'), codec),
    env,
    ...(env.BERTH_DOCKER_HUB_API ? { hubApi: env.BERTH_DOCKER_HUB_API } : {}),
  };
}
