import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadFastGzip } from '../../../native/fast-gzip/index';
import { gzipEngine, parallelGzip, type GzipEngine } from './parallel-gzip';
import { collect, pieces } from '../../../test/support/streams';

/** Compressible but not trivial: a tar-like mix of repeated text and noise. */
function data(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = i % 4096 < 3000 ? 0x61 + ((i * 7) % 26) : x >>> 24;
  }
  return b;
}
/** Runs the system gzip on `gz`; returns its decompressed output, or null when gzip is not installed. */
function systemGunzip(gz: Buffer): Buffer | null {
  const t = spawnSync('gzip', ['-t'], { input: gz });
  if (t.error) return null;
  expect(t.status, t.stderr.toString()).toBe(0);
  const d = spawnSync('gzip', ['-dc'], { input: gz, maxBuffer: 1 << 30 });
  expect(d.status).toBe(0);
  return d.stdout;
}

const built = loadFastGzip() !== null;
const engines: GzipEngine[] = built ? ['libdeflate', 'zlib'] : ['zlib'];

describe('gzip engine', () => {
  it('uses libdeflate whenever the addon is built (CI installs libdeflate-dev, so it must be)', () => {
    console.log(`parallel gzip engine: ${gzipEngine}`);
    if (process.env.CI) expect(gzipEngine).toBe('libdeflate');
    expect(gzipEngine).toBe(built ? 'libdeflate' : 'zlib');
  });
  it.skipIf(!built)('addon: one complete gzip member per call, and it rejects non-buffers', async () => {
    const addon = loadFastGzip()!;
    const input = data(100_000);
    const member = await addon.gzipMember(input, 1);
    expect(member.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(member).equals(input)).toBe(true);
    expect(() => addon.gzipMember('x' as unknown as Buffer, 1)).toThrow(/Buffer/);
    expect(() => addon.gzipMember(input, 99)).toThrow(/level/);
  });
});

describe.each(engines)('parallelGzip (%s)', (engine) => {
  const bs = 256 * 1024;
  it('round-trips multi-block input, whatever the chunking, deterministically', async () => {
    const input = data(3 * bs + 12_345);
    const a = await collect(parallelGzip(pieces(input, 65536), { engine, blockSize: bs, parallel: 3 }));
    const b = await collect(parallelGzip(pieces(input, 1000), { engine, blockSize: bs, parallel: 1 }));
    expect(gunzipSync(a).equals(input)).toBe(true);
    expect(a.equals(b)).toBe(true);
    expect(a.length).toBeLessThan(input.length / 2);
    const sys = systemGunzip(a);
    if (sys) expect(sys.equals(input)).toBe(true);
  });
  it('input of exactly one block, and of a block boundary', async () => {
    for (const n of [bs, 2 * bs, 1]) {
      const input = data(n);
      expect(gunzipSync(await collect(parallelGzip(pieces(input, 4096), { engine, blockSize: bs }))).equals(input)).toBe(true);
    }
  });
  it('empty input is still a valid gzip file', async () => {
    const gz = await collect(parallelGzip(pieces(Buffer.alloc(0), 1), { engine }));
    expect(gz.length).toBeGreaterThan(0);
    expect(gunzipSync(gz)).toHaveLength(0);
    const sys = systemGunzip(gz);
    if (sys) expect(sys).toHaveLength(0);
  });
  it('surfaces a failing source', async () => {
    async function* broken(): AsyncGenerator<Buffer> {
      yield data(bs + 1);
      throw new Error('disk gone');
    }
    await expect(collect(parallelGzip(broken(), { engine, blockSize: bs }))).rejects.toThrow('disk gone');
  });
});

describe.skipIf(!built)('libdeflate members', () => {
  it('writes one gzip member per block (multi-member gzip), smaller than zlib at the same level', async () => {
    const bs = 256 * 1024;
    const input = data(4 * bs);
    const fast = await collect(parallelGzip(pieces(input, 65536), { engine: 'libdeflate', blockSize: bs }));
    const slow = await collect(parallelGzip(pieces(input, 65536), { engine: 'zlib', blockSize: bs }));
    let members = 0;
    for (let i = fast.indexOf(Buffer.from([0x1f, 0x8b, 0x08])); i >= 0; i = fast.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), i + 1)) members++;
    expect(members).toBeGreaterThanOrEqual(4);
    expect(fast.length).toBeLessThan(slow.length);
  });
});
