import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from '../app/route';

describe('cleanup route', () => {
  it('round-trips and keeps a repository with slashes in one segment', () => {
    const route = { screen: 'cleanup', registryId: 'r1', repository: 'team/web/app' } as const;
    expect(routeHref(route)).toBe('#/c/r1/team%2Fweb%2Fapp');
    expect(parseRoute(routeHref(route))).toEqual(route);
    expect(parseRoute('#/c/r1')).toEqual({ screen: 'home' });
  });
});
