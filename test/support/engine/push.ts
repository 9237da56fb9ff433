/** Runs the push engine in-thread against a test registry (read what it stored with registry/read-back). */
import { randomUUID } from 'node:crypto';
import type { RunningRegistry } from '../registry/start';
import type { PushOutcome, PushProgress, PushRequest } from '../../../src/shared/types';
import type { RetryTimings } from '../../../src/main/registry/retry';
import { runPush } from '../../../src/main/push/run';

/** Runs a push in-thread and collects its progress events. */
export async function pushTo(
  reg: RunningRegistry,
  archivePath: string,
  request: Partial<PushRequest>,
  opts: { cacheDir: string; signal?: AbortSignal; onProgress?: (p: PushProgress) => void; baseUrl?: string; timings?: Partial<RetryTimings> },
): Promise<PushOutcome & { events: PushProgress[] }> {
  const events: PushProgress[] = [];
  const baseUrl = opts.baseUrl ?? reg.url;
  const outcome = await runPush(
    {
      pushId: randomUUID(),
      archivePath,
      fileName: 'test.tar',
      registry: { baseUrl, host: new URL(baseUrl).host, ...(reg.caPem ? { caPem: reg.caPem } : {}), ...(reg.username ? { username: reg.username, password: reg.password } : {}) },
      request: { handle: 'h', registryId: 'r', ...request },
      cacheDir: opts.cacheDir,
    },
    {
      signal: opts.signal,
      timings: opts.timings,
      onProgress: (p) => {
        events.push(p);
        opts.onProgress?.(p);
      },
    },
  );
  return { ...outcome, events };
}
