/** The cleanup methods through dispatch (validation, events, errors as data) against a real registry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import type { CleanupPlan, CleanupProgress, CleanupResult } from '../../shared/cleanup-types';
import type { Result } from '../../shared/errors';
import { startProxy, type TestProxy } from '../../../test/support/proxy/proxy';
import { dispatch } from './dispatch';
import { BerthService } from './service';

const day = (d: number): string => `2024-06-${String(d).padStart(2, '0')}T12:00:00Z`;
const value = <T>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
};

describe('cleanup through the service', () => {
  let reg: RunningRegistry;
  let proxy: TestProxy;
  const service = new BerthService();
  let id: string;

  beforeAll(async () => {
    reg = await startRegistry();
    for (const [i, t] of ['a', 'b', 'c', 'd'].entries()) await pushImage(reg, 'svc/app', [t], { created: day(i + 1), layerSizes: [64] });
    for (const [i, t] of ['e1', 'e2', 'e3'].entries()) await pushImage(reg, 'svc/edit', [t], { created: day(i + 1), layerSizes: [64] });
    // A registry that offers POST /v2/_gc: distribution cannot, so a proxy answers that one route.
    proxy = await startProxy(reg.url, {
      answer: (req, res) => {
        if (req.url !== '/v2/_gc') return false;
        res.writeHead(req.method === 'POST' ? 200 : 204, { 'content-type': 'text/plain' });
        res.end(req.method === 'POST' ? 'gc done: 3 blobs removed' : '');
        return true;
      },
    });
    id = value<{ id: string }>(await dispatch(service, 'addRegistry', [{ url: reg.host }])).id;
  });
  afterAll(async () => {
    await service.close();
    await proxy?.stop();
    await reg?.stop();
  });

  it('refuses bad rules and edited plans before any request', async () => {
    const none = await dispatch(service, 'planCleanup', [id, 'svc/app', {}]);
    expect(none).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    if (!none.ok) expect(none.error.message).toMatch(/"rules".*at least one cleanup rule/);
    expect(await dispatch(service, 'planCleanup', [id, 'svc/app', { keepNewest: -1 }])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await dispatch(service, 'planCleanup', [id, 'svc/app', { nameMatches: '/(/' }])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await dispatch(service, 'planCleanup', [id, 'svc/app', { keepNewest: 1, drop: true }])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });

    const plan = value<CleanupPlan>(await dispatch(service, 'planCleanup', [id, 'svc/edit', { keepNewest: 2 }]));
    const kept = plan.tags.find((r) => r.decision === 'keep')!;
    // Naming a kept tag under a planned digest: refused by the plan check, nothing deleted.
    const edited = { ...plan, deleteDigests: [{ digest: plan.deleteDigests[0].digest, tags: [...plan.deleteDigests[0].tags, kept.tag] }] };
    const r = await dispatch(service, 'applyCleanup', [id, edited, { dryRun: false }]);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    if (!r.ok) expect(r.error.message).toContain(`"${kept.tag}"`);
    expect(await dispatch(service, 'applyCleanup', [id, { ...plan, extra: 1 }, { dryRun: true }])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await dispatch(service, 'applyCleanup', [id, plan, {}])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const tags = value<{ tags: string[] }>(await dispatch(service, 'listTags', [id, 'svc/edit']));
    expect(tags.tags.sort()).toEqual(['e1', 'e2', 'e3']);
  });

  it('plans, dry-runs and applies, emitting cleanup:progress', async () => {
    const events: CleanupProgress[] = [];
    const off = service.events.on('cleanup:progress', (p) => events.push(p));
    const plan = value<CleanupPlan>(await dispatch(service, 'planCleanup', [id, 'svc/app', { keepNewest: 2 }]));
    expect(plan.tags.map((r) => [r.tag, r.decision])).toEqual([['d', 'keep'], ['c', 'keep'], ['b', 'delete'], ['a', 'delete']]);
    expect(events.filter((e) => e.current !== null).map((e) => e.current).sort()).toEqual(['a', 'b', 'c', 'd']);
    // The plan survives a JSON round trip (what the web shell does) and is accepted as is.
    const wire = JSON.parse(JSON.stringify(plan)) as CleanupPlan;
    const dry = value<CleanupResult>(await dispatch(service, 'applyCleanup', [id, wire, { dryRun: true }]));
    expect(dry.deleted.map((d) => [d.tags, d.ok])).toEqual([[['b'], true], [['a'], true]]);
    events.length = 0;
    const res = value<CleanupResult>(await dispatch(service, 'applyCleanup', [id, wire, { dryRun: false }]));
    expect(res.deleted.every((d) => d.ok)).toBe(true);
    expect(events.at(-1)).toEqual({ repository: 'svc/app', done: 2, total: 2, current: null });
    off();
    const tags = value<{ tags: string[] }>(await dispatch(service, 'listTags', [id, 'svc/app']));
    expect(tags.tags.sort()).toEqual(['c', 'd']);
  });

  it('re-plans new rules from what the last plan read, and reads again after an apply', async () => {
    const viaProxy = value<{ id: string }>(await dispatch(service, 'addRegistry', [{ url: proxy.url }])).id;
    for (const [i, t] of ['p1', 'p2', 'p3'].entries()) await pushImage(reg, 'svc/cached', [t], { created: day(i + 1), layerSizes: [64] });
    const sent = () => proxy.seen.filter((s) => s.url.startsWith('/v2/svc/cached/')).length;
    const one = value<CleanupPlan>(await dispatch(service, 'planCleanup', [viaProxy, 'svc/cached', { keepNewest: 1 }]));
    const afterFirst = sent();
    expect(afterFirst).toBeGreaterThanOrEqual(1 + 3);
    const two = value<CleanupPlan>(await dispatch(service, 'planCleanup', [viaProxy, 'svc/cached', { keepNewest: 2 }]));
    expect(sent()).toBe(afterFirst);
    expect([one.deleteCount, two.deleteCount]).toEqual([2, 1]);
    await dispatch(service, 'applyCleanup', [viaProxy, two, { dryRun: true }]);
    const afterDry = sent();
    await dispatch(service, 'planCleanup', [viaProxy, 'svc/cached', { keepNewest: 2 }]);
    expect(sent()).toBeGreaterThan(afterDry);
  });

  it('garbage collection: UNSUPPORTED with the command on distribution, the answer where POST /v2/_gc exists', async () => {
    const r = await dispatch(service, 'runGarbageCollect', [id]);
    expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    if (!r.ok) {
      expect(r.error.message).toContain('docker exec <container> registry garbage-collect /etc/docker/registry/config.yml');
      expect(r.error.message).toContain('docker-registry garbage-collect /etc/docker/registry/config.yml');
    }
    const viaProxy = value<{ id: string }>(await dispatch(service, 'addRegistry', [{ url: proxy.url }])).id;
    expect(await dispatch(service, 'runGarbageCollect', [viaProxy])).toEqual({ ok: true, value: { ok: true, message: 'gc done: 3 blobs removed' } });
    expect(proxy.seen.filter((s) => s.url === '/v2/_gc').map((s) => s.method)).toEqual(['OPTIONS', 'POST']);
  });
});
