/**
 * The saved registries behind the contract: profiles (names, URLs, TLS, pinned repositories),
 * their secrets, and one RegistryClient per registry, built on first use with the credentials
 * the profile says to use — typed into Berth, or found in `docker login` / podman's files.
 */
import { BerthError, toWireError } from '../../shared/errors';
import type { CredentialSource, NamespacePage, RegistryCheck, RegistryId, RegistryInfo, RegistryInput, RegistryPatch, SecretStorageInfo } from '../../shared/types';
import { lookupCredentials } from '../credentials/lookup';
import { newRegistryId, type Profile, ProfileStore } from './profile-store';
import { SecretStore, UnreadableSecret } from './secret-store';
import { DOCKER_HUB_HOST } from '../../shared/reference';
import * as registry from '../registry/index';
import { listHubNamespace } from '../registry/hub';
import { inspectCertificate } from '../registry/tls';
import type { RegistryConfig } from '../registry/types';
import { describeTls, normaliseRepository, profileFromInput } from './registry-profile';

/** A registry ready to talk to: its client, the config (secrets included, main only) and their source. */
export interface OpenRegistry {
  client: registry.RegistryClient;
  config: RegistryConfig;
  credentials: CredentialSource;
}

/** Options of RegistryBook. */
export interface RegistryBookOptions {
  profiles?: ProfileStore;
  secrets?: SecretStore;
  /** Environment for docker/podman credential lookups (DOCKER_CONFIG, PATH …); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Docker Hub's API origin (tests point it at a loopback imitation). */
  hubApi?: string;
}

const CERT_CODES = new Set(['TLS_UNTRUSTED', 'TLS_PIN_MISMATCH']);

/** Saved registries and their open clients. */
export class RegistryBook {
  private readonly profiles: ProfileStore;
  private readonly secrets: SecretStore;
  private readonly open = new Map<RegistryId, Promise<OpenRegistry>>();

  constructor(private readonly options: RegistryBookOptions = {}) {
    this.profiles = options.profiles ?? ProfileStore.memory();
    this.secrets = options.secrets ?? SecretStore.memory();
  }

  list(): RegistryInfo[] {
    return this.profiles.list().map((p) => this.info(p));
  }

  secretStorage(): SecretStorageInfo {
    return this.secrets.info;
  }

  async add(input: RegistryInput): Promise<RegistryInfo> {
    const draft = profileFromInput(input, newRegistryId());
    // Adding the same address and user again updates that registry instead of making a twin.
    const twin = this.profiles.list().find((p) => sameRegistry(p, draft));
    if (twin) return this.update(twin.id, input);
    await this.profiles.add(draft);
    if (draft.auth === 'password' && input.password) await this.secrets.set(draft.id, input.password, originOf(draft));
    return this.info(draft);
  }

  async update(id: RegistryId, patch: RegistryPatch): Promise<RegistryInfo> {
    const current = this.profile(id);
    const next = profileFromInput({ ...inputOf(current), ...patch }, id);
    next.pinnedRepositories = current.pinnedRepositories;
    if (next.auth === 'password' && patch.username !== undefined && patch.username.trim() !== (current.username ?? '') && patch.password === undefined) {
      // A new user with the old user's password would only fail later; ask for both.
      throw new BerthError('INVALID_ARGUMENT', `Type the password for ${next.username}: the saved one belongs to ${current.username ?? 'no user'}.`);
    }
    await this.profiles.replace(next);
    // A saved password belongs to the origin it was typed for: a new scheme, host or port drops it.
    if (next.auth !== 'password' || (!patch.password && originOf(next) !== originOf(current))) await this.secrets.delete(id);
    else if (patch.password) await this.secrets.set(id, patch.password, originOf(next));
    await this.forget(id);
    return this.info(next);
  }

  async remove(id: RegistryId): Promise<void> {
    this.profile(id);
    await this.profiles.remove(id);
    await this.secrets.delete(id);
    await this.forget(id);
  }

  async reorder(ids: RegistryId[]): Promise<RegistryInfo[]> {
    await this.profiles.reorder(ids);
    return this.list();
  }

