/**
 * Layers read from a real registry through a proxy that counts requests and bytes: indexes are
 * cached by digest (a second open sends no blob GET), a dropped download resumes with a Range
 * request for the remainder only, and a single file is read without fetching the rest of its layer.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { buildLayer, L, type BuiltLayer, pseudoRandom } from '../../../test/support/images/layers';
import { RegistryClient } from '../registry/client';
import { ContentStore } from '../store/content-store';
import { ContentsEngine, IMAGE_FILES, type OpenProgress } from './engine';
import { readText } from './files-out';
import { registryImage } from './image-source';
import { saveToDisk } from './save';
import { startProxy, type TestProxy } from '../../../test/support/proxy/proxy';
import { pushLayers } from '../../../test/support/images/push';
import { cutDownloadOnce } from '../../../test/support/proxy/request';

const FILES = 400;
const PAYLOAD = pseudoRandom(6 * 1024 * 1024, 'registry-layers');

describe('layers from a registry', () => {
  let reg: RunningRegistry;
  let proxy: TestProxy;
  let dir: string;
  let big: BuiltLayer;
  let small: BuiltLayer;
  const clients: RegistryClient[] = [];
  /** GETs of blobs through the proxy (of one digest when given). */
  const blobGets = (digest?: string) => proxy.seen.filter((r) => r.kind === 'GET blobs' && (!digest || r.url.endsWith(digest)));
  const client = () => {
    const c = new RegistryClient({ baseUrl: proxy.url, host: proxy.host });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    reg = await startRegistry();
    proxy = await startProxy(reg.url);
    dir = await mkdtemp(join(tmpdir(), 'berth-layers-'));
    small = await buildLayer([L.dir('etc'), ...Array.from({ length: FILES }, (_, i) => L.file(`etc/conf-${i}`, `value ${i}\n`))]);
    big = await buildLayer([L.dir('app'), L.file('app/first.txt', 'read me first\n'), L.file('app/payload.bin', PAYLOAD), L.file('app/last.txt', 'last\n')]);
    await pushLayers(reg, 'layers/app', ['v1'], [small, big]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await proxy?.stop();
    await reg?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('indexes each layer once, with progress; a second open reads only the manifest', async () => {
    const store = new ContentStore(join(dir, 'once'));
    const events: OpenProgress[] = [];
    const first = await new ContentsEngine(store).openImage(await registryImage(client(), 'layers/app', 'v1', { store }), { onProgress: (p) => events.push(p) });
    expect(first.summary.files).toBe(FILES + 3);
    expect(blobGets(small.digest)).toHaveLength(1);
    expect(blobGets(big.digest)).toHaveLength(1);
    const done = events.filter((e) => e.phase === 'index' && e.done);
    expect(done.map((e) => e.phase === 'index' && [e.layer, e.files, e.storedBytes])).toEqual(
      expect.arrayContaining([[0, FILES + 1, small.blob.length], [1, 4, big.blob.length]]),
    );
    expect(events.at(-1)).toEqual({ phase: 'merge', layers: 2 });

    const before = blobGets().length;
    const again = await new ContentsEngine(store).openImage(await registryImage(client(), 'layers/app', 'v1', { store }));
    expect(again.list('app').entries.map((e) => e.name)).toEqual(['first.txt', 'last.txt', 'payload.bin']);
    // Not even the merged tree is needed to avoid a layer read: the layer indexes are cached too.
    await store.dropDerived(IMAGE_FILES, again.tree.key);
    const rebuilt = await new ContentsEngine(store).openImage(await registryImage(client(), 'layers/app', 'v1', { store }));
    expect(rebuilt.summary).toEqual(first.summary);
    expect(blobGets().length).toBe(before);
  });

  it('resumes a dropped download with a Range request for the remainder only', async () => {
    const store = new ContentStore(join(dir, 'resume'));
    const engine = new ContentsEngine(store);
    const cutAt = Math.floor(big.blob.length * 0.4);
    proxy.fault = cutDownloadOnce(big.digest, cutAt);
    const img = await engine.openImage(await registryImage(client(), 'layers/app', 'v1', { store }));
    expect(img.stat('app/last.txt')).toMatchObject({ size: 5 });
    const gets = blobGets(big.digest).slice(-2);
    expect(gets[0]).toMatchObject({ range: undefined, bytes: cutAt });
    const resumedAt = engine.indexer.stats.get(big.digest)?.resumedAt ?? [];
    expect(resumedAt).toHaveLength(1);
    expect(resumedAt[0]).toBeGreaterThan(0);
    expect(resumedAt[0]).toBeLessThanOrEqual(cutAt);
    expect(gets[1]).toMatchObject({ range: `bytes=${resumedAt[0]}-`, status: 206, bytes: big.blob.length - resumedAt[0] });
  });

  it('reads one file without fetching the rest of its layer, and saves a folder', async () => {
    const store = new ContentStore(join(dir, 'read'));
    const img = await new ContentsEngine(store).openImage(await registryImage(client(), 'layers/app', 'v1', { store }));
    const count = blobGets(big.digest).length;
    // Count what the engine takes from the response (loopback sockets may buffer megabytes more).
    const layer = img.source.layers[1];
    const open = layer.open.bind(layer);
    let consumed = 0;
    layer.open = async (offset, signal) => {
      const body = await open(offset, signal);
      return Readable.from(
        (async function* () {
          for await (const chunk of body as AsyncIterable<Buffer>) {
            consumed += chunk.length;
            yield chunk;
          }
        })(),
      );
    };
    expect(await readText(img, 'app/first.txt')).toEqual({ text: 'read me first\n', size: 14, truncated: false });
    const read = blobGets(big.digest).slice(count);
    expect(read).toHaveLength(1);
    for (let i = 0; i < 200 && !read[0].closed; i++) await new Promise((r) => setTimeout(r, 25));
    expect(read[0].complete).toBe(false);
    expect(consumed).toBeLessThan(big.blob.length / 4);

    const out = join(dir, 'saved-app');
    const result = await saveToDisk(img, 'app', out);
    expect(result).toMatchObject({ files: 3, bytes: PAYLOAD.length + 14 + 5 });
    expect((await readFile(join(out, 'payload.bin'))).equals(PAYLOAD)).toBe(true);
  });

  it('names the layer and the problem when the registry lost a blob', async () => {
    const lost = await buildLayer([L.file('x', 'x')]);
    const other = await buildLayer([L.file('y', 'y')]);
    const pushed = await pushLayers(reg, 'layers/lost', ['v1'], [other, lost]);
    await reg.fetch(`/v2/layers/lost/blobs/${lost.digest}`, { method: 'DELETE' }).then((r) => r.text());
    const store = new ContentStore(join(dir, 'lost'));
    const err = await new ContentsEngine(store).openImage(await registryImage(client(), 'layers/lost', 'v1', { store })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BLOB_UNKNOWN' });
    expect(pushed.layers).toHaveLength(2);
  });
});
