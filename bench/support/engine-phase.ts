/** Phase 1 of the browse benchmark: the whole catalog through the engine, no UI in the way. */
import { RegistryClient, listAllRepositories, registryConfigFromInput } from '../../src/main/registry/index';
import type { TestProxy } from '../../test/support/proxy/proxy';

/** One listing of the whole catalog. */
export interface CatalogRun {
  ms: number;
  repositories: number;
  requests: number;
  byKind: Record<string, number>;
}

/** Lists every repository `runs` times, each with a fresh client (cold connection, cold token cache). */
export async function benchEngineCatalog(proxy: TestProxy, runs = 3): Promise<CatalogRun[]> {
  const out: CatalogRun[] = [];
  for (let i = 0; i < runs; i++) {
    const client = new RegistryClient(registryConfigFromInput({ url: proxy.host }));
    proxy.reset();
    const t0 = performance.now();
    try {
      const repos = await listAllRepositories(client);
      out.push({ ms: performance.now() - t0, repositories: repos.length, requests: proxy.seen.length, byKind: { ...proxy.requests } });
    } finally {
      await client.close();
    }
  }
  return out;
}
