/**
 * An archive of 1.2 million empty entries (8 MB gzipped) is refused within a bounded memory, in
 * the plain-tar and the gzip path alike. Each archive is opened in a child process whose peak RSS
 * is measured; 300 MB is a safety limit, not a performance figure. The child runs with a 256 MB
 * heap, as a smaller machine would: running out of heap there fails the test too.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForTest } from '../../../test/support/engine/bundle';
import { type ManyNames, writeManyEntries } from '../../../test/support/archives/hostile';

const ENTRIES = 1_200_000;
const RSS_LIMIT = 300 * 1000 * 1000;

let dir: string;
let spool: string;
let child: string;
beforeAll(async () => {
  // Not /dev/shm: these archives are hundreds of MB and would count against the machine's memory.
  dir = await mkdtemp(join(tmpdir(), 'berth-entries-test-'));
  spool = join(dir, 'spool');
  await mkdir(spool);
  child = await bundleForTest('test/support/archives/open-child.ts', 'open-child');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  if (child) await rm(child, { force: true });
});

interface ChildOutcome {
  ok: boolean;
  code?: string;
  message?: string;
  peakRss: number;
}

function openInChild(path: string): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--max-old-space-size=256', child, path, spool], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) reject(new Error(`the child exited with ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out) as ChildOutcome);
    });
  });
}

const cases: { gzip: boolean; names: ManyNames }[] = [
  { gzip: true, names: 'blobs' },
  { gzip: true, names: 'rootfs' },
  { gzip: false, names: 'blobs' },
  { gzip: false, names: 'rootfs' },
];

describe('an archive of 1.2 million empty entries', () => {
  for (const { gzip, names } of cases) {
    const what = `${gzip ? '.tar.gz' : 'plain .tar'}, names ${names === 'blobs' ? 'where image blobs go' : 'no image uses'}`;
    it(`${what}: refused by its count of entries, in bounded memory`, { timeout: 180_000 }, async () => {
      const path = join(dir, `many-${names}.${gzip ? 'tar.gz' : 'tar'}`);
      await writeManyEntries(path, ENTRIES, names, gzip);
      try {
        const outcome = await openInChild(path);
        console.log(`[entry-count] ${what}: peak RSS ${(outcome.peakRss / 1e6).toFixed(0)} MB`);
        expect(outcome).toMatchObject({ ok: false, code: 'ARCHIVE_TOO_LARGE' });
        expect(outcome.message).toMatch(/has more than [\d,]+ entries.*; image archives have a few hundred/);
        expect(outcome.message).not.toMatch(/MiB|bytes/);
        expect(outcome.peakRss).toBeLessThan(RSS_LIMIT);
        expect(await readdir(spool)).toEqual([]);
      } finally {
        await rm(path, { force: true });
      }
    });
  }
});
