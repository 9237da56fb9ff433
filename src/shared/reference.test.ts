import { describe, expect, it } from 'vitest';
import {
  isDockerHub,
  isLoopbackHost,
  isSha256Digest,
  isValidDigest,
  isValidRepository,
  isValidTag,
  looksLikeHost,
  shortRef,
  splitRepoTag,
  withHubLibrary,
} from './reference';

const D = `sha256:${'ab'.repeat(32)}`;

describe('name grammar', () => {
  it('repositories: lowercase components joined by /, separators inside only, 255 characters at most', () => {
    for (const ok of ['app', 'library/alpine', 'a/b/c', 'my-app', 'my__app', 'my.app', 'a--b', 'x'.repeat(255)]) expect(isValidRepository(ok), ok).toBe(true);
    for (const bad of ['', 'App', 'a//b', '/a', 'a/', '-a', 'a-', 'a___b', 'a:b', 'a b', 'x'.repeat(256)]) expect(isValidRepository(bad), bad).toBe(false);
  });

  it('tags: word characters, . and -, not leading, 128 at most', () => {
    for (const ok of ['1', 'latest', 'v1.2.3-rc_1', 'A', 'x'.repeat(128)]) expect(isValidTag(ok), ok).toBe(true);
    for (const bad of ['', '.x', '-x', 'a b', 'a/b', 'a:b', 'x'.repeat(129)]) expect(isValidTag(bad), bad).toBe(false);
  });

  it('digests: sha256 is 64 lowercase hex; other algorithms at least 32 characters', () => {
    expect(isValidDigest(D)).toBe(true);
    expect(isValidDigest(`sha512:${'a'.repeat(128)}`)).toBe(true);
    for (const bad of ['sha256:abc', `sha256:${'AB'.repeat(32)}`, D.slice(7), 'md5:short']) expect(isValidDigest(bad), bad).toBe(false);
    expect(isSha256Digest(D)).toBe(true);
    expect(isSha256Digest(`sha512:${'a'.repeat(128)}`)).toBe(false);
  });
});

describe('Docker Hub and hosts', () => {
  it('knows every name of Docker Hub, case-insensitively, and nothing else', () => {
    for (const h of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'Docker.IO']) expect(isDockerHub(h), h).toBe(true);
    for (const h of ['ghcr.io', 'docker.io:443', 'hub.docker.com', 'localhost:5000']) expect(isDockerHub(h), h).toBe(false);
  });

  it('adds library/ to a bare name on Docker Hub only', () => {
    expect(withHubLibrary('alpine', 'docker.io')).toBe('library/alpine');
    expect(withHubLibrary('alpine', 'index.docker.io')).toBe('library/alpine');
    expect(withHubLibrary('team/app', 'docker.io')).toBe('team/app');
    expect(withHubLibrary('alpine', 'localhost:5000')).toBe('alpine');
  });

  it("reads a first component as a host by Docker's rule", () => {
    for (const h of ['ghcr.io', 'localhost', 'host:5000', '[::1]:5000', 'MyHost']) expect(looksLikeHost(h), h).toBe(true);
    for (const h of ['library', 'team', 'my-org']) expect(looksLikeHost(h), h).toBe(false);
  });
});

describe('splitRepoTag', () => {
  it('cuts the tag at a colon after the last slash, and the digest at the @', () => {
    expect(splitRepoTag('team/app:1')).toEqual({ name: 'team/app', tag: '1' });
    expect(splitRepoTag('team/app')).toEqual({ name: 'team/app' });
    expect(splitRepoTag('host:5000/app')).toEqual({ name: 'host:5000/app' });
    expect(splitRepoTag('host:5000/app:2')).toEqual({ name: 'host:5000/app', tag: '2' });
    expect(splitRepoTag(`app@${D}`)).toEqual({ name: 'app', digest: D });
    expect(splitRepoTag(`host:5000/app:v2@${D}`)).toEqual({ name: 'host:5000/app', tag: 'v2', digest: D });
    expect(splitRepoTag('app:')).toEqual({ name: 'app', tag: '' });
  });
});

describe('shortRef', () => {
  it('drops the registry host and Docker Hub library/ prefix, keeps the tag', () => {
    expect(shortRef('docker.io/library/nginx:1.27')).toBe('nginx:1.27');
    expect(shortRef('registry.hub.docker.com/library/nginx:1.27')).toBe('nginx:1.27');
    expect(shortRef('ghcr.io/acme/app:2')).toBe('acme/app:2');
    expect(shortRef('ghcr.io/library/app:2')).toBe('library/app:2');
    expect(shortRef('localhost:5000/team/app:1')).toBe('team/app:1');
    expect(shortRef('localhost/app:1')).toBe('app:1');
    expect(shortRef('team/app:1')).toBe('team/app:1');
    expect(shortRef('library/app:1')).toBe('library/app:1');
    expect(shortRef('app@sha256:abc')).toBe('app');
  });
});

describe('isLoopbackHost', () => {
  it('accepts 127/8, ::1 and localhost, with or without a port', () => {
    for (const h of ['127.0.0.1', '127.1.2.3:5000', 'localhost', 'LOCALHOST:80', '::1', '[::1]', '[::1]:5000', '0:0:0:0:0:0:0:1', '[::ffff:127.0.0.1]']) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
  });
  it('refuses everything else', () => {
    for (const h of ['128.0.0.1', '10.0.0.1', '127.0.0.256', 'localhost.example.com', 'example.com', '::2', '[fe80::1]:80', '127.0.0.1.nip.io', '']) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });
});
