/**
 * Loads the optional libdeflate addon (native/fast-gzip). Works from source (vitest, tsx) and from
 * the bundle in out/main, because both sit below the folder holding package.json.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon's API: one complete gzip member per call, compressed on the libuv thread pool. */
export interface FastGzip {
  gzipMember(input: Buffer, level: number): Promise<Buffer>;
}

function packageRoot(from: string): string | null {
  for (let dir = from; ; ) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The addon, or null when it was not built (no libdeflate, no compiler); BERTH_GZIP=zlib is the service settings' business. */
export function loadFastGzip(): FastGzip | null {
  try {
    const here = fileURLToPath(import.meta.url);
    const root = packageRoot(dirname(here));
    if (!root) return null;
    const file = join(root, 'native', 'fast-gzip', 'build', 'Release', 'fast_gzip.node');
    if (!existsSync(file)) return null;
    const addon = createRequire(here)(file) as Partial<FastGzip>;
    return typeof addon.gzipMember === 'function' ? (addon as FastGzip) : null;
  } catch {
    return null;
  }
}
