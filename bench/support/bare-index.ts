/**
 * The index benchmark's yardstick: a bare undici client sending the requests an index build sends,
 * in the same shape and at the same concurrency — the catalog pages; then, a few repositories at
 * a time, `tags/list`, one HEAD per tag, a GET per manifest digest not seen before (an index's
 * children next), a GET per new image's config. It keeps nothing but the digests it saw: no
 * verification, no content store, no index file. What the engine takes beyond it is its own cost.
 */
import { Agent } from 'undici';
import { mapLimit } from '../../src/shared/limiter';
import { MANIFEST_ACCEPT } from '../../test/support/images/media-types';

/** The engine's shape: buildIndex's repositories at once, refresh.ts's HEADs and fetches per repository, the limiter's background slots. */
export const BUILD_SHAPE = { repositories: 4, heads: 8, fetches: 4, slots: 8 - 2 } as const;

/** What one bare run did. */
export interface BareRun {
  ms: number;
  /** CPU time of this process during the run. */
  cpuMs: number;
  requests: number;
  byKind: Record<string, number>;
  repositories: number;
  tags: number;
  manifests: number;
  configs: number;
}

/** Waits for one of `max` slots, like the engine's limiter does for its background lane. */
class Slots {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}

type Json = { config?: { digest?: string }; manifests?: { digest?: string }[] };

/** Indexes the registry at `baseUrl` the bare way and counts what it sent. */
export async function bareIndex(baseUrl: string): Promise<BareRun> {
  const origin = new URL(baseUrl).origin;
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const slots = new Slots(BUILD_SHAPE.slots);
  const byKind: Record<string, number> = {};
  const manifests = new Map<string, Promise<Json | null>>();
  const configs = new Map<string, Promise<void>>();
  let tags = 0;

  const send = (kind: string, method: 'GET' | 'HEAD', path: string, accept?: string) =>
    slots.run(async () => {
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      // reset: false keeps the connection after a HEAD (undici closes it by default), as the engine does.
      const res = await agent.request({ origin, path, method, headers: accept ? { accept } : {}, reset: false });
      const body = method === 'HEAD' ? (await res.body.dump(), '') : await res.body.text();
      if (res.statusCode >= 300) throw new Error(`${method} ${path} answered ${res.statusCode}`);
      return { headers: res.headers, body };
    });
  /** Every page of a list (`Link: <…>; rel="next"`), as the engine pages it. */
  const pages = async (kind: string, first: string, field: 'repositories' | 'tags'): Promise<string[]> => {
    const out: string[] = [];
    for (let path: string | null = first; path; ) {
      const res: { headers: Record<string, unknown>; body: string } = await send(kind, 'GET', path);
      out.push(...(((JSON.parse(res.body) as Record<string, string[] | null>)[field]) ?? []));
      path = /<([^>]+)>;\s*rel="?next"?/.exec(String(res.headers.link ?? ''))?.[1] ?? null;
    }
    return out;
  };
  const manifest = (repo: string, digest: string): Promise<Json | null> => {
    let p = manifests.get(digest);
    if (!p) {
      p = send('GET manifest', 'GET', `/v2/${repo}/manifests/${digest}`, MANIFEST_ACCEPT).then((r) => JSON.parse(r.body) as Json);
      manifests.set(digest, p);
    }
    return p;
  };
  const config = (repo: string, digest: string): Promise<void> => {
    let p = configs.get(digest);
    if (!p) {
      p = send('GET config', 'GET', `/v2/${repo}/blobs/${digest}`).then(() => undefined);
      configs.set(digest, p);
    }
    return p;
  };

  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    const repos = await pages('GET catalog', '/v2/_catalog?n=1000', 'repositories');
    await mapLimit(repos, BUILD_SHAPE.repositories, async (repo) => {
      const listed = await pages('GET tags', `/v2/${repo}/tags/list?n=1000`, 'tags');
      tags += listed.length;
      const heads = await mapLimit(listed, BUILD_SHAPE.heads, async (tag) =>
        String((await send('HEAD manifest', 'HEAD', `/v2/${repo}/manifests/${tag}`, MANIFEST_ACCEPT)).headers['docker-content-digest']),
      );
      // Manifests level by level (an index's children after it), then the images' configs.
      const images: Json[] = [];
      for (let level = [...new Set(heads)]; level.length; ) {
        const got = await mapLimit(level, BUILD_SHAPE.fetches, (d) => manifest(repo, d));
        level = [];
        for (const m of got) {
          if (m?.manifests) level.push(...m.manifests.map((c) => c.digest ?? ''));
          else if (m?.config?.digest) images.push(m);
        }
      }
      await mapLimit(images, BUILD_SHAPE.fetches, (m) => config(repo, m.config!.digest!));
    });
    const cpu = process.cpuUsage(c0);
    return {
      ms: performance.now() - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      requests: Object.values(byKind).reduce((a, b) => a + b, 0),
      byKind,
      repositories: repos.length,
      tags,
      manifests: manifests.size,
      configs: configs.size,
    };
  } finally {
    await agent.close();
  }
}
