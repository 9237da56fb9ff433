import { describe, expect, it } from 'vitest';
import { foldReferrerTags } from './fold';

const a = 'a'.repeat(64);
const b = 'b'.repeat(64);

describe('foldReferrerTags', () => {
  it('takes cosign and fallback index tags out, grouped by the subject they name', () => {
    const f = foldReferrerTags(['1.0', `sha256-${a}.sig`, 'latest', `sha256-${a}.sbom`, `sha256-${b}`, `sha256-${a}.att`]);
    expect(f.tags).toEqual(['1.0', 'latest']);
    expect(f.folded).toBe(4);
    expect(f.bySubject.get(`sha256:${a}`)).toEqual([`sha256-${a}.sig`, `sha256-${a}.sbom`, `sha256-${a}.att`]);
    expect(f.bySubject.get(`sha256:${b}`)).toEqual([`sha256-${b}`]);
  });

  it('leaves look-alikes as ordinary tags', () => {
    const odd = ['sha256-abc.sig', `sha256-${a}.sig.bak`, `SHA256-${a}`, `sha256-${a}.txt`];
    const f = foldReferrerTags(odd);
    expect(f.tags).toEqual(odd);
    expect(f.folded).toBe(0);
  });
});
