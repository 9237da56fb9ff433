import { describe, expect, it } from 'vitest';
import { cleanCreatedBy, prettyJson } from './history';

describe('cleanCreatedBy', () => {
  it('strips the no-op shell prefix of metadata steps', () => {
    expect(cleanCreatedBy('/bin/sh -c #(nop)  CMD ["sh"]')).toBe('CMD ["sh"]');
    expect(cleanCreatedBy('/bin/sh -c #(nop) ADD file:abc in / ')).toBe('ADD file:abc in /');
  });
  it('keeps real shell steps and BuildKit lines', () => {
    expect(cleanCreatedBy('/bin/sh -c apk add curl')).toBe('/bin/sh -c apk add curl');
    expect(cleanCreatedBy('RUN /bin/sh -c echo hi # buildkit')).toBe('RUN /bin/sh -c echo hi # buildkit');
  });
});

describe('prettyJson', () => {
  it('indents JSON and leaves other text alone', () => {
    expect(prettyJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson('not json')).toBe('not json');
  });
});
