/** safeStorage is Electron's (no binary here), so it is replaced by a reversible stand-in; the store is real. */
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const state = { available: true, backend: 'gnome_libsecret' };
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => state.available,
    getSelectedStorageBackend: () => state.backend,
    encryptString: (s: string) => Buffer.from(`enc:${[...s].reverse().join('')}`),
    decryptString: (b: Buffer) => [...b.toString().slice(4)].reverse().join(''),
  },
}));

const { keychainCodec } = await import('./keychain');
const { SecretStore } = await import('../profiles/secret-store');

beforeEach(() => Object.assign(state, { available: true, backend: 'gnome_libsecret' }));

describe('keychainCodec', () => {
  it('encrypts secrets with safeStorage: the file never holds the password', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'berth-keychain-')), 'secrets.json');
    const store = await SecretStore.open(path, keychainCodec());
    await store.set('r1', 'hunter2-password');
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('hunter2-password');
    expect(JSON.parse(text).secrets.r1.kind).toBe('safeStorage');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const again = await SecretStore.open(path, keychainCodec());
    expect(again.get('r1')).toBe('hunter2-password');
    expect(again.info.kind).toBe('safeStorage');
  });

  it('falls back to the plain 0600 file, and says so, when the OS has no keychain', () => {
    state.available = false;
    expect(keychainCodec().kind).toBe('file');
    state.available = true;
    if (process.platform === 'linux') {
      state.backend = 'basic_text';
      expect(keychainCodec().kind).toBe('file');
    }
  });

  it('a password saved by the desktop app is not readable by a plain-file shell, with a reason', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'berth-keychain-')), 'secrets.json');
    await (await SecretStore.open(path, keychainCodec())).set('r1', 'pw');
    const web = await SecretStore.open(path);
    const got = web.get('r1');
    expect(typeof got).toBe('object');
    expect((got as { reason: string }).reason).toMatch(/desktop app.*Type it again/);
  });
});
