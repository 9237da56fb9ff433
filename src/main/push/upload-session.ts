/**
 * One blob upload session (distribution spec "Pushing blobs"): POST (optionally a cross-repo
 * mount), chunked PATCHes with Content-Range, the closing PUT ?digest=, status GET for resuming,
 * and DELETE on cancel. The `Location` after every answer is the session's new address: it may be
 * relative, and carries the registry's state in its query.
 */
import { BerthError } from '../../shared/errors';
import type { RegistryClient } from '../registry/client';
import type { RegistryResponse, Scope } from '../registry/types';
import { backoffMs, cancelled, isRetryable, MAX_TRIES, sleep } from './retry';

/** The registry lost the session (404/400 on status): start a new one. */
export class SessionLost extends Error {
  constructor() {
    super('upload session lost');
  }
}

/** The registry holds fewer bytes than the chunk being sent starts at: re-produce from `offset`. */
export class SessionRewind extends Error {
  constructor(readonly offset: number) {
    super(`upload must resume at ${offset}`);
  }
}

/** What sessions share: the client, the repository, cancellation and a byte counter. */
export interface SessionContext {
  client: RegistryClient;
  repository: string;
  signal?: AbortSignal;
  /**
   * Aborts PATCH/PUT bodies in flight; fires a grace period after `signal`. distribution cannot
   * DELETE a session whose last PATCH was cut (its state no longer matches), so a cancel lets the
   * request in flight finish and DELETEs with the registry's newest Location.
   */
  hardSignal?: AbortSignal;
  /** Every open session, so a cancel can DELETE them all. */
  open: Set<UploadSession>;
  /** Called with the body bytes of every PATCH/PUT that the registry acknowledged. */
  onSent(bytes: number): void;
}

