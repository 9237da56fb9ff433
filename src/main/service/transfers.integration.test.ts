/**
 * Saves and copies through the contract (issue 14) against real registries: progress as
 * `transfer:progress` events, the transfers list, retag inside one repository, cancel; and the
 * web shell's one-time download of a saved archive, which Berth's own reader opens.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';
import type { TransferSummary } from '../../shared/transfer-types';
import type { RegistryInfo } from '../../shared/types';
import { fakeRenderer, login, raw } from '../../../test/support/app/web-session';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '../../../test/support/images/push';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { openArchive } from '../archive/open-archive';
import { startWebServer } from '../web/server';
import { dispatch } from './dispatch';
import { BerthService } from './service';

const value = <T>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
};

let dir: string;
let a: RunningRegistry;
let b: RunningRegistry;
let app: PushedImage;
let multi: PushedIndex;
const service = new BerthService();
const events: TransferSummary[] = [];
let ida: string;
let idb: string;

/** Resolves with the transfer's last event once it finished. */
function finished(id: string): Promise<TransferSummary> {
  return new Promise((ok) => {
    const check = (s: TransferSummary): void => {
      if (s.transferId === id && ['done', 'failed', 'cancelled'].includes(s.progress.phase)) {
        off();
        ok(s);
      }
    };
    const off = service.events.on('transfer:progress', check);
    const known = service.transfers.list().find((s) => s.transferId === id);
    if (known) check(known);
  });
}

