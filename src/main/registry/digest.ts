/** Content digests (OCI image spec "Digests"): `algorithm:hex` of some bytes, the one place Berth computes them whole. */
import { createHash } from 'node:crypto';
import { BerthError } from '../../shared/errors';

const HASHES: Record<string, string> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

/** `algo:hex` digest of bytes or of a string's UTF-8 (sha256 unless another supported algorithm is asked for). */
export function digestOf(bytes: Uint8Array | string, algorithm = 'sha256'): string {
  const algo = Object.hasOwn(HASHES, algorithm) ? HASHES[algorithm] : undefined;
  if (!algo) throw new BerthError('UNSUPPORTED', `Digest algorithm ${algorithm} is not supported; only sha256, sha384 and sha512 are.`);
  return `${algorithm}:${createHash(algo).update(bytes).digest('hex')}`;
}
