/**
 * How CLI commands name registries and images, and how they get a client: credentials come from
 * BERTH_USERNAME / BERTH_PASSWORD (never from the command line, where `ps` would show them), else
 * from `docker login` / `podman login`.
 */
import { readFile } from 'node:fs/promises';
import { BerthError } from '../../shared/errors';
import { parseReference, registryConfigFromInput, RegistryClient } from '../registry/index';
import type { RegistryConfig } from '../registry/types';
import { lookupCredentials } from '../credentials/lookup';
import { UsageError } from './io';

/** Flags shared by every registry command. */
export const REGISTRY_FLAGS = { booleans: ['json', 'insecure'], values: ['ca-file'] };

/** A registry and (optionally) a repository and reference, as typed on the command line. */
export interface CliTarget {
  registry: string;
  repository?: string;
  tag?: string;
  digest?: string;
}

/** `HOST[:PORT]` or `http(s)://HOST[:PORT]` → the registry part. */
export function parseRegistryArg(arg: string): CliTarget {
  if (!arg.trim()) throw new UsageError('the registry is empty');
  if (/^https?:\/\//i.test(arg)) {
    const u = safeUrl(arg);
    if (u.pathname !== '/' && u.pathname !== '') throw new UsageError(`"${arg}" has a path; give only the registry, e.g. localhost:5000`);
    return { registry: u.origin };
  }
  if (arg.includes('/')) throw new UsageError(`"${arg}" names a repository; give only the registry, e.g. localhost:5000`);
  return { registry: arg };
}

/** `REGISTRY/REPO[:TAG][@DIGEST]`, with or without an http(s):// scheme on the registry. */
export function parseImageArg(arg: string): CliTarget {
  let scheme = '';
  let rest = arg.trim();
  const m = /^(https?):\/\//i.exec(rest);
  if (m) {
    scheme = `${m[1]!.toLowerCase()}://`;
    rest = rest.slice(m[0].length);
  }
  if (!rest.includes('/')) throw new UsageError(`"${arg}" has no repository; write REGISTRY/REPOSITORY, e.g. localhost:5000/team/app`);
  const ref = parseReference(rest);
  const registry = scheme ? `${scheme}${rest.slice(0, rest.indexOf('/'))}` : ref.registry;
  return { registry, repository: ref.repository, tag: ref.tag, digest: ref.digest };
}

function safeUrl(s: string): URL {
  try {
    return new URL(s);
  } catch {
    throw new UsageError(`"${s}" is not a valid URL`);
  }
}

/**
 * Registry config from the argument, credentials and flags. Credentials: BERTH_USERNAME /
 * BERTH_PASSWORD when set, else what `docker login` / `podman login` stored for the host.
 */
export async function configFor(registry: string, flags: Record<string, string | boolean>): Promise<RegistryConfig> {
  const username = process.env.BERTH_USERNAME || undefined;
  const password = process.env.BERTH_PASSWORD || undefined;
  const config = registryConfigFromInput({ url: registry, username, password, insecure: flags.insecure === true });
  if (username === undefined) {
    const found = await lookupCredentials(config.host);
    if (found?.username !== undefined) config.username = found.username;
    if (found?.password !== undefined) config.password = found.password;
    if (found?.identityToken !== undefined) config.identityToken = found.identityToken;
  }
  // On the command line --insecure keeps meaning both plain http and unverified TLS.
  if (flags.insecure === true) config.tlsSkipVerify = true;
  if (typeof flags['ca-file'] === 'string') {
    try {
      config.caPem = await readFile(flags['ca-file'], 'utf8');
    } catch (err) {
      throw new BerthError('INVALID_ARGUMENT', `Cannot read the CA file ${flags['ca-file']} (${(err as NodeJS.ErrnoException).code ?? String(err)}). Check the path.`);
    }
  }
  return config;
}

/** Runs `fn` with a client for `registry`, closing it afterwards. */
export async function withClient<T>(
  registry: string,
  flags: Record<string, string | boolean>,
  fn: (client: RegistryClient) => Promise<T>,
): Promise<T> {
  const client = new RegistryClient(await configFor(registry, flags));
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
