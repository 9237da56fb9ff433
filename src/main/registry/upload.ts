/**
 * One blob upload session (distribution spec "Pushing blobs"): POST (optionally a cross-repo
 * mount), chunked PATCHes with Content-Range, the closing PUT ?digest=, status GET for resuming,
 * and DELETE when Berth gives the session up. The `Location` after every answer is the session's
 * new address: it may be relative, and carries the registry's state in its query (distribution
 * signs the offset into `_state` and drops a session asked about with a stale one). Protocol only:
 * pushes and copies decide what to upload and when (push/blob-push.ts, transfer/blob-copy.ts).
 */
import { BerthError } from '../../shared/errors';
import type { RegistryClient } from './client';
import { cancelled, classify, type FailureKind, type RetryPolicy } from './retry';
import { watchBody } from './retry-interceptor';
import type { RegistryResponse, Scope } from './types';

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

/** What sessions share: the client, the repository, cancellation, the retry policy and a byte counter. */
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
  /** Every open session, so a failed or cancelled push can DELETE them all. */
  open: Set<UploadSession>;
  policy: RetryPolicy;
  /** Called with the body bytes of every PATCH/PUT that the registry acknowledged. */
  onSent(bytes: number): void;
}

/** HEADs a blob in `repository` before uploading it: its size when the repository has it, null otherwise. */
export async function headBlob(client: RegistryClient, repository: string, digest: string, signal?: AbortSignal): Promise<number | null> {
  const res = await client.request({ method: 'HEAD', url: `/v2/${repository}/blobs/${digest}`, scope: { repository, actions: ['pull', 'push'] }, signal, expect: [200, 404] });
  await res.body.dump();
  if (res.status !== 200) return null;
  const len = Number(res.headers['content-length']);
  return Number.isFinite(len) ? len : null;
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

/**
 * Runs `fn` again after failures the upload loop can repair: a cut connection, a stall, a 5xx.
 * Rate limits and an unreachable registry were already waited out by the client's retry
 * interceptor, so reaching here they are final. `repair` runs before each new try.
 */
export async function retrying<T>(ctx: SessionContext, fn: () => Promise<T>, repair?: () => Promise<void>): Promise<T> {
  const tries = new Map<FailureKind, number>();
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      const kind = classify(err);
      if (kind !== 'cut' && kind !== 'stalled' && kind !== 'server-error') throw err;
      const n = (tries.get(kind) ?? 0) + 1;
      tries.set(kind, n);
      const delay = ctx.policy.delayFor(kind, n);
      if (kind !== 'server-error') ctx.policy.cuts++;
      if (delay === null) throw err;
      await ctx.policy.wait(kind, delay, ctx.signal);
      await repair?.();
    }
  }
}

/** An open upload; `offset` is how many bytes the registry acknowledged. */
export class UploadSession {
  offset = 0;
  minChunk = 0;
  /** The closing PUT succeeded: the session became a blob and there is nothing to DELETE. */
  done = false;
  /** A PATCH/PUT was cut off by a cancel: the registry may still be writing it when the DELETE lands. */
  private interrupted = false;
  private deleted = false;

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
    const res = await retrying(ctx, () =>
      // Not aborted mid-flight: a POST the registry saw but whose Location we lost would leave an upload nobody can DELETE.
      ctx.client.request({
        method: 'POST',
        url,
        // A mount reads the source repository: one token must grant pull there too (distribution checks both).
        scope: { repository: ctx.repository, actions: ['pull', 'push'], ...(mount ? { also: [{ repository: mount.from, actions: ['pull'] }] } : {}) },
        signal: AbortSignal.timeout(60_000),
        expect: mount ? [201, 202] : [202],
        headers: { 'content-length': '0' },
      }),
    );
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

  /** Asks where the upload stands (at its newest Location): bytes held, or null when the registry no longer knows it. */
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
    const held = await retrying(this.ctx, () => this.status());
    if (held === null) throw new SessionLost();
    this.offset = held;
  }

  /** PATCH (or the closing PUT) with the body watched for stalls; the answer's body is dumped. */
  private async send(method: 'PATCH' | 'PUT', url: URL, body: Buffer, headers: Record<string, string>, expect: number[]): Promise<RegistryResponse> {
    const { stallMs } = this.ctx.policy.timings;
    if (body.length) watchBody(body, { stallMs, afterBodyMs: stallMs });
    try {
      const res = await this.ctx.client.request({
        method,
        url,
        scope: this.scope,
        signal: this.ctx.hardSignal ?? this.ctx.signal,
        body,
        expect,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length), ...headers },
      });
      await res.body.dump();
      return res;
    } catch (err) {
      if (this.ctx.signal?.aborted) this.interrupted = true;
      throw err;
    }
  }

  /** Sends the part of `chunk` (which starts at byte `start` of the blob) the registry does not have yet. */
  async patch(chunk: Buffer, start: number): Promise<void> {
    await retrying(
      this.ctx,
      async () => {
        for (;;) {
          if (this.ctx.signal?.aborted) throw cancelled();
          const from = this.offset - start;
          if (from >= chunk.length) return;
          if (from < 0) throw new SessionRewind(this.offset);
          const body = chunk.subarray(from);
          const res = await this.send('PATCH', this.location, body, { 'content-range': `${this.offset}-${this.offset + body.length - 1}` }, [202]);
          this.follow(res);
          this.offset = parseRange(header(res, 'range'), this.offset + body.length) ?? this.offset + body.length;
          this.ctx.onSent(body.length);
        }
      },
      () => this.resync(),
    );
  }

  /**
   * Sends what of `last` (starting at `start`) is still missing as a PATCH, then closes the upload
   * with a bodiless `PUT ?digest=` (as docker does). The PUT carries no data so that, when the
   * registry refuses the digest, the session's newest Location still matches what it holds and
   * the DELETE that gives it up works (distribution keeps a session whose state does not match).
   */
  async finish(digest: string, last: Buffer, start: number): Promise<void> {
    if (last.length) await this.patch(last, start);
    await retrying(
      this.ctx,
      async () => {
        if (this.ctx.signal?.aborted) throw cancelled();
        if (this.offset < start + last.length) throw new SessionRewind(this.offset);
        const url = new URL(this.location);
        url.searchParams.set('digest', digest);
        await this.send('PUT', url, Buffer.alloc(0), {}, [201, 204]);
        this.done = true;
        this.ctx.open.delete(this);
      },
      async () => {
        const held = await retrying(this.ctx, () => this.status()).catch(() => null);
        // The PUT may have landed before the connection broke: then the session is gone and the blob exists.
        if (held === null) throw new SessionLost();
        this.offset = held;
      },
    );
  }

  /**
   * Gives the session up: DELETEs it on the registry (once; best effort with its own timeout, as it
   * runs after a cancel too). A registry that already dropped it answers 404, which is fine. When a
   * request was cut off, distribution may still be writing its body as the DELETE lands and so
   * revive the upload; a second DELETE a moment later removes what it wrote.
   */
  async cancel(): Promise<void> {
    this.ctx.open.delete(this);
    if (this.done || this.deleted) return;
    this.deleted = true;
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
