/**
 * The web shell's login tokens: each one logs in one browser, once (issue #9 item 3). A token is
 * traded for the session cookie and gone; a copy left in a terminal scroll-back, browser history or
 * a process list is worthless afterwards. Tokens are kept only as SHA-256 hashes, so a lookup
 * reveals nothing about a token by its timing.
 */
import { createHash, randomBytes } from 'node:crypto';

/** What trading a token gave. */
export type TokenUse = 'ok' | 'used' | 'unknown';

interface Pending {
  expiresAt: number;
  /** Runs once when the token is used or expires (a launch page deletes itself). */
  onDone?: () => void;
}

/** Most unused tokens kept at once; the oldest expiring one goes first. */
const MAX_PENDING = 32;
/** Hashes of used tokens remembered, to answer "already used" rather than "unknown". */
const MAX_USED = 256;

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** One-time login tokens of one server run. */
export class LoginTokens {
  private readonly pending = new Map<string, Pending>();
  private readonly used = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A fresh 32-byte token, valid once, for `ttlMs` (default: until the server stops). */
  issue(ttlMs = Infinity, onDone?: () => void): string {
    this.sweep();
    if (this.pending.size >= MAX_PENDING) {
      const oldest = [...this.pending.entries()].find(([, p]) => Number.isFinite(p.expiresAt));
      if (oldest) this.drop(oldest[0]);
    }
    const token = randomBytes(32).toString('base64url');
    this.pending.set(hash(token), { expiresAt: this.now() + ttlMs, ...(onDone ? { onDone } : {}) });
    return token;
  }

  /** Trades `token`: `ok` the first time, `used` after that, `unknown` for anything else. */
  use(token: string): TokenUse {
    this.sweep();
    const key = hash(token);
    if (this.used.has(key)) return 'used';
    if (!this.pending.has(key)) return 'unknown';
    this.drop(key);
    this.used.add(key);
    if (this.used.size > MAX_USED) this.used.delete(this.used.values().next().value!);
    return 'ok';
  }

  /** Forgets every unused token (and deletes their launch pages). */
  clear(): void {
    for (const key of [...this.pending.keys()]) this.drop(key);
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, p] of this.pending) if (p.expiresAt <= now) this.drop(key);
  }

  private drop(key: string): void {
    const p = this.pending.get(key);
    this.pending.delete(key);
    p?.onDone?.();
  }
}
