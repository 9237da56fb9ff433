import { describe, expect, it } from 'vitest';
import { normalizeOriginalTag, parseTarget, resolveTargets } from './targets';

const H = '127.0.0.1:5000';

describe('normalizeOriginalTag', () => {
  it('keeps the path, drops the host, adds library/ only for Docker Hub', () => {
    expect(normalizeOriginalTag('app:1', H)).toEqual({ repository: 'app', tag: '1' });
    expect(normalizeOriginalTag('docker.io/library/app:1', H)).toEqual({ repository: 'library/app', tag: '1' });
    expect(normalizeOriginalTag('other.host:5000/ns/app:1', H)).toEqual({ repository: 'ns/app', tag: '1' });
    expect(normalizeOriginalTag('localhost/app', H)).toEqual({ repository: 'app', tag: 'latest' });
    expect(normalizeOriginalTag('ns/app:2', H)).toEqual({ repository: 'ns/app', tag: '2' });
    expect(normalizeOriginalTag('app:1', 'docker.io')).toEqual({ repository: 'library/app', tag: '1' });
    expect(normalizeOriginalTag('app@sha256:' + 'a'.repeat(64), H)).toBeNull();
    expect(() => normalizeOriginalTag('Bad Name:1', H)).toThrow(/not a valid image reference/);
  });
});

describe('parseTarget', () => {
  it('defaults the tag and strips the target registry host', () => {
    expect(parseTarget('team/app', H)).toEqual({ repository: 'team/app', tag: 'latest' });
    expect(parseTarget(`${H}/team/app:3`, H)).toEqual({ repository: 'team/app', tag: '3' });
    expect(() => parseTarget('app@sha256:abc', H)).toThrow(expect.objectContaining({ code: 'INVALID_REFERENCE' }));
    expect(() => parseTarget('UPPER:1', H)).toThrow(expect.objectContaining({ code: 'INVALID_REFERENCE' }));
  });
});

describe('resolveTargets', () => {
  const images = [
    { index: 0, tags: ['a:1', 'docker.io/library/a:2'] },
    { index: 1, tags: ['b:1'] },
    { index: 2, tags: [] },
  ];
  it('explicit target → one image (default 0)', () => {
    expect(resolveTargets(images, { target: 'x/y:z' }, H)).toEqual([{ imageIndex: 0, repository: 'x/y', tags: ['z'] }]);
    expect(resolveTargets(images, { target: 'x', image: 2 }, H)).toEqual([{ imageIndex: 2, repository: 'x', tags: ['latest'] }]);
  });
  it('own tags: image 0 by default, every image with useOriginalTags, grouped by repository', () => {
    expect(resolveTargets(images, {}, H)).toEqual([
      { imageIndex: 0, repository: 'a', tags: ['1'] },
      { imageIndex: 0, repository: 'library/a', tags: ['2'] },
    ]);
    expect(() => resolveTargets(images, { useOriginalTags: true }, H)).toThrow(/Image 2 of the archive has no tag/);
    expect(resolveTargets(images.slice(0, 2), { useOriginalTags: true }, H).map((t) => t.imageIndex)).toEqual([0, 0, 1]);
    expect(resolveTargets(images, { useOriginalTags: true, image: 1 }, H)).toEqual([{ imageIndex: 1, repository: 'b', tags: ['1'] }]);
  });
  it('refuses unknown images and two images claiming one tag', () => {
    expect(() => resolveTargets(images, { image: 7 }, H)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => resolveTargets([{ index: 0, tags: ['a:1'] }, { index: 1, tags: ['a:1'] }], { useOriginalTags: true }, H)).toThrow(/both claim a:1/);
    expect(() => resolveTargets([], {}, H)).toThrow(expect.objectContaining({ code: 'ARCHIVE_EMPTY' }));
  });
});

describe('resolveTargets with an index pushed as it is', () => {
  const platforms = [
    { index: 0, tags: ['m:2'] },
    { index: 1, tags: ['m:2'] },
    { index: 2, tags: ['other:1'] },
  ];
  const unit = { digest: 'sha256:' + 'e'.repeat(64), images: [0, 1] };
  it('two platforms of one index share its tag: both go, marked with the index', () => {
    expect(resolveTargets(platforms, { useOriginalTags: true }, H, [unit])).toEqual([
      { imageIndex: 0, repository: 'm', tags: ['2'], index: unit.digest },
      { imageIndex: 1, repository: 'm', tags: ['2'], index: unit.digest },
      { imageIndex: 2, repository: 'other', tags: ['1'] },
    ]);
    // Without the index they are two images claiming one tag, as before.
    expect(() => resolveTargets(platforms, { useOriginalTags: true }, H)).toThrow(/both claim m:2/);
  });
  it('an explicit target of the first image takes the whole index; naming an image takes that image alone', () => {
    expect(resolveTargets(platforms, { target: 'x:1' }, H, [unit])).toEqual([
      { imageIndex: 0, repository: 'x', tags: ['1'], index: unit.digest },
      { imageIndex: 1, repository: 'x', tags: ['1'], index: unit.digest },
    ]);
    expect(resolveTargets(platforms, { target: 'x:1', image: 1 }, H, [unit])).toEqual([{ imageIndex: 1, repository: 'x', tags: ['1'] }]);
    expect(resolveTargets(platforms, {}, H, [unit]).map((t) => t.imageIndex)).toEqual([0, 1]);
  });
});