const digestOf = async (reg: RunningRegistry, repo: string, tag: string): Promise<string | null> => {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
  return res.status === 200 ? res.headers.get('docker-content-digest') : null;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-transfers-'));
  [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  app = await pushImage(a, 'team/app', ['1'], { layers: 2 });
  multi = await pushIndex(a, 'team/multi', ['2'], [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }]);
  ida = value<RegistryInfo>(await dispatch(service, 'addRegistry', [{ url: a.host }])).id;
  idb = value<RegistryInfo>(await dispatch(service, 'addRegistry', [{ url: b.host }])).id;
  service.events.on('transfer:progress', (s) => events.push(s));
});
afterAll(async () => {
  await service.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('saves and copies as transfers', () => {
  it('saves a tag in the background with progress events; the archive opens in Berth', async () => {
    const id = value<string>(await dispatch(service, 'startSave', [{ registryId: ida, repository: 'team/multi', reference: '2', format: 'oci' }]));
    const done = await finished(id);
    expect(done).toMatchObject({ kind: 'save', fileName: 'multi-2.oci.tar', digest: multi.digest, error: null, download: null, progress: { phase: 'done' } });
    const seen = events.filter((e) => e.transferId === id).map((e) => e.progress.phase);
    expect(seen[0]).toBe('resolving');
    expect(seen).toContain('blobs');
    const archive = await openArchive(service.transfers.finishedFile(id)!);
    try {
      expect(archive.images.map((i) => i.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);
    } finally {
      await archive.close();
    }
    expect(value<TransferSummary[]>(await dispatch(service, 'listTransfers', []))[0].transferId).toBe(id);
  });

  it('copies to another registry, and adds a tag inside one repository (retag, no blob traffic)', async () => {
    const copy = value<string>(await dispatch(service, 'startCopy', [{ registryId: ida, repository: 'team/app', reference: '1', target: { registryId: idb, repository: 'mirror/app', tag: '1' } }]));
    expect(await finished(copy)).toMatchObject({ kind: 'copy', digest: app.digest, progress: { phase: 'done', bytesStreamed: app.size } });
    expect(await digestOf(b, 'mirror/app', '1')).toBe(app.digest);
    const tag = value<string>(await dispatch(service, 'startCopy', [{ registryId: ida, repository: 'team/app', reference: '1', target: { registryId: ida, repository: 'team/app', tag: 'stable' } }]));
    expect(await finished(tag)).toMatchObject({ kind: 'retag', digest: app.digest, progress: { phase: 'done', bytesStreamed: 0 } });
    expect(await digestOf(a, 'team/app', 'stable')).toBe(app.digest);
  });

  it('cancels a copy: it ends cancelled and no tag is written', async () => {
    await pushImage(a, 'team/big', ['1'], { layerSizes: [12 * 1024 * 1024, 12 * 1024 * 1024] });
    const id = value<string>(await dispatch(service, 'startCopy', [{ registryId: ida, repository: 'team/big', reference: '1', target: { registryId: idb, repository: 'mirror/big', tag: '1' } }]));
    await new Promise<void>((ok) => {
      const off = service.events.on('transfer:progress', (s) => {
        if (s.transferId === id && s.progress.bytesStreamed > 0) {
          off();
          ok();
        }
      });
    });
    await dispatch(service, 'cancelTransfer', [id]);
    expect(await finished(id)).toMatchObject({ progress: { phase: 'cancelled' }, error: { code: 'CANCELLED' } });
    expect(await digestOf(b, 'mirror/big', '1')).toBeNull();
  });

  it('refuses bad requests before anything starts', async () => {
    const withDocker = await dispatch(service, 'startSave', [{ registryId: ida, repository: 'team/app', reference: '1', format: 'docker', withReferrers: true }]);
    expect(withDocker).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('OCI') } });
    expect(await dispatch(service, 'startSave', [{ registryId: ida, repository: 'team/app', reference: '1', format: 'zip' }])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await dispatch(service, 'startCopy', [{ registryId: ida, repository: 'team/app', reference: '1', target: { registryId: idb, repository: 'x', tag: '-bad' } }])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await dispatch(service, 'startSave', [{ registryId: ida, repository: 'team/app', reference: '1', format: 'oci', platforms: { kind: 'one', platform: { os: 'linux/x' } } }])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await dispatch(service, 'cancelTransfer', ['nope'])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});

describe('the web shell delivers a save as a one-time download', () => {
  it('streams the finished archive once, as an attachment; the link is spent afterwards', async () => {
    const web = new BerthService();
    const { dir: renderer } = await fakeRenderer();
    const server = await startWebServer({ port: 0, service: web, rendererDir: renderer });
    try {
      const cookie = await login(server.url);
      const call = async (method: string, ...args: unknown[]): Promise<unknown> => {
        const res = await raw(server.port, { method: 'POST', path: `/api/${method}`, headers: { cookie, 'x-berth-api': '1', 'content-type': 'application/json' }, body: JSON.stringify({ args }) });
        return value(JSON.parse(res.body) as Result<unknown>);
      };
      const reg = (await call('addRegistry', { url: a.host })) as RegistryInfo;
      const id = (await call('startSave', { registryId: reg.id, repository: 'team/app', reference: '1', format: 'docker' })) as string;
      let done: TransferSummary | undefined;
      for (let i = 0; i < 200 && !done?.download; i++) {
        done = ((await call('listTransfers')) as TransferSummary[]).find((t) => t.transferId === id);
        if (!done?.download) await new Promise((r) => setTimeout(r, 50));
      }
      expect(done).toMatchObject({ progress: { phase: 'done' }, download: expect.stringMatching(/^\/api\/download\/[\w-]{43}$/) });
      expect(await raw(server.port, { path: done!.download! })).toMatchObject({ status: 401 });
      const first = await new Promise<{ status: number; disposition: string; bytes: Buffer }>((ok, fail) => {
        void import('node:http').then(({ request }) => {
          const req = request({ host: '127.0.0.1', port: server.port, path: done!.download!, headers: { cookie, host: `127.0.0.1:${server.port}` } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => ok({ status: res.statusCode ?? 0, disposition: String(res.headers['content-disposition']), bytes: Buffer.concat(chunks) }));
          });
          req.on('error', fail);
          req.end();
        });
      });
      expect(first.status).toBe(200);
      expect(first.disposition).toBe('attachment; filename="app-1.tar"');
      const file = join(dir, 'downloaded.tar');
      await writeFile(file, first.bytes);
      const archive = await openArchive(file);
      try {
        expect(archive.images[0].config.digest).toBe(app.configDigest);
      } finally {
        await archive.close();
      }
      expect(await raw(server.port, { path: done!.download!, headers: { cookie } })).toMatchObject({ status: 404 });
    } finally {
      await server.close();
      await web.close();
    }
  });
});
