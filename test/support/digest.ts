/** The one digest helper of test code: sha256 of bytes, of a file, and the hex part of a digest. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** `sha256:<hex>` of bytes (a string is hashed as UTF-8). */
export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** `sha256:<hex>` of a file, streamed (layers of a bench archive are gigabytes). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** The hex part of a digest (`abc…` for `sha256:abc…`). */
export function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}
