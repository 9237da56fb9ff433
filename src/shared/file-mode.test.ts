import { describe, expect, it } from 'vitest';
import { currentLayer, modeString } from './file-mode';

describe('modeString', () => {
  it('reads like ls -l, set-id and sticky bits included', () => {
    expect(modeString('dir', 0o755)).toBe('drwxr-xr-x');
    expect(modeString('file', 0o644)).toBe('-rw-r--r--');
    expect(modeString('symlink', 0o777)).toBe('lrwxrwxrwx');
    expect(modeString('file', 0o4755)).toBe('-rwsr-xr-x');
    expect(modeString('file', 0o2644)).toBe('-rw-r-Sr--');
    expect(modeString('dir', 0o1777)).toBe('drwxrwxrwt');
    expect(modeString('fifo', 0o600)).toBe('prw-------');
  });
});

describe('currentLayer', () => {
  it('is the last layer that changed the path, else the one that added it', () => {
    expect(currentLayer({ addedIn: 0, changedIn: [] })).toBe(0);
    expect(currentLayer({ addedIn: 0, changedIn: [2, 3] })).toBe(3);
    expect(currentLayer({ addedIn: null, changedIn: [] })).toBeNull();
  });
});