function header(res: RegistryResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Parses `Range: 0-N` (bytes the registry holds, inclusive end) into a byte count. */
export function parseRange(value: string | undefined, known: number): number | null {
  const m = /^(?:bytes=)?0-(\d+)$/.exec((value ?? '').trim());
  if (!m) return null;
  const end = Number(m[1]);
  // distribution answers 0-0 both for 0 and 1 bytes held; what we know already decides.
  if (end === 0) return known >= 1 ? 1 : 0;
  return end + 1;
}

/** An open upload; `offset` is how many bytes the registry acknowledged. */
export class UploadSession {
  offset = 0;
  minChunk = 0;
  closed = false;
  /** A PATCH/PUT was cut off by a cancel: the registry may still be writing it when the DELETE lands. */
  private interrupted = false;

  private constructor(
    private readonly ctx: SessionContext,
    public location: URL,
  ) {
    ctx.open.add(this);
  }

  private get scope(): Scope {
    return { repository: this.ctx.repository, actions: ['pull', 'push'] };
  }

  /** Opens a session; with `mount`, asks for a cross-repository mount first ('mounted' when it worked). */
  static async start(ctx: SessionContext, mount?: { digest: string; from: string }): Promise<UploadSession | 'mounted'> {
    const q = mount ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}` : '';
    const url = `/v2/${ctx.repository}/blobs/uploads/${q}`;
    let res: RegistryResponse | null = null;
    for (let attempt = 1; !res; attempt++) {
      try {
        if (ctx.signal?.aborted) throw cancelled();
        // Not aborted mid-flight: a POST the registry saw but whose Location we lost would leave an upload nobody can DELETE.
        res = await ctx.client.request({
          method: 'POST',
          url,
          // A mount reads the source repository: one token must grant pull there too (distribution checks both).
          scope: { repository: ctx.repository, actions: ['pull', 'push'], ...(mount ? { also: [{ repository: mount.from, actions: ['pull'] }] } : {}) },
          signal: AbortSignal.timeout(60_000),
          expect: mount ? [201, 202] : [202],
          headers: { 'content-length': '0' },
        });
      } catch (err) {
        if (attempt >= MAX_TRIES || !isRetryable(err) || ctx.signal?.aborted) throw err;
        await sleep(backoffMs(attempt), ctx.signal);
      }
    }
    await res.body.dump();
    if (res.status === 201) return 'mounted';
    const location = header(res, 'location');
    if (!location) throw new BerthError('UNEXPECTED_RESPONSE', `${ctx.client.config.host} opened an upload without a Location header. The registry is not spec-compliant; try another registry.`);
    const s = new UploadSession(ctx, new URL(location, res.url));
    const min = Number(header(res, 'oci-chunk-min-length'));
    if (Number.isFinite(min) && min > 0) s.minChunk = min;
    // Registered in `open` above, so the push's cleanup DELETEs it.
    if (ctx.signal?.aborted) throw cancelled();
    return s;
  }

  private follow(res: RegistryResponse): void {
    const location = header(res, 'location');
    if (location) this.location = new URL(location, res.url);
  }

  /** Asks where the upload stands: bytes held, or null when the registry no longer knows it. */
  async status(): Promise<number | null> {
    const res = await this.ctx.client
      .request({ method: 'GET', url: this.location, scope: this.scope, signal: this.ctx.signal, expect: [204, 200] })
      .catch((err: unknown) => {
        if (err instanceof BerthError && ['BLOB_UPLOAD_UNKNOWN', 'BLOB_UPLOAD_INVALID', 'NAME_UNKNOWN'].includes(err.code)) return null;
        throw err;
      });
    if (!res) return null;
    await res.body.dump();
    this.follow(res);
    return parseRange(header(res, 'range'), this.offset);
  }

  /** After a failure: resynchronise `offset` with the registry, or throw SessionLost. */
  private async resync(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const held = await this.status();
        if (held === null) throw new SessionLost();
        this.offset = held;
        return;
      } catch (err) {
        if (attempt >= MAX_TRIES || !isRetryable(err) || this.ctx.signal?.aborted) throw err;
        await sleep(backoffMs(attempt), this.ctx.signal);
      }
    }
  }

  /** Sends the part of `chunk` (which starts at byte `start` of the blob) the registry does not have yet. */
  async patch(chunk: Buffer, start: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.ctx.signal?.aborted) throw cancelled();
      const from = this.offset - start;
      if (from >= chunk.length) return;
      if (from < 0) throw new SessionRewind(this.offset);
      const body = chunk.subarray(from);
      try {
        const res = await this.ctx.client.request({
          method: 'PATCH',
          url: this.location,
          scope: this.scope,
          signal: this.ctx.hardSignal ?? this.ctx.signal,
          body,
          expect: [202],
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `${this.offset}-${this.offset + body.length - 1}`,
            'content-length': String(body.length),
          },
        });
        await res.body.dump();
        this.follow(res);
        this.offset = parseRange(header(res, 'range'), this.offset + body.length) ?? this.offset + body.length;
        this.ctx.onSent(body.length);
        continue;
      } catch (err) {
        if (this.ctx.signal?.aborted) this.interrupted = true;
        if (attempt >= MAX_TRIES || !isRetryable(err) || this.ctx.signal?.aborted) throw err;
        await sleep(backoffMs(attempt), this.ctx.signal);
        await this.resync();
      }
    }
  }

  /** Closes the upload with `PUT ?digest=`, sending what of `last` (starting at `start`) is still missing. */
  async finish(digest: string, last: Buffer, start: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.ctx.signal?.aborted) throw cancelled();
      const from = this.offset - start;
      if (from < 0) throw new SessionRewind(this.offset);
      const body = last.subarray(Math.min(from, last.length));
      const url = new URL(this.location);
      url.searchParams.set('digest', digest);
      try {
        const res = await this.ctx.client.request({
          method: 'PUT',
          url,
          scope: this.scope,
          signal: this.ctx.hardSignal ?? this.ctx.signal,
          body,
          expect: [201, 204],
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
        });
        await res.body.dump();
        this.ctx.onSent(body.length);
        this.close();
        return;
      } catch (err) {
        if (this.ctx.signal?.aborted) this.interrupted = true;
        if (attempt >= MAX_TRIES || !isRetryable(err) || this.ctx.signal?.aborted) throw err;
        await sleep(backoffMs(attempt), this.ctx.signal);
        const held = await this.status().catch(() => null);
        if (held === null) {
          // The PUT may have landed before the connection broke: then the session is gone and the blob exists.
          this.close();
          throw new SessionLost();
        }
        this.offset = held;
      }
    }
  }

  /** Forgets the session locally (it was completed or the registry dropped it). */
  close(): void {
    this.closed = true;
    this.ctx.open.delete(this);
  }

  /**
   * DELETEs the session on the registry (best effort, own timeouts: it runs after a cancel). When
   * a request was cut off, distribution may still be writing its body as the DELETE lands and so
   * revive the upload; a second DELETE a moment later removes what it wrote.
   */
  async cancel(): Promise<void> {
    if (this.closed) return;
    this.close();
    await this.sendDelete();
    if (this.interrupted) {
      await new Promise((r) => setTimeout(r, 500));
      await this.sendDelete();
    }
  }

  private async sendDelete(): Promise<void> {
    try {
      const res = await this.ctx.client.request({
        method: 'DELETE',
        url: this.location,
        scope: this.scope,
        signal: AbortSignal.timeout(10_000),
        expect: [204, 200, 202, 404, 400],
      });
      await res.body.dump();
    } catch {
      // Best effort: the registry purges abandoned uploads itself eventually.
    }
  }
}
