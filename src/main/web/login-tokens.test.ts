import { describe, expect, it, vi } from 'vitest';
import { LoginTokens } from './login-tokens';

describe('LoginTokens', () => {
  it('lets each token in once: ok, then used; never-issued tokens are unknown', () => {
    const tokens = new LoginTokens();
    const a = tokens.issue();
    const b = tokens.issue();
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(tokens.use(a)).toBe('ok');
    expect(tokens.use(a)).toBe('used');
    expect(tokens.use(b)).toBe('ok');
    expect(tokens.use('x'.repeat(43))).toBe('unknown');
  });

  it('expires short-lived tokens (their launch page goes with them); the printed one lasts', () => {
    let now = 1_000;
    const tokens = new LoginTokens(() => now);
    const done = vi.fn();
    const printed = tokens.issue();
    const launch = tokens.issue(60_000, done);
    now += 60_001;
    expect(tokens.use(launch)).toBe('unknown');
    expect(done).toHaveBeenCalledTimes(1);
    expect(tokens.use(printed)).toBe('ok');
  });

  it('keeps a bounded number of unused tokens, dropping the oldest short-lived one first', () => {
    const tokens = new LoginTokens();
    const printed = tokens.issue();
    const minted = Array.from({ length: 40 }, () => tokens.issue(60_000));
    expect(tokens.use(minted[0]!)).toBe('unknown');
    expect(tokens.use(minted.at(-1)!)).toBe('ok');
    expect(tokens.use(printed)).toBe('ok');
  });

  it('clear() forgets unused tokens and runs their clean-up', () => {
    const tokens = new LoginTokens();
    const done = vi.fn();
    const t = tokens.issue(60_000, done);
    tokens.clear();
    expect(done).toHaveBeenCalledTimes(1);
    expect(tokens.use(t)).toBe('unknown');
  });
});
