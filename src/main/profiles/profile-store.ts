/**
 * Saved registries ("profiles"), in the user's order, in `registries.json` in the app's data
 * folder. No secret is ever written here (see secret-store.ts). On first start the list holds
 * the registry local setups already name (service/settings.ts reads which).
 */
import { randomBytes } from 'node:crypto';
import { BerthError } from '../../shared/errors';
import type { AuthMode, RegistryId, TlsSettings } from '../../shared/types';
import { QueuedJsonFile, readOwnJsonFile } from './json-file';

/** One saved registry as written to disk. */
export interface Profile {
  id: RegistryId;
  name: string;
  /** What the user typed, normalised to an origin (`http://localhost:5000`, `docker.io`). */
  url: string;
  auth: AuthMode;
  username?: string;
  insecure: boolean;
  tls: TlsSettings;
  pinnedRepositories: string[];
}

interface ProfilesFile {
  version: 1;
  registries: Profile[];
}

/** The profile a first start begins with: the registry the settings name (REGISTRY_URL, else localhost:5000). */
export function firstStartProfile(first: { url: string; insecure: boolean }): Omit<Profile, 'id'> {
  return {
    name: '',
    url: first.url,
    auth: 'auto',
    insecure: first.insecure,
    tls: { mode: 'verify' },
    pinnedRepositories: [],
  };
}

/** A fresh registry id. */
export function newRegistryId(): RegistryId {
  return `r${randomBytes(8).toString('hex')}`;
}

/** The saved registries, in memory and (when `path` is set) on disk after every change. */
export class ProfileStore {
  private readonly file: QueuedJsonFile | null;

  private constructor(
    path: string | null,
    private profiles: Profile[],
    /** Where an unreadable registries.json was moved to on this start, if one was. */
    readonly setAside?: string,
  ) {
    this.file = path ? new QueuedJsonFile(path, 0o600) : null;
  }

  /** Reads `path`; a missing file means first start: the list begins with `seed` (when given). */
  static async open(path: string, seed?: Omit<Profile, 'id'>): Promise<ProfileStore> {
    const { data: file, setAside } = await readOwnJsonFile<ProfilesFile>(path, (v) => Array.isArray((v as ProfilesFile | null)?.registries));
    if (file) return new ProfileStore(path, file.registries.filter(isProfile));
    const store = new ProfileStore(path, seed ? [{ ...seed, id: newRegistryId() }] : [], setAside);
    if (seed) await store.save();
    return store;
  }

  /** A store that forgets everything when the process ends (tests, and `new BerthService()`). */
  static memory(): ProfileStore {
    return new ProfileStore(null, []);
  }

  list(): Profile[] {
    return this.profiles.map(copy);
  }

  get(id: RegistryId): Profile | undefined {
    const p = this.profiles.find((x) => x.id === id);
    return p && copy(p);
  }

  async add(profile: Profile): Promise<void> {
    this.profiles.push(copy(profile));
    await this.save();
  }

  async replace(profile: Profile): Promise<void> {
    const i = this.profiles.findIndex((x) => x.id === profile.id);
    if (i < 0) throw unknown();
    this.profiles[i] = copy(profile);
    await this.save();
  }

  async remove(id: RegistryId): Promise<void> {
    this.profiles = this.profiles.filter((x) => x.id !== id);
    await this.save();
  }

  /** Puts the profiles in the order of `ids`, which must name each saved registry exactly once. */
  async reorder(ids: RegistryId[]): Promise<void> {
    const byId = new Map(this.profiles.map((p) => [p.id, p]));
    if (ids.length !== byId.size || new Set(ids).size !== ids.length || ids.some((id) => !byId.has(id))) {
      throw new BerthError('INVALID_ARGUMENT', 'The new order must name every saved registry exactly once. Reload the list and try again.');
    }
    this.profiles = ids.map((id) => byId.get(id)!);
    await this.save();
  }

  private async save(): Promise<void> {
    await this.file?.write({ version: 1, registries: this.profiles } satisfies ProfilesFile);
  }
}

function copy(p: Profile): Profile {
  return { ...p, tls: { ...p.tls }, pinnedRepositories: [...p.pinnedRepositories] };
}

/** Drops entries a hand edit broke instead of failing the whole start. */
function isProfile(v: unknown): v is Profile {
  const p = v as Profile;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.id === 'string' &&
    typeof p.url === 'string' &&
    typeof p.name === 'string' &&
    ['auto', 'password', 'anonymous'].includes(p.auth) &&
    typeof p.tls === 'object' &&
    p.tls !== null &&
    Array.isArray(p.pinnedRepositories)
  );
}

function unknown(): BerthError {
  return new BerthError('REGISTRY_UNKNOWN', 'That registry is no longer saved (it was removed). Reload the list.');
}
