import { describe, expect, it } from 'vitest';
import type { ArchiveImage } from '../../shared/types';
import { buildPushRequest, defaultForm, formProblem, plannedTargets, withTag } from './preflight';

const image = (index: number, tags: string[]): ArchiveImage => ({
  index,
  tags,
  configDigest: `sha256:${String(index).repeat(64)}`,
  platform: { os: 'linux', architecture: 'amd64' },
  layerCount: 2,
  size: 1000,
  created: null,
});

describe('withTag', () => {
  it('adds latest only when no tag is named (a port is not a tag)', () => {
    expect(withTag('app')).toBe('app:latest');
    expect(withTag('app:1')).toBe('app:1');
    expect(withTag('host:5000/app')).toBe('host:5000/app:latest');
  });
});

describe('pre-flight form', () => {
  it('defaults to the first tag, short; all tags when there are several', () => {
    expect(defaultForm([image(0, ['docker.io/library/app:1'])], 'r1')).toMatchObject({ choice: 0, allTags: false, destination: 'app:1', compression: 'gzip' });
    expect(defaultForm([image(0, ['app:1', 'app:latest'])], 'r1').allTags).toBe(true);
    expect(defaultForm([image(0, [])], 'r1', 'team/web').destination).toBe('team/web:latest');
  });

  it('builds a target request, an original-tags request, or an all-images request', () => {
    const images = [image(0, ['app:1']), image(1, ['db:2', 'db:latest'])];
    const form = { ...defaultForm(images, 'r1'), choice: 1 as const, destination: ' team/db:9 ' };
    expect(buildPushRequest('h', form)).toEqual({ handle: 'h', registryId: 'r1', compression: 'gzip', image: 1, target: 'team/db:9' });
    expect(plannedTargets(images, form)).toEqual(['team/db:9']);
    const all = { ...form, allTags: true };
    expect(buildPushRequest('h', all)).toEqual({ handle: 'h', registryId: 'r1', compression: 'gzip', image: 1, useOriginalTags: true });
    expect(plannedTargets(images, all)).toEqual(['db:2', 'db:latest']);
    const every = { ...form, choice: 'all' as const, compression: 'none' as const };
    expect(buildPushRequest('h', every)).toEqual({ handle: 'h', registryId: 'r1', compression: 'none', useOriginalTags: true });
    expect(plannedTargets(images, every)).toEqual(['app:1', 'db:2', 'db:latest']);
  });

  it('says why it cannot push', () => {
    const images = [image(0, [])];
    expect(formProblem(images, { ...defaultForm(images, ''), destination: 'a:1' })).toMatch(/registry/);
    expect(formProblem(images, defaultForm(images, 'r1'))).toMatch(/destination/);
    expect(formProblem(images, { ...defaultForm(images, 'r1'), allTags: true })).toMatch(/no original tag/);
    expect(formProblem(images, { ...defaultForm(images, 'r1'), destination: 'a:1' })).toBeNull();
  });
});
