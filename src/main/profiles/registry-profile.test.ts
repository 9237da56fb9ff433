import { describe, expect, it } from 'vitest';
import { normaliseRepository } from './registry-profile';

describe('normaliseRepository', () => {
  it("drops this registry's host (any of Docker Hub's names), the tag and the digest", () => {
    expect(normaliseRepository('localhost:5000/team/app:v1', 'localhost:5000')).toBe('team/app');
    expect(normaliseRepository(`team/app@sha256:${'a'.repeat(64)}`, 'localhost:5000')).toBe('team/app');
    expect(normaliseRepository(' https://ghcr.io/owner/app ', 'ghcr.io')).toBe('owner/app');
    for (const typed of ['ubuntu', 'docker.io/library/ubuntu:24.04', 'index.docker.io/ubuntu', 'registry.hub.docker.com/library/ubuntu']) {
      expect(normaliseRepository(typed, 'docker.io'), typed).toBe('library/ubuntu');
    }
  });

  it('keeps another host in the name (and so refuses it) and refuses a malformed tag', () => {
    expect(() => normaliseRepository('other.host:5000/app', 'localhost:5000')).toThrow(/is not a repository name/);
    expect(() => normaliseRepository('team/app:-bad', 'localhost:5000')).toThrow(/is not a repository name/);
    expect(() => normaliseRepository('Not A Name', 'localhost:5000')).toThrow(/is not a repository name/);
  });
});
