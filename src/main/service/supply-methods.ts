/**
 * The contract's supply-chain and transfer methods (issue 14), split from service.ts along that
 * seam: referrers and their verification, signing keys, saves and copies. BerthService extends
 * this class and supplies the registry clients.
 */
import type { KeyScope, ReferrerDeleteSummary, SavedKey, SupplyChain } from '../../shared/supply-chain-types';
import type { CopyRequest, SaveRequest, TransferId, TransferSummary } from '../../shared/transfer-types';
import type { RegistryId } from '../../shared/types';
import type { ContentSource } from '../referrers/content';
import type { KeyStore } from '../referrers/key-store';
import type { RegistryClient } from '../registry/client';
import { ServiceEvents } from './events';
import { referrersToDelete, supplyChainOf } from './supply';
import { TransferManager, type SaveDestination } from './transfers';

/** Supply-chain and transfer methods over the clients a subclass opens. */
export abstract class SupplyChainMethods {
  /** Every BerthEvent (pushes, cleanups, transfers), forwarded by the shells. */
  readonly events = new ServiceEvents();
  /** Saves and copies; the shells set where saved archives go (`useSaveDestination`). */
  readonly transfers = new TransferManager(this.events);
  protected abstract readonly keys: KeyStore;
  protected abstract client(id: RegistryId): Promise<RegistryClient>;
  protected abstract source(id: RegistryId, repository: string, signal?: AbortSignal): Promise<ContentSource>;

  async getSupplyChain(id: RegistryId, repository: string, digest: string, signal?: AbortSignal): Promise<SupplyChain> {
    return supplyChainOf(await this.source(id, repository, signal), digest, this.keys);
  }

  async planReferrerDelete(id: RegistryId, repository: string, digest: string, signal?: AbortSignal): Promise<ReferrerDeleteSummary> {
    return referrersToDelete(await this.source(id, repository, signal), digest);
  }

  async listSigningKeys(): Promise<SavedKey[]> {
    return this.keys.list();
  }

  async addSigningKey(scope: KeyScope, name: string, pem: string): Promise<SavedKey> {
    const client = await this.client(scope.registryId);
    return this.keys.add({ name, registry: client.config.host, repository: scope.repository ?? null, pem });
  }

  async removeSigningKey(keyId: string): Promise<void> {
    await this.keys.remove(keyId);
  }

  async startSave(request: SaveRequest): Promise<TransferId | null> {
    return this.transfers.startSave(await this.source(request.registryId, request.repository), request);
  }

  async startCopy(request: CopyRequest): Promise<TransferId> {
    const { target } = request;
    const [src, dst] = await Promise.all([this.source(request.registryId, request.repository), this.client(target.registryId)]);
    const same = request.registryId === target.registryId && request.repository === target.repository;
    return this.transfers.startCopy(src, { client: dst, repository: target.repository, tag: target.tag }, request, same);
  }

  async cancelTransfer(transferId: TransferId): Promise<void> {
    await this.transfers.cancel(transferId);
  }

  async listTransfers(): Promise<TransferSummary[]> {
    return this.transfers.list();
  }

  /** Where saved archives go: Electron's save dialog (`asks`), the web shell's downloads (default: a temp folder). */
  useSaveDestination(destination: SaveDestination, opts: { asks?: boolean } = {}): void {
    this.transfers.useDestination(destination, opts);
  }
}
