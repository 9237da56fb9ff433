/**
 * Passwords of saved registries. In Electron they are encrypted with `safeStorage` (the OS
 * keychain); elsewhere (web shell, CLI) they sit in a file only the user may read (mode 0600),
 * and the UI says so. Never sent to the renderer. Each secret is bound to the registry origin
 * (scheme, host, port) it was typed for: asked for with another origin, it is not there.
 */
import type { SecretStorageInfo } from '../../shared/types';
import { QueuedJsonFile, readOwnJsonFile } from './json-file';

/** How secrets are turned into what is written to disk (Electron passes safeStorage). */
export interface SecretCodec {
  kind: SecretStorageInfo['kind'];
  encode(plain: string): string;
  decode(stored: string): string;
}

/** Stores secrets as they are; the file's mode is what protects them. */
export const PLAIN_CODEC: SecretCodec = { kind: 'file', encode: (s) => s, decode: (s) => s };

interface StoredSecret {
  kind: SecretStorageInfo['kind'];
  value: string;
  /** The registry origin the secret was saved for (absent in files written before the binding). */
  origin?: string;
}
interface SecretsFile {
  version: 1;
  secrets: Record<string, StoredSecret>;
}

/** Why a saved secret cannot be used in this shell (it was written by the other one). */
export class UnreadableSecret {
  constructor(readonly reason: string) {}
}

/** Secrets keyed by registry id, kept in one file (or only in memory when `path` is null). */
export class SecretStore {
  private readonly file: QueuedJsonFile | null;

  private constructor(
    private readonly path: string | null,
    private readonly codec: SecretCodec,
    private readonly secrets: Record<string, StoredSecret>,
    /** Where an unreadable secrets.json was moved to on this start, if one was. */
    readonly setAside?: string,
  ) {
    this.file = path ? new QueuedJsonFile(path, 0o600) : null;
  }

  /** Reads the file (a missing file is an empty store). */
  static async open(path: string, codec: SecretCodec = PLAIN_CODEC): Promise<SecretStore> {
    const isFile = (v: unknown) => typeof (v as SecretsFile | null)?.secrets === 'object' && (v as SecretsFile).secrets !== null;
    const { data: file, setAside } = await readOwnJsonFile<SecretsFile>(path, isFile);
    return new SecretStore(path, codec, { ...(file?.secrets ?? {}) }, setAside);
  }

  /** A store that forgets everything when the process ends. */
  static memory(): SecretStore {
    return new SecretStore(null, PLAIN_CODEC, {});
  }

  /** Where secrets live in this shell (shown in the registry form). */
  get info(): SecretStorageInfo {
    return { kind: this.codec.kind, path: this.path ?? '(memory only)' };
  }

  /** Whether a secret is saved for `id` (and, when given, for that origin). */
  has(id: string, origin?: string): boolean {
    return this.stored(id, origin) !== undefined;
  }

  /** The secret for `id` (for `origin` when given), undefined when none, or why it cannot be read here. */
  get(id: string, origin?: string): string | undefined | UnreadableSecret {
    const stored = this.stored(id, origin);
    if (!stored) return undefined;
    if (stored.kind !== this.codec.kind) {
      return new UnreadableSecret(
        stored.kind === 'safeStorage'
          ? 'The password was saved by the desktop app, encrypted with the system keychain; the web shell cannot read it. Type it again here.'
          : 'The password was saved by the web shell; type it again in the desktop app to keep it encrypted.',
      );
    }
    try {
      return this.codec.decode(stored.value);
    } catch {
      return new UnreadableSecret('The saved password could not be decrypted (the system keychain changed?). Type it again in the registry settings.');
    }
  }

  /** Saves the secret for `id`, bound to `origin` when given. */
  async set(id: string, plain: string, origin?: string): Promise<void> {
    this.secrets[id] = { kind: this.codec.kind, value: this.codec.encode(plain), ...(origin ? { origin } : {}) };
    await this.save();
  }

  async delete(id: string): Promise<void> {
    if (!(id in this.secrets)) return;
    delete this.secrets[id];
    await this.save();
  }

  private stored(id: string, origin: string | undefined): StoredSecret | undefined {
    const stored = Object.hasOwn(this.secrets, id) ? this.secrets[id] : undefined;
    // A secret saved for another origin is never handed out for this one.
    if (!stored || (origin !== undefined && stored.origin !== undefined && stored.origin !== origin)) return undefined;
    return stored;
  }

  private async save(): Promise<void> {
    await this.file?.write({ version: 1, secrets: this.secrets } satisfies SecretsFile);
  }
}
