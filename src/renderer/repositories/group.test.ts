import { describe, expect, it } from 'vitest';
import { groupRepositories, namespaceOf } from './group';

describe('namespaceOf', () => {
  it('takes everything before the last slash', () => {
    expect(namespaceOf('a/b/c')).toBe('a/b');
    expect(namespaceOf('alpine')).toBe('');
  });
});

describe('groupRepositories', () => {
  const names = ['team-b/web', 'alpine', 'team-a/api', 'team-a/db', 'team-b/api', 'busybox'];

  it('groups by namespace, top level first, with counts', () => {
    const rows = groupRepositories(names, '', new Set());
    expect(rows.filter((r) => r.kind === 'group')).toEqual([
      { kind: 'group', namespace: '', count: 2, collapsed: false },
      { kind: 'group', namespace: 'team-a', count: 2, collapsed: false },
      { kind: 'group', namespace: 'team-b', count: 2, collapsed: false },
    ]);
    expect(rows.map((r) => (r.kind === 'repo' ? r.leaf : `[${r.namespace}]`))).toEqual([
      '[]', 'alpine', 'busybox', '[team-a]', 'api', 'db', '[team-b]', 'api', 'web',
    ]);
  });

  it('orders namespaces and repositories naturally: ns2 before ns10, app-2 before app-10', () => {
    const rows = groupRepositories(['ns10/app-2', 'ns2/app-10', 'ns2/app-2', 'ns1/x'], '', new Set());
    expect(rows.map((r) => (r.kind === 'repo' ? r.name : `[${r.namespace}]`))).toEqual([
      '[ns1]', 'ns1/x', '[ns2]', 'ns2/app-2', 'ns2/app-10', '[ns10]', 'ns10/app-2',
    ]);
  });

  it('filters case-insensitively over the full name and drops empty groups', () => {
    const rows = groupRepositories(names, 'TEAM-A', new Set());
    expect(rows.map((r) => (r.kind === 'repo' ? r.name : r.namespace))).toEqual(['team-a', 'team-a/api', 'team-a/db']);
  });

  it('keeps a collapsed group header and count but hides its rows', () => {
    const rows = groupRepositories(names, '', new Set(['team-a']));
    const header = rows.find((r) => r.kind === 'group' && r.namespace === 'team-a');
    expect(header).toEqual({ kind: 'group', namespace: 'team-a', count: 2, collapsed: true });
    expect(rows.some((r) => r.kind === 'repo' && r.namespace === 'team-a')).toBe(false);
  });

  it('handles 5,000 repositories in 50 namespaces', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `ns${i % 50}/repo${i}`);
    const rows = groupRepositories(many, '', new Set());
    expect(rows.length).toBe(5050);
    expect(rows.filter((r) => r.kind === 'group').every((g) => g.kind === 'group' && g.count === 100)).toBe(true);
  });
});
