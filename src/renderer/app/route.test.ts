import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, type Route } from './route';

describe('hash routes', () => {
  const routes: Route[] = [
    { screen: 'home' },
    { screen: 'registry', registryId: 'reg-1' },
    { screen: 'repository', registryId: 'reg-1', repository: 'team/web/app' },
    { screen: 'image', registryId: 'reg-1', repository: 'team/web/app', reference: 'sha256:abc' },
    { screen: 'image', registryId: 'r 2', repository: 'a/b', reference: 'v1.0_rc-1' },
    { screen: 'image', registryId: 'reg-1', repository: 'team/multi', reference: 'sha256:abc', parent: '1.0' },
    { screen: 'cleanup', registryId: 'reg-1', repository: 'team/web/app' },
    { screen: 'storage', registryId: 'reg-1' },
    { screen: 'storage', registryId: 'reg-1', repository: 'team/web/app' },
    { screen: 'diff', a: { registryId: 'reg-1', repository: 'team/app', reference: '1.0' }, b: { registryId: 'reg 2', repository: 'a/b', reference: 'sha256:abc' } },
    { screen: 'diff', a: { fileHandle: 'f00d', image: 2 }, b: { registryId: 'reg-1', repository: 'app', reference: 'latest' } },
  ];

  it('round-trips every screen, slashes in repository names included', () => {
    for (const r of routes) expect(parseRoute(routeHref(r))).toEqual(r);
  });

  it('keeps a repository with slashes in one segment', () => {
    expect(routeHref({ screen: 'repository', registryId: 'x', repository: 'a/b/c' })).toBe('#/r/x/a%2Fb%2Fc');
  });

  it('treats unknown or malformed hashes as home', () => {
    expect(parseRoute('')).toEqual({ screen: 'home' });
    expect(parseRoute('#/elsewhere/1')).toEqual({ screen: 'home' });
    expect(parseRoute('#/r/%E0%A4%A')).toEqual({ screen: 'home' });
    expect(parseRoute('#/d/r/x/app/1')).toEqual({ screen: 'home' });
    expect(parseRoute('#/d/r/x/app/1/a/h/one')).toEqual({ screen: 'home' });
    expect(parseRoute('#/d/r/x/app/1/r/x/app/2/extra')).toEqual({ screen: 'home' });
  });
});