  /** The registry's client, created (and its credentials looked up) on first use. */
  client(id: RegistryId): Promise<OpenRegistry> {
    let pending = this.open.get(id);
    if (!pending) {
      pending = this.connect(this.profile(id));
      this.open.set(id, pending);
      // A failed lookup (helper missing, password unreadable) is tried again on the next call.
      pending.catch(() => this.open.get(id) === pending && this.open.delete(id));
    }
    return pending;
  }

  /** The doctor's check plus where the credentials came from, the rate limit, and a refused certificate. */
  async check(id: RegistryId, signal?: AbortSignal): Promise<RegistryCheck> {
    return this.checkWith(() => this.client(id), signal);
  }

  /**
   * Checks a registry form before it is saved (nothing is stored): `input` as typed, over the
   * saved registry `id` when editing. An omitted password means the saved one, used only for the
   * origin and user it was saved for.
   */
  async checkDraft(input: RegistryPatch, id?: RegistryId, signal?: AbortSignal): Promise<RegistryCheck> {
    const current = id === undefined ? undefined : this.profile(id);
    const draft = profileFromInput({ ...(current ? inputOf(current) : { url: '' }), ...input }, id ?? 'draft');
    let password = input.password;
    if (password === undefined && current && draft.auth === 'password' && draft.username === current.username && originOf(draft) === originOf(current)) {
      const saved = this.secrets.get(current.id, originOf(current));
      if (typeof saved === 'string') password = saved;
    }
    let opened: OpenRegistry | undefined;
    try {
      return await this.checkWith(async () => (opened = await this.connect(draft, password ?? null)), signal);
    } finally {
      await opened?.client.close();
    }
  }

  private async checkWith(openIt: () => Promise<OpenRegistry>, signal?: AbortSignal): Promise<RegistryCheck> {
    let open: OpenRegistry;
    try {
      open = await openIt();
    } catch (err) {
      if (err instanceof BerthError && err.code === 'CANCELLED') throw err;
      return { ...registry.emptyCheck(), error: toWireError(err) };
    }
    const result = await registry.checkRegistry(open.client, signal);
    result.credentials = open.credentials;
    result.rateLimit = open.client.rateLimit;
    if (result.error && CERT_CODES.has(result.error.code)) {
      result.certificate = await inspectCertificate(open.config.baseUrl, open.config, { signal }).catch(() => undefined);
    }
    return result;
  }

  /** Adds a repository to the registry's pinned list after tags/list shows it exists. */
  async pin(id: RegistryId, typed: string, signal?: AbortSignal): Promise<RegistryInfo> {
    const profile = this.profile(id);
    const { client, config } = await this.client(id);
    const repository = normaliseRepository(typed, config.host);
    try {
      await registry.listTags(client, repository, { n: 1 }, signal);
    } catch (err) {
      if (err instanceof BerthError && err.code === 'NAME_UNKNOWN') {
        const hint = config.host === DOCKER_HUB_HOST ? ' (official images are library/NAME)' : '';
        throw new BerthError('NAME_UNKNOWN', `${config.host} has no repository "${repository}". Check the spelling${hint}.`);
      }
      throw err;
    }
    if (!profile.pinnedRepositories.includes(repository)) profile.pinnedRepositories.push(repository);
    await this.profiles.replace(profile);
    return this.info(profile);
  }

  async unpin(id: RegistryId, repository: string): Promise<RegistryInfo> {
    const profile = this.profile(id);
    profile.pinnedRepositories = profile.pinnedRepositories.filter((r) => r !== repository);
    await this.profiles.replace(profile);
    return this.info(profile);
  }

  /** A Docker Hub namespace's repositories through hub.docker.com's API. */
  async listNamespace(id: RegistryId, namespace: string, page = 1, signal?: AbortSignal): Promise<NamespacePage> {
    const { client, config } = await this.client(id);
    if (config.host !== DOCKER_HUB_HOST) {
      throw new BerthError('UNSUPPORTED', `Namespaces can be listed only on Docker Hub; ${config.host} is not Docker Hub. Pin its repositories by name instead.`);
    }
    return listHubNamespace(namespace, page, { dispatcher: client.dispatcher, apiBase: this.options.hubApi, signal });
  }

