/**
 * One append-only file of JSON lines. Appends are serialised (one writer per file) and a rewrite
 * (compaction) goes through a temporary file, fsync and a rename, so a crash leaves either the
 * old file or the new one. A crash in the middle of an append can only tear the last line: the
 * loader skips lines that do not parse and rewrites the file before appending again, so a torn
 * tail never glues itself to the next line.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

/** What loading found. */
export interface LoadResult {
  /** Lines that parsed. */
  lines: number;
  /** Lines that did not (a torn tail, damage): the file should be rewritten before appending. */
  bad: number;
  /** Size of the file in bytes (0 when absent). */
  bytes: number;
  /** True when the file did not end with a newline (a torn last append). */
  tornTail: boolean;
}

/** An append-only JSON-lines file with atomic rewrites. */
export class Journal {
  private chain: Promise<void> = Promise.resolve();
  private size = 0;

  constructor(readonly path: string) {}

  /** Bytes in the file as this process knows it (after load, appends and rewrites). */
  get bytes(): number {
    return this.size;
  }

  /** Streams every line that parses as JSON to `onLine`, in file order. */
  async load(onLine: (value: unknown) => void): Promise<LoadResult> {
    let info;
    try {
      info = await stat(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: 0, bad: 0, bytes: 0, tornTail: false };
      throw err;
    }
    let lines = 0;
    let bad = 0;
    const rl = createInterface({ input: createReadStream(this.path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const text of rl) {
      if (!text) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        bad++;
        continue;
      }
      lines++;
      onLine(value);
    }
    this.size = info.size;
    return { lines, bad, bytes: info.size, tornTail: info.size > 0 && !(await endsWithNewline(this.path, info.size)) };
  }

  /** Appends lines (after every earlier append or rewrite has finished). */
  append(values: readonly unknown[]): Promise<void> {
    if (!values.length) return this.chain;
    const text = values.map((v) => JSON.stringify(v)).join('\n') + '\n';
    return this.enqueue(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, text);
      this.size += Buffer.byteLength(text);
    });
  }

  /** Replaces the whole file with `values()` (called when the rewrite runs, so it sees every earlier change). */
  rewrite(values: () => Iterable<unknown>): Promise<void> {
    return this.enqueue(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
      const fh = await open(tmp, 'w');
      let written = 0;
      try {
        let batch: string[] = [];
        const flush = async (): Promise<void> => {
          if (!batch.length) return;
          const chunk = batch.join('\n') + '\n';
          batch = [];
          await fh.write(chunk);
          written += Buffer.byteLength(chunk);
        };
        for (const v of values()) {
          batch.push(JSON.stringify(v));
          if (batch.length >= 512) await flush();
        }
        await flush();
        await fh.sync();
        await fh.close();
        await rename(tmp, this.path);
      } catch (err) {
        await fh.close().catch(() => undefined);
        await rm(tmp, { force: true });
        throw err;
      }
      this.size = written;
    });
  }

  /** Resolves when every queued write has finished. */
  idle(): Promise<void> {
    return this.chain;
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.chain.then(job);
    // A failed write must not block later ones; its caller sees the error.
    this.chain = next.catch(() => undefined);
    return next;
  }
}

async function endsWithNewline(path: string, size: number): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1);
    await fh.read(buf, 0, 1, size - 1);
    return buf[0] === 0x0a;
  } finally {
    await fh.close();
  }
}
