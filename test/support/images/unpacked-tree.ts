/**
 * Test support: the reference filesystem of an image, as `umoci unpack --rootless` produces it
 * from a registry image (copied into an OCI layout by `skopeo copy`), walked into a map of
 * path → type, size, mode, link target, so the engine's merged view can be compared with it.
 */
import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningRegistry } from '../registry/start';

const run = promisify(execFile);

/** One path of an unpacked tree: `f` file, `d` dir, `l` symlink, `p` FIFO, `c`/`b` devices. */
export interface TreeEntry {
  type: 'f' | 'd' | 'l' | 'p' | 'c' | 'b' | '?';
  /** Bytes of a regular file (0 otherwise). */
  size: number;
  /** Permission bits (0 for symlinks). */
  mode: number;
  /** Symlink target. */
  link: string;
}

/** Copies `repo:tag` from the registry into the OCI layout `layout` and unpacks it into `bundle`; returns the rootfs. */
export async function umociUnpack(reg: RunningRegistry, repo: string, tag: string, layout: string, bundle: string): Promise<string> {
  await tool('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${reg.host}/${repo}:${tag}`, `oci:${layout}:${tag}`]);
  await tool('umoci', ['unpack', '--rootless', '--image', `${layout}:${tag}`, bundle]);
  return join(bundle, 'rootfs');
}

/** Runs a reference tool; the tests fail (not skip) when it is missing. */
async function tool(bin: string, args: string[]): Promise<void> {
  try {
    await run(bin, args);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error(`${bin} not found: install Debian's ${bin} package (apt-get install ${bin}).`, { cause: err });
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr ?? e.message}`, { cause: err });
  }
}

/** Every path under `root` (not following symlinks), relative, without a leading slash. */
export async function walkTree(root: string): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  const visit = async (dir: string, rel: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const full = join(dir, name);
      const path = rel ? `${rel}/${name}` : name;
      const st = await lstat(full);
      const type = st.isFile() ? 'f' : st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFIFO() ? 'p' : st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : '?';
      out.set(path, { type, size: type === 'f' ? st.size : 0, mode: type === 'l' ? 0 : st.mode & 0o7777, link: type === 'l' ? await readlink(full) : '' });
      if (type === 'd') await visit(full, path);
    }
  };
  await visit(root, '');
  return out;
}

/** Whether two regular files of two unpacked trees have the same bytes. */
export async function sameBytes(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([readFile(a), readFile(b)]);
  return x.equals(y);
}
