import { it } from 'vitest';
import { startRegistry } from './registry';
import { pushManyRepositories, tagMany } from './seed';

it('scale', async () => {
  for (const [auth, via] of [['none', 'storage'], ['none', 'http'], ['token', 'http'], ['htpasswd', 'http']] as const) {
    const reg = await startRegistry({ auth });
    const names = Array.from({ length: 5000 }, (_, i) => `bench/repo-${String(i).padStart(5, '0')}`);
    const t0 = performance.now();
    await pushManyRepositories(reg, names, { via });
    const t1 = performance.now();
    await tagMany(reg, 'bench/tags', 1000);
    const t2 = performance.now();
    console.log(`${auth} via ${via} in ${reg.dataDir}: 5000 repos ${((t1 - t0) / 1000).toFixed(1)} s; 1000 tags ${((t2 - t1) / 1000).toFixed(1)} s; load ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
    await reg.stop();
  }
}, 900_000);
