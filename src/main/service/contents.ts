/**
 * "Inside the image" behind the contract (issue 13): resolves a source (a saved registry's tag or
 * digest, or an image of an archive main issued a handle for) into an opened merged filesystem,
 * keeps the last few open for the screens' follow-up calls, and answers listings, searches, the
 * text view, saves, downloads and diffs from the one ContentsEngine of the composition root.
 */
import { randomBytes } from 'node:crypto';
import { WEB_DOWNLOAD_PATH } from '../../shared/api';
import {
  sourceKey,
  type DiffOptions,
  type DirListing,
  type FileChange,
  type FileNode,
  type FoundFiles,
  type ImageDiff,
  type ImageDiffPage,
  type ImageFilesInfo,
  type ImageFilesSource,
  type ListFilesOptions,
  type SaveFilesResult,
  type TextView,
  type TreeFilter,
} from '../../shared/contents-types';
import { BerthError } from '../../shared/errors';
import type { FileHandle, RegistryId } from '../../shared/types';
import { openArchive, type OpenedArchive } from '../archive';
import { diffImages, openDownload, pickArchiveImage, readText, registryImage, resolvePath, saveToDisk, type ImageDownload, type ImageFiles, type ImageSource } from '../contents';
import type { ContentsEngine } from '../contents/engine';
import { KIND } from '../contents/entry-kinds';
import type { RegistryClient } from '../registry/client';
import { Opening } from './contents-opening';
import type { ServiceEvents } from './events';
import type { FileTable } from './files';

/** How a registry tag stays trusted without asking the registry again (screens re-open on each visit). */
const TAG_TTL_MS = 5 * 60_000;
const KEEP_OPEN = 4;
const DOWNLOAD_TTL_MS = 60_000;

/** What the contents service needs from the rest of the service. */
export interface ContentsServiceOptions {
  engine: ContentsEngine;
  client: (id: RegistryId) => Promise<RegistryClient>;
  files: FileTable;
  events: ServiceEvents;
  /** The native save dialog (Electron), chosen in main; without it a save is a browser download. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
}

interface Open {
  img: ImageFiles;
  at: number;
  expires: number;
}

/** The contract's file browser and diff methods, over one ContentsEngine. */
export class ContentsService {
  private readonly opened = new Map<string, Open>();
  private readonly opening = new Map<string, Opening>();
  private readonly archives = new Map<FileHandle, Promise<OpenedArchive>>();
  private readonly downloads = new Map<string, { source: ImageFilesSource; path: string; expires: number }>();
  private readonly diffs = new Map<string, ImageDiff & { counts: ImageDiffPage['counts'] }>();

  constructor(private readonly opts: ContentsServiceOptions) {}

  /**
   * Opens (indexing what is not cached, with `contents:progress`) and answers the image's figures;
   * always asks the registry for the tag's digest again. `ifCached`: null rather than read a layer.
   */
  async open(source: ImageFilesSource, o: { ifCached?: boolean } = {}, signal?: AbortSignal): Promise<ImageFilesInfo | null> {
    let img: ImageFiles | null;
    if (o.ifCached) {
      img = await this.opts.engine.cachedImage(await this.resolve(source, signal));
      if (img) this.keep(sourceKey(source), source, img);
    } else img = await this.image(source, signal, true);
    if (!img) return null;
    const s = img.source;
    return { key: sourceKey(source), label: s.label, manifestDigest: s.manifestDigest, configDigest: s.configDigest, platform: s.platform, summary: img.summary };
  }

  /** A page of one folder of the image. */
  async list(source: ImageFilesSource, path: string, o: ListFilesOptions = {}, signal?: AbortSignal): Promise<DirListing> {
    return (await this.image(source, signal)).list(path, filterOf(o), o.offset, o.limit ?? 1000);
  }

  /** Paths matching a glob across the image. */
  async find(source: ImageFilesSource, glob: string, o: TreeFilter & { limit?: number } = {}, signal?: AbortSignal): Promise<FoundFiles> {
    return (await this.image(source, signal)).find(glob, filterOf(o), o.limit ?? 1000);
  }

  /** The biggest files (of the image, or of what one layer did). */
  async biggest(source: ImageFilesSource, o: TreeFilter & { limit?: number } = {}, signal?: AbortSignal): Promise<FileNode[]> {
    return (await this.image(source, signal)).biggest(o.limit ?? 100, filterOf(o));
  }

  /** The start of a file as text (1 MiB at most), or "binary, N bytes". */
  async read(source: ImageFilesSource, path: string, signal?: AbortSignal): Promise<TextView> {
    return readText(await this.image(source, signal), path, { signal });
  }

  /** Saves a file or folder where the user chooses in a native dialog (Electron), else hands out a one-time download. */
  async save(source: ImageFilesSource, path: string, signal?: AbortSignal): Promise<SaveFilesResult> {
    const img = await this.image(source, signal);
    const id = resolvePath(img, path);
    if (id < 0) throw new BerthError('INVALID_ARGUMENT', `${img.source.label} has no ${path}; nothing was saved.`);
    const name = img.tree.name(id) || 'image-root';
    if (this.opts.chooseSavePath) {
      const target = await this.opts.chooseSavePath(name);
      if (!target) return { kind: 'cancelled' };
      return { kind: 'saved', ...(await saveToDisk(img, path, target, { signal })) };
    }
    this.sweepDownloads();
    const token = randomBytes(24).toString('base64url');
    this.downloads.set(token, { source, path, expires: Date.now() + DOWNLOAD_TTL_MS });
    return { kind: 'download', url: `${WEB_DOWNLOAD_PATH}${token}`, name: img.tree.kind[id] === KIND.dir ? `${name}.tar` : name };
  }

