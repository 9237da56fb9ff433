/** Docker and podman credential files for tests, written where a lookup will read them. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Base64 of `user:password` (or of any text), as an `auths` entry's `auth` holds it. */
export const authString = (text: string): string => Buffer.from(text).toString('base64');

/** An `auths` entry for a user and password. */
export const authEntry = (username: string, password: string): { auth: string } => ({ auth: authString(`${username}:${password}`) });

/** Writes a credential file at `path` (JSON; a string as is, for broken files), creating its folder; returns `path`. */
export async function writeAuthFile(path: string, data: unknown): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
}

/** Writes `config.json` into the Docker config folder `dir` (`$DOCKER_CONFIG`, or `~/.docker`); returns its path. */
export function writeDockerConfig(dir: string, data: unknown): Promise<string> {
  return writeAuthFile(join(dir, 'config.json'), data);
}
