/**
 * Interned digests: every digest the index knows is held once as a string and referred to by a
 * small integer everywhere else (tag maps, layer lists, GC marks), with its size in a typed array.
 * A 50,000-tag registry has a few hundred thousand digests; as integers they cost 4 bytes each
 * per reference instead of a 71-character string.
 */

/** Digest string ↔ integer id, plus the size in bytes of the content behind each digest (NaN when unknown). */
export class DigestTable {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private sizes = new Float64Array(1024).fill(NaN);

  /** Number of interned digests (ids are 0 … count-1). */
  get count(): number {
    return this.names.length;
  }

  /** The id of `digest`, interning it when new. */
  intern(digest: string): number {
    let id = this.ids.get(digest);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(digest, id);
      this.names.push(digest);
      if (id >= this.sizes.length) {
        const grown = new Float64Array(this.sizes.length * 2).fill(NaN);
        grown.set(this.sizes);
        this.sizes = grown;
      }
    }
    return id;
  }

  /** The id of `digest`, or -1 when the index never saw it. */
  id(digest: string): number {
    return this.ids.get(digest) ?? -1;
  }

  /** The digest string of `id`. */
  name(id: number): string {
    return this.names[id];
  }

  /** Size in bytes of the content `id` names (NaN when unknown). */
  size(id: number): number {
    return this.sizes[id];
  }

  /**
   * Records the size of `id`'s content. A size read from the bytes themselves (`measured`) wins;
   * otherwise the first size a descriptor claimed stays (content is immutable by digest).
   */
  setSize(id: number, bytes: number, measured = false): void {
    if (!Number.isFinite(bytes) || bytes < 0) return;
    if (measured || Number.isNaN(this.sizes[id])) this.sizes[id] = bytes;
  }

  /** Every digest string, by id (for search by prefix). */
  all(): readonly string[] {
    return this.names;
  }
}