  /** The stream behind a download token (web shell); each token works once, for a minute. */
  async takeDownload(token: string, signal?: AbortSignal): Promise<ImageDownload> {
    this.sweepDownloads();
    const d = this.downloads.get(token);
    this.downloads.delete(token);
    if (!d) throw new BerthError('INVALID_ARGUMENT', 'This download link was used already or has expired. Choose Save again.');
    return openDownload(await this.image(d.source, signal), d.path, signal);
  }

  /** Everything that differs between two images; `files` is one page of the changed paths. */
  async diff(a: ImageFilesSource, b: ImageFilesSource, o: DiffOptions = {}, signal?: AbortSignal): Promise<ImageDiffPage> {
    // The first page asks the registries for the tags again; further pages page the same diff.
    const fresh = !o.offset;
    const [ia, ib] = await Promise.all([this.image(a, signal, fresh), this.image(b, signal, fresh)]);
    const key = `${diffKey(ia)}\n${diffKey(ib)}`;
    let d = this.diffs.get(key);
    if (!d) {
      const full = diffImages(ia, ib);
      d = { ...full, counts: countChanges(full.files) };
      if (this.diffs.size >= 2) this.diffs.delete(this.diffs.keys().next().value as string);
      this.diffs.set(key, d);
    }
    const filter = o.filter ?? 'all';
    const matching = filter === 'all' ? d.files : d.files.filter((f) => f.change === filter);
    const offset = o.offset ?? 0;
    return { ...d, files: matching.slice(offset, offset + (o.limit ?? 2000)), filesTotal: matching.length, offset };
  }

  /** Stops an open in progress (every caller waiting for it gets CANCELLED). */
  cancel(source: ImageFilesSource): void {
    this.opening.get(sourceKey(source))?.controller.abort();
  }

  /** Forgets an archive whose handle is released: its opened images and its spooled files. */
  async releaseArchive(handle: FileHandle): Promise<void> {
    for (const key of [...this.opened.keys()]) if (key.startsWith(`archive|${handle}|`)) this.opened.delete(key);
    const archive = this.archives.get(handle);
    this.archives.delete(handle);
    await archive?.then((a) => a.close()).catch(() => undefined);
  }

  /** Stops opens and closes every archive. */
  async close(): Promise<void> {
    for (const o of this.opening.values()) o.controller.abort();
    this.opened.clear();
    await Promise.all([...this.archives.keys()].map((h) => this.releaseArchive(h)));
  }

  /** The opened image of a source: kept open from an earlier call, joined to an open in flight, or opened now. */
  private async image(source: ImageFilesSource, signal?: AbortSignal, fresh = false): Promise<ImageFiles> {
    const key = sourceKey(source);
    const hit = this.opened.get(key);
    if (hit && !fresh && hit.expires > Date.now()) {
      hit.at = Date.now();
      return hit.img;
    }
    let op = this.opening.get(key);
    if (!op) {
      const started = new Opening(key, labelOf(source), (p) => this.opts.events.emit('contents:progress', p), async (sig, onProgress, setLabel) => {
        const src = await this.resolve(source, sig);
        setLabel(src.label);
        return this.opts.engine.openImage(src, { signal: sig, onProgress });
      });
      op = started;
      this.opening.set(key, started);
      started.promise.then(
        (img) => this.keep(key, source, img),
        () => undefined,
      ).finally(() => this.opening.delete(key));
    }
    return op.join(signal);
  }

  private keep(key: string, source: ImageFilesSource, img: ImageFiles): void {
    const immutable = 'fileHandle' in source || source.reference.includes(':');
    this.opened.delete(key);
    this.opened.set(key, { img, at: Date.now(), expires: immutable ? Infinity : Date.now() + TAG_TTL_MS });
    while (this.opened.size > KEEP_OPEN) {
      const oldest = [...this.opened.entries()].sort((x, y) => x[1].at - y[1].at)[0][0];
      this.opened.delete(oldest);
    }
  }

  private async resolve(source: ImageFilesSource, signal?: AbortSignal): Promise<ImageSource> {
    if ('fileHandle' in source) {
      const entry = this.opts.files.get(source.fileHandle);
      let archive = this.archives.get(source.fileHandle);
      if (!archive) {
        archive = openArchive(entry.path, { signal, displayName: entry.name });
        this.archives.set(source.fileHandle, archive);
        archive.catch(() => this.archives.delete(source.fileHandle));
      }
      return pickArchiveImage(await archive, source.image, entry.name);
    }
    const client = await this.opts.client(source.registryId);
    return registryImage(client, source.repository, source.reference, { platform: source.platform, store: this.opts.engine.store, signal });
  }

  private sweepDownloads(): void {
    const now = Date.now();
    for (const [token, d] of this.downloads) if (d.expires <= now) this.downloads.delete(token);
  }
}

function filterOf(o: TreeFilter): TreeFilter {
  return { ...(o.layer !== undefined ? { layer: o.layer } : {}), ...(o.show ? { show: o.show } : {}) };
}

function labelOf(s: ImageFilesSource): string {
  return 'fileHandle' in s ? `image ${s.image} of the dropped archive` : `${s.repository}${s.reference.includes(':') ? '@' : ':'}${s.reference}`;
}

function diffKey(img: ImageFiles): string {
  return `${img.tree.key} ${img.source.configDigest} ${img.source.label}`;
}

function countChanges(files: FileChange[]): ImageDiffPage['counts'] {
  const counts = { all: files.length, added: 0, removed: 0, changed: 0, maybe: 0 };
  for (const f of files) counts[f.change]++;
  return counts;
}
