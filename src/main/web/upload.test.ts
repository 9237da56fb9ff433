/** The web shell's upload path: Berth's own temp root, and the disk's free space checked before a byte is written. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toWireError } from '../../shared/errors';
import { appTempRoot, usableBytes } from '../archive/temp-root';
import { receiveUpload, UploadDir } from './upload';

let dir: string;
let uploads: UploadDir;
let server: Server;
const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-upload-test-'));
  process.env.TMPDIR = dir;
  uploads = new UploadDir();
  server = createServer((req, res) => {
    void (async () => {
      // No size cap here: only the disk can refuse.
      const result = await receiveUpload(req, await uploads.path(), Number.MAX_SAFE_INTEGER).then(
        (path) => ({ ok: true, path }),
        (err: unknown) => ({ ok: false, error: toWireError(err) }),
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  server?.close();
  await uploads?.remove();
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await rm(dir, { recursive: true, force: true });
});

function upload(declared: number, body: Buffer): Promise<{ ok: boolean; path?: string; error?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', headers: { 'content-length': String(declared) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.write(body);
    // A declared size that is never sent: the server must answer from the header alone.
    if (body.length === declared) req.end();
  });
}

describe('receiveUpload', () => {
  it('keeps uploads in a folder of the app’s temp root, named for this process', async () => {
    const r = await upload(5, Buffer.from('hello'));
    expect(r.ok).toBe(true);
    expect(dirname(dirname(r.path!))).toBe(await appTempRoot());
    expect(basename(dirname(r.path!))).toMatch(new RegExp(`^berth-upload-${process.pid}-`));
  });

  it('refuses an upload larger than the disk can hold before writing it', async () => {
    const folder = await uploads.path();
    const before = await readdir(folder);
    const tooBig = (await usableBytes(folder)) + 1024 ** 3;
    const r = await upload(tooBig, Buffer.from('the start of a very large file'));
    expect(r).toMatchObject({ ok: false, error: { code: 'ARCHIVE_TOO_LARGE', message: expect.stringContaining('not enough free space') } });
    expect(await readdir(folder)).toEqual(before);
  });
});
