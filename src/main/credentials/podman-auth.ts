/**
 * Podman's (containers/image) auth files: where `podman login` stores credentials and in which
 * order podman reads them. Same `auths` format as Docker's config.json.
 * https://github.com/containers/image/blob/main/docs/containers-auth.json.5.md
 */
import { join } from 'node:path';
import { decodeAuthEntry, matchingAuthKeys, readAuthFile, tildePath, type EntryCredentials } from './docker-config';

/**
 * Files podman consults, in order: `$REGISTRY_AUTH_FILE` alone when set; else
 * `$XDG_RUNTIME_DIR/containers/auth.json` (what `podman login` writes), then
 * `$XDG_CONFIG_HOME/containers/auth.json` (default `~/.config/containers/auth.json`).
 */
export function podmanAuthPaths(env: NodeJS.ProcessEnv, home: string): string[] {
  if (env.REGISTRY_AUTH_FILE) return [env.REGISTRY_AUTH_FILE];
  const paths: string[] = [];
  if (env.XDG_RUNTIME_DIR) paths.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  const configHome = env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : join(home, '.config');
  paths.push(join(configHome, 'containers', 'auth.json'));
  return paths;
}

/** Credentials podman holds for `host` (host-level keys only), with the file they came from. */
export interface PodmanCredentials extends EntryCredentials {
  path: string;
}

/** Looks `host` up in podman's auth files; null when none of them has credentials for it. */
export async function readPodmanCredentials(host: string, env: NodeJS.ProcessEnv, home: string): Promise<PodmanCredentials | null> {
  for (const path of podmanAuthPaths(env, home)) {
    const file = await readAuthFile(path, home, "podman's auth file");
    if (!file?.auths) continue;
    for (const key of matchingAuthKeys(file.auths, host, true)) {
      const creds = decodeAuthEntry(file.auths[key], () => `"${key}" in ${tildePath(path, home)}`);
      if (creds) return { ...creds, path };
    }
  }
  return null;
}
