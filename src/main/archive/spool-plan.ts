/**
 * What a .tar.gz's metadata says it needs, learnt while the archive streams by. `docker save`
 * writes manifest.json last, but where it comes first (re-packed archives, some tools) the reader
 * spools only the files it names; manifest.json and index.json are checked as soon as they
 * arrive, so broken metadata is refused before any layer is unpacked.
 */
import type { ArchiveErrors } from './archive-errors';
import { type IndexedEntry, isObject } from './contents';
import { normalizeEntryName } from './paths';

/** Where the legacy layouts put the files their `layer.tar` links point to (docker, skopeo). */
const LINK_TARGET = /^[^/]+\.tar$|^[^/]+\/layer\.tar$/;

/** The files a docker manifest.json names, once it has been read. */
export class SpoolPlan {
  private wanted: Set<string> | null = null;
  private readonly found = new Set<string>();
  private unseen = 0;

  constructor(
    private readonly errors: ArchiveErrors,
    private readonly entries: Map<string, IndexedEntry>,
  ) {}

  /** Takes in a metadata file read whole; throws when manifest.json or index.json is not valid. */
  metadata(name: string, bytes: Buffer): void {
    if (name !== 'manifest.json' && name !== 'index.json') return;
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw this.errors.badJson(name, (err as Error).message);
    }
    if (name === 'index.json') {
      if (!isObject(json) || !Array.isArray(json.manifests)) throw this.errors.badJson('index.json', 'it has no "manifests" list');
      return;
    }
    if (!Array.isArray(json)) throw this.errors.badJson('manifest.json', 'it must be a list of images');
    this.wanted = new Set();
    this.found.clear();
    this.unseen = 0;
    for (const item of json) {
      if (!isObject(item)) continue;
      const names: unknown[] = [item.Config, ...(Array.isArray(item.Layers) ? item.Layers : [])];
      for (const raw of names) {
        const n = typeof raw === 'string' ? normalizeEntryName(raw) : null;
        if (n) this.want(n);
      }
    }
  }

  /** An entry was kept: a named file is found, a named link makes its target wanted too. */
  kept(entry: IndexedEntry): void {
    if (!this.wanted?.has(entry.name)) return;
    if (!this.found.has(entry.name)) {
      this.found.add(entry.name);
      this.unseen--;
    }
    if (entry.target !== undefined) this.want(entry.target);
  }

  /** False when manifest.json came first and neither names this file nor may still link to it. */
  wants(name: string): boolean {
    if (!this.wanted || this.wanted.has(name)) return true;
    return this.unseen > 0 && LINK_TARGET.test(name);
  }

  private want(name: string): void {
    if (this.wanted!.has(name)) return;
    this.wanted!.add(name);
    const entry = this.entries.get(name);
    if (!entry) {
      this.unseen++;
      return;
    }
    this.found.add(name);
    if (entry.target !== undefined) this.want(entry.target);
  }
}
