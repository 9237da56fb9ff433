/** Small JSON files in the app's data folder: read (missing = null) and replaced atomically, in order. */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BerthError } from '../../shared/errors';

/**
 * Writes through a temporary file and a rename, so a crash never leaves half a file; the mode is
 * set before any content is written (secrets are never readable by others, even for a moment).
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/**
 * Reads a file of the app's own; one that is not valid JSON or not of the expected shape (a crash
 * of another program, a bad hand edit) is renamed to `NAME.broken-TIME` — kept, not lost — and the
 * app starts without it. Returns the data (null when missing or set aside) and where a broken file went.
 */
export async function readOwnJsonFile<T>(path: string, isValid: (v: unknown) => boolean): Promise<{ data: T | null; setAside?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { data: null };
    throw new BerthError('CREDENTIALS_UNREADABLE', `Cannot read ${path} (${code ?? String(err)}). Check the file's permissions.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (data !== undefined && isValid(data)) return { data: data as T };
  const setAside = `${path}.broken-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, setAside);
  return { data: null, setAside };
}

/** One JSON file of the data folder whose writes are queued, so two quick changes never land out of order. */
export class QueuedJsonFile {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly mode: number,
  ) {}

  /** Replaces the file with `value` (serialised now) once the writes before it are done. */
  write(value: unknown): Promise<void> {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    this.chain = this.chain.catch(() => undefined).then(() => writeFileAtomic(this.path, text, this.mode));
    return this.chain;
  }
}
