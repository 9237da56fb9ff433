/**
 * The pushes of this session: the push manager (loaded on the first push, so a service that
 * never pushes never loads the engine), the file each running push holds, and the repositories a
 * finished push changed, reported back so cached reads and the index forget them.
 */
import { BerthError } from '../../shared/errors';
import type { FileHandle, PushId, PushRequest, PushSummary, RegistryId } from '../../shared/types';
import type { GzipEngine } from '../push/parallel-gzip';
import type { ServiceEvents } from './events';
import type { FileTable } from './files';
import type { PushManagerLike } from './push-manager-like';

/** The registry settings a push is started with (what the saved registry resolves to). */
type PushRegistry = Parameters<PushManagerLike['start']>[0]['registry'];

/** Options of PushService. */
export interface PushServiceOptions {
  /** Push cache folder; without one the service cannot push. */
  cacheDir?: string;
  gzip?: GzipEngine;
  inProcess?: boolean;
  workerUrl?: URL;
  /** A ready manager (tests); otherwise one is created on the first push. */
  manager?: PushManagerLike;
  files: FileTable;
  events: ServiceEvents;
  /** A push finished having written to these repositories of `registryId`. */
  onPushed: (registryId: RegistryId, repositories: string[]) => void;
}

/** Starts, cancels and lists pushes; forwards their events. */
export class PushService {
  private manager: PushManagerLike | null = null;
  private loading: Promise<PushManagerLike> | null = null;
  private readonly handles = new Map<PushId, FileHandle>();
  private readonly registries = new Map<PushId, RegistryId>();

  constructor(private readonly opts: PushServiceOptions) {
    if (opts.manager) this.attach(opts.manager);
  }

  /** Starts a push of the archive behind `request.handle`, which stays held until the push ends. */
  async start(request: PushRequest, registry: PushRegistry): Promise<PushId> {
    const { files } = this.opts;
    const entry = files.get(request.handle);
    const manager = await this.load();
    files.retain(request.handle);
    try {
      const id = manager.start({ archivePath: entry.path, fileName: entry.name, registry, request });
      this.handles.set(id, request.handle);
      this.registries.set(id, request.registryId);
      return id;
    } catch (err) {
      await files.unretain(request.handle);
      throw err;
    }
  }

  async cancel(pushId: PushId): Promise<void> {
    if (!this.manager) throw new BerthError('INVALID_ARGUMENT', 'No push with that id is known in this session. Refresh the list of pushes.');
    await this.manager.cancel(pushId);
  }

  list(): PushSummary[] {
    return this.manager ? this.manager.list() : [];
  }

  /** Closes the manager, also one still loading. */
  async close(): Promise<void> {
    const manager = this.manager ?? (await this.loading?.catch(() => null));
    await manager?.close();
  }

  private load(): Promise<PushManagerLike> {
    if (this.manager) return Promise.resolve(this.manager);
    const { cacheDir, gzip, inProcess, workerUrl } = this.opts;
    if (!cacheDir) return Promise.reject(new BerthError('INTERNAL', 'This Berth service was built without a cache folder, so it cannot push. Build it with createService.'));
    this.loading ??= import('../push/manager').then(({ PushManager }) => {
      const manager: PushManagerLike = new PushManager({ cacheDir, gzip, inProcess, workerUrl });
      this.attach(manager);
      return manager;
    });
    return this.loading;
  }

  private attach(manager: PushManagerLike): void {
    const { events, files, onPushed } = this.opts;
    this.manager = manager;
    manager.on('progress', (p) => events.emit('push:progress', p));
    manager.on('done', (outcome) => {
      const handle = this.handles.get(outcome.pushId);
      this.handles.delete(outcome.pushId);
      if (handle) void files.unretain(handle);
      const registryId = this.registries.get(outcome.pushId);
      this.registries.delete(outcome.pushId);
      if (registryId && outcome.pushed.length) onPushed(registryId, [...new Set(outcome.pushed.map((p) => p.repository))]);
      events.emit('push:done', outcome);
    });
  }
}
