import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentStore } from './content-store';
import { sha256 } from '../../../test/support/digest';


describe('ContentStore', () => {
  let root: string;
  let store: ContentStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-store-'));
    store = new ContentStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('keeps content under its digest and misses what it never saw', async () => {
    const bytes = Buffer.from('{"schemaVersion":2}');
    expect(await store.get(sha256(bytes))).toBeNull();
    await store.put(sha256(bytes), bytes);
    expect((await store.get(sha256(bytes)))?.toString()).toBe('{"schemaVersion":2}');
  });

  it('refuses bytes that do not hash to the digest, and stores nothing', async () => {
    const wrong = sha256(Buffer.from('other'));
    await expect(store.put(wrong, Buffer.from('bytes'))).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await store.get(wrong)).toBeNull();
  });

  it('keeps derived JSON per kind and treats a damaged entry as a miss', async () => {
    const digest = sha256(Buffer.from('layer'));
    await store.putDerived('layer-files', digest, { files: 3 });
    expect(await store.getDerived('layer-files', digest)).toEqual({ files: 3 });
    expect(await store.getDerived('other-kind', digest)).toBeNull();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(store.derivedPath('layer-files', digest), '{half');
    expect(await store.getDerived('layer-files', digest)).toBeNull();
  });

  it('streams a large derived entry into place, or leaves nothing when the writer fails', async () => {
    const digest = sha256(Buffer.from('a layer'));
    await store.writeDerived('layer-files', digest, async (fh) => {
      await fh.write(Buffer.from('part one, '));
      await fh.write(Buffer.from('part two'));
    });
    expect((await store.getDerivedBytes('layer-files', digest))?.toString()).toBe('part one, part two');
    const other = sha256(Buffer.from('another layer'));
    await expect(
      store.writeDerived('layer-files', other, async (fh) => {
        await fh.write(Buffer.from('half'));
        throw new Error('disk trouble');
      }),
    ).rejects.toThrow('disk trouble');
    expect(await store.getDerivedBytes('layer-files', other)).toBeNull();
    const dir = join(root, 'derived', 'layer-files', 'sha256', other.slice(7, 9));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves no temporary files behind and rejects names that could escape the root', async () => {
    const bytes = Buffer.from('x');
    await store.put(sha256(bytes), bytes);
    const dir = join(root, 'blobs', 'sha256', sha256(bytes).slice(7, 9));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await expect(store.get('sha256:../../etc/passwd')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => store.derivedPath('../x', sha256(bytes))).toThrow(/not a valid kind/);
  });
});
