import { describe, expect, it } from 'vitest';
import { bearerChallenge, parseChallenges } from './challenge';
import { clampPageSize, nextCursor, pageLocally, pageQuery, parseLinkNext } from './paging';

describe('parseChallenges', () => {
  it('reads a Docker token challenge', () => {
    const h = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"';
    expect(parseChallenges(h)).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
    ]);
  });

  it('keeps commas and escaped quotes inside quoted strings', () => {
    const [c] = parseChallenges('Bearer realm="https://a/token",scope="repository:a:pull,push repository:b:pull",error="say \\"hi\\""');
    expect(c.params.scope).toBe('repository:a:pull,push repository:b:pull');
    expect(c.params.error).toBe('say "hi"');
  });

  it('splits several challenges in one header and across header values', () => {
    const cs = parseChallenges(['Basic realm="Registry Realm", Bearer realm="http://127.0.0.1:1/token",service=svc', 'Negotiate']);
    expect(cs.map((c) => c.scheme)).toEqual(['basic', 'bearer', 'negotiate']);
    expect(cs[0].params).toEqual({ realm: 'Registry Realm' });
    expect(cs[1].params).toEqual({ realm: 'http://127.0.0.1:1/token', service: 'svc' });
  });

  it('tolerates case, whitespace and token (unquoted) values', () => {
    const cs = parseChallenges('  BASIC   Realm = x ,  charset="UTF-8"');
    expect(cs).toEqual([{ scheme: 'basic', params: { realm: 'x', charset: 'UTF-8' } }]);
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
  });

  it('picks the Bearer challenge with a realm', () => {
    expect(bearerChallenge(parseChallenges('Basic realm="r", Bearer realm="https://t/x",service="s"'))).toEqual({ realm: 'https://t/x', service: 's' });
    expect(bearerChallenge(parseChallenges('Basic realm="r"'))).toBeNull();
    expect(bearerChallenge(parseChallenges('Bearer service="s"'))).toBeNull();
  });
});

describe('Link paging', () => {
  const base = new URL('http://127.0.0.1:5000/v2/_catalog?n=3');
  it('resolves rel="next" against the request URL and reads the cursor', () => {
    const h = '</v2/_catalog?last=c&n=3>; rel="next"';
    expect(parseLinkNext(h, base)?.href).toBe('http://127.0.0.1:5000/v2/_catalog?last=c&n=3');
    expect(nextCursor(h, base)).toBe('c');
    expect(nextCursor('<?last=team%2Fapp&n=2>; rel=next', base)).toBe('team/app');
  });
  it('ignores other relations and handles several links', () => {
    expect(nextCursor('</v2/_catalog?last=a>; rel="prev"', base)).toBeNull();
    expect(nextCursor('</x?last=a>; rel="prev", </y?last=b>; title="t, with comma"; rel="next"', base)).toBe('b');
    expect(nextCursor(undefined, base)).toBeNull();
    expect(nextCursor('garbage', base)).toBeNull();
  });
  it('clamps n to 1…1000 and builds the query', () => {
    expect(clampPageSize(5000)).toBe(1000);
    expect(clampPageSize(0)).toBe(1);
    expect(clampPageSize(2.7)).toBe(2);
    expect(clampPageSize(undefined)).toBeUndefined();
    expect(pageQuery({ n: 5000, last: 'a/b' })).toBe('?n=1000&last=a%2Fb');
    expect(pageQuery(undefined)).toBe('');
  });
  it('pages a full list locally in lexical order', () => {
    const all = ['e', 'b', 'a', 'd', 'c'];
    expect(pageLocally(all, { n: 2 })).toEqual({ items: ['a', 'b'], next: 'b' });
    expect(pageLocally(all, { n: 2, last: 'b' })).toEqual({ items: ['c', 'd'], next: 'd' });
    expect(pageLocally(all, { n: 2, last: 'd' })).toEqual({ items: ['e'], next: null });
    expect(pageLocally(all, undefined)).toEqual({ items: ['a', 'b', 'c', 'd', 'e'], next: null });
  });
});
