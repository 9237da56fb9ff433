import type { PushId, PushOutcome, PushProgress, PushRequest, PushSummary } from '../../shared/types';
import type { RegistryConfig } from '../registry/types';

/** What the service needs of src/main/push/manager.ts's PushManager (structural, so tests can inject). */
export interface PushManagerLike {
  start(job: { archivePath: string; fileName: string; registry: RegistryConfig; request: PushRequest }): PushId;
  cancel(id: PushId): void | Promise<void>;
  list(): PushSummary[];
  on(event: 'progress', listener: (p: PushProgress) => void): () => void;
  on(event: 'done', listener: (o: PushOutcome) => void): () => void;
  close(): void | Promise<void>;
}
