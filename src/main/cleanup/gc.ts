/**
 * Garbage collection over HTTP (`POST /v2/_gc`), which a few self-built registries offer;
 * distribution itself does not, and there the only way is the `garbage-collect` command on the
 * registry's host, which the UNSUPPORTED message spells out.
 */
import { BerthError } from '../../shared/errors';
import type { RegistryClient } from '../registry';

/** The command that reclaims space on a `registry:2` container (distribution). */
export const GC_COMMAND_DOCKER = 'docker exec <container> registry garbage-collect /etc/docker/registry/config.yml';
/** The same for Debian's `docker-registry` package. */
export const GC_COMMAND_DEBIAN = 'docker-registry garbage-collect /etc/docker/registry/config.yml';

const NO_HTTP_GC =
  `This registry offers no HTTP garbage collection (POST /v2/_gc). Run it on the registry's host: \`${GC_COMMAND_DOCKER}\`` +
  ` (Debian package: \`${GC_COMMAND_DEBIAN}\`); add --delete-untagged to also remove manifests no tag points at.`;

/** Asks the registry to garbage-collect; UNSUPPORTED (with the command to run) when it has no such endpoint. */
export async function runHttpGarbageCollect(client: RegistryClient, signal?: AbortSignal): Promise<{ ok: true; message: string }> {
  // OPTIONS first: it never starts a collection, and a plain 404 means the route does not exist.
  const probe = await client.probe('OPTIONS', '/v2/_gc', { scope: null, signal });
  if (probe.status === 404) throw new BerthError('UNSUPPORTED', NO_HTTP_GC);
  const res = await client.probe('POST', '/v2/_gc', { scope: null, signal });
  if (res.status >= 200 && res.status < 300) {
    const text = res.text.trim().slice(0, 500);
    return { ok: true, message: text || `${client.config.host} ran its garbage collection.` };
  }
  if (res.status === 404 || res.status === 405) throw new BerthError('UNSUPPORTED', NO_HTTP_GC);
  if (res.status === 401 || res.status === 403) {
    throw new BerthError('DENIED', `${client.config.host} refused to run garbage collection (HTTP ${res.status}). Sign in with an account allowed to administer the registry, or run \`${GC_COMMAND_DOCKER}\` on its host.`);
  }
  throw new BerthError('SERVER_ERROR', `${client.config.host} answered POST /v2/_gc with HTTP ${res.status}${res.text ? `: ${res.text.trim().slice(0, 200)}` : ''}. Check the registry's logs, or run \`${GC_COMMAND_DOCKER}\` on its host.`);
}
