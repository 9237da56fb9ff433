/**
 * Public keys the user gave Berth to verify signatures, saved per registry or per repository in
 * a plain JSON file of the data folder (`signing-keys.json`; public keys are not secrets). Writes
 * are atomic and queued; an unreadable file is set aside, not lost.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BerthError } from '../../shared/errors';
import { QueuedJsonFile, readOwnJsonFile } from '../profiles/json-file';
import { isValidRepository } from '../../shared/reference';
import type { SavedKey } from './types';
import { parsePublicKey, type VerifyKey } from './verify';

/** File name inside the data folder. */
export const KEYS_FILE = 'signing-keys.json';
const MAX_PEM = 16 * 1024;
const MAX_NAME = 100;

interface KeysFile {
  version: 1;
  keys: SavedKey[];
}

/** What the user supplies to save a key. */
export interface KeyInput {
  name: string;
  registry: string;
  repository?: string | null;
  pem: string;
}

function isKey(v: unknown): v is SavedKey {
  const k = v as SavedKey;
  return typeof k === 'object' && k !== null && typeof k.id === 'string' && typeof k.name === 'string' && typeof k.registry === 'string' && typeof k.pem === 'string' && (k.repository === null || typeof k.repository === 'string');
}

/** The saved keys, in memory and on disk after every change. */
export class KeyStore {
  private readonly file: QueuedJsonFile | null;

  private constructor(
    path: string | null,
    private keys: SavedKey[],
    /** Where an unreadable file was moved on this start, if one was. */
    readonly setAside?: string,
  ) {
    // Public keys are not secrets: readable by others, like a known_hosts file.
    this.file = path ? new QueuedJsonFile(path, 0o644) : null;
  }

  /** Reads `<dataDir>/signing-keys.json` (missing: no keys yet). */
  static async open(dataDir: string): Promise<KeyStore> {
    const path = join(dataDir, KEYS_FILE);
    const { data, setAside } = await readOwnJsonFile<KeysFile>(path, (v) => Array.isArray((v as KeysFile | null)?.keys));
    return new KeyStore(path, (data?.keys ?? []).filter(isKey), setAside);
  }

  /** A store that keeps nothing on disk (tests). */
  static memory(): KeyStore {
    return new KeyStore(null, []);
  }

  /** Every saved key. */
  list(): SavedKey[] {
    return this.keys.map((k) => ({ ...k }));
  }

  /** Keys that apply to `repository` of `registry`: the repository's own first, then the registry's. */
  keysFor(registry: string, repository: string): VerifyKey[] {
    const own = this.keys.filter((k) => k.registry === registry && k.repository === repository);
    const wide = this.keys.filter((k) => k.registry === registry && k.repository === null);
    return [...own, ...wide].map((k) => ({ name: k.name, pem: k.pem }));
  }

  /** Validates and saves a key; INVALID_ARGUMENT says what to fix. */
  async add(input: KeyInput): Promise<SavedKey> {
    const name = typeof input?.name === 'string' ? input.name.trim() : '';
    if (!name || name.length > MAX_NAME) throw new BerthError('INVALID_ARGUMENT', `Give the key a name of 1 to ${MAX_NAME} characters.`);
    if (typeof input.registry !== 'string' || !input.registry.trim()) throw new BerthError('INVALID_ARGUMENT', 'Say which registry the key is for.');
    const repository = input.repository ?? null;
    if (repository !== null && (typeof repository !== 'string' || !isValidRepository(repository))) {
      throw new BerthError('INVALID_ARGUMENT', `"${String(repository)}" is not a valid repository name.`);
    }
    if (typeof input.pem !== 'string' || input.pem.length > MAX_PEM) throw new BerthError('INVALID_ARGUMENT', `A public key in PEM is at most ${MAX_PEM} characters.`);
    // node:crypto would derive the public half of a private key: refuse it instead, so a private key is never saved.
    if (/PRIVATE KEY/.test(input.pem)) {
      throw new BerthError('INVALID_ARGUMENT', 'That is a private key. Berth verifies with the public key only (for cosign: cosign.pub, not cosign.key); nothing was saved. Keep the private key secret.');
    }
    const { key, algorithm } = parsePublicKey(input.pem);
    // Saved in the canonical SPKI form, whatever wrapping the user pasted.
    const pem = key.export({ type: 'spki', format: 'pem' }).toString();
    const saved: SavedKey = { id: `k${randomBytes(8).toString('hex')}`, name, registry: input.registry.trim(), repository, pem, algorithm, addedAt: new Date().toISOString() };
    this.keys.push(saved);
    await this.save();
    return { ...saved };
  }

  /** Removes a key by id (unknown ids are an error: the list the user saw is stale). */
  async remove(id: string): Promise<void> {
    const before = this.keys.length;
    this.keys = this.keys.filter((k) => k.id !== id);
    if (this.keys.length === before) throw new BerthError('INVALID_ARGUMENT', 'That key is not saved any more. Reload the list.');
    await this.save();
  }

  private async save(): Promise<void> {
    await this.file?.write({ version: 1, keys: this.keys } satisfies KeysFile);
  }
}