  /** Closes every client (profiles stay saved). */
  async close(): Promise<void> {
    const all = [...this.open.keys()].map((id) => this.forget(id));
    await Promise.allSettled(all);
  }

  /** `password`: a draft's own (null: none typed), instead of the saved secret. */
  private async connect(profile: Profile, password?: string | null): Promise<OpenRegistry> {
    const config = registry.registryConfigFromInput({ url: profile.url, insecure: profile.insecure });
    if (profile.tls.mode === 'ca') config.caPem = profile.tls.caPem;
    if (profile.tls.mode === 'pin') config.pinSha256 = profile.tls.pinSha256;
    if (profile.tls.mode === 'skip') config.tlsSkipVerify = true;
    const credentials = await this.credentials(profile, config, password);
    return { client: new registry.RegistryClient(config), config, credentials };
  }

  /** Fills the config's credentials as the profile says and tells where they came from. */
  private async credentials(profile: Profile, config: RegistryConfig, password?: string | null): Promise<CredentialSource> {
    if (profile.auth === 'anonymous') return { kind: 'none', description: 'anonymous (chosen in the registry settings)' };
    if (profile.auth === 'password') {
      const secret = password === undefined ? this.secrets.get(profile.id, config.baseUrl) : (password ?? undefined);
      if (secret instanceof UnreadableSecret) throw new BerthError('AUTH_FAILED', secret.reason);
      if (secret === undefined) {
        // Forgotten when the URL moved to another origin (or never typed): ask, rather than send a bare username.
        return { kind: 'none', description: `no password saved for ${profile.username ?? 'this user'} at ${config.baseUrl}: anonymous until you type it in the registry's settings` };
      }
      config.username = profile.username;
      config.password = secret;
      const where = this.secrets.info.kind === 'safeStorage' ? 'the system keychain' : this.secrets.info.path;
      return { kind: 'saved', username: profile.username, description: `the password saved in Berth (${where})` };
    }
    const found = await lookupCredentials(config.host, { env: this.options.env });
    if (!found) return { kind: 'none', description: `no docker login or podman login for ${config.host}: anonymous` };
    if (found.username !== undefined) config.username = found.username;
    if (found.password !== undefined) config.password = found.password;
    if (found.identityToken !== undefined) config.identityToken = found.identityToken;
    return found.source;
  }

  private async forget(id: RegistryId): Promise<void> {
    const pending = this.open.get(id);
    this.open.delete(id);
    const open = await pending?.catch(() => null);
    await open?.client.close();
  }

  private profile(id: RegistryId): Profile {
    const p = this.profiles.get(id);
    if (!p) throw new BerthError('REGISTRY_UNKNOWN', 'That registry is no longer saved (it was removed). Pick one from the list, or add it again.');
    return p;
  }

  private info(p: Profile): RegistryInfo {
    const config = registry.registryConfigFromInput({ url: p.url, insecure: p.insecure });
    return {
      id: p.id,
      name: p.name || config.host,
      baseUrl: config.baseUrl,
      host: config.host,
      auth: p.auth,
      hasCredentials: p.auth === 'password' && this.secrets.has(p.id, config.baseUrl),
      ...(p.auth === 'password' && p.username ? { username: p.username } : {}),
      insecure: p.insecure,
      tls: describeTls(p.tls),
      pinnedRepositories: [...p.pinnedRepositories],
      dockerHub: config.host === DOCKER_HUB_HOST,
    };
  }
}


/** The origin (scheme, host, port) a profile talks to, which its saved password is bound to. */
function originOf(p: Profile): string {
  return registry.registryConfigFromInput({ url: p.url, insecure: p.insecure }).baseUrl;
}

function sameRegistry(a: Profile, b: Profile): boolean {
  return originOf(a) === originOf(b) && a.auth === b.auth && (a.username ?? '') === (b.username ?? '');
}

function inputOf(p: Profile): RegistryInput {
  return { url: p.url, name: p.name, auth: p.auth, username: p.username, insecure: p.insecure, tls: p.tls };
}
