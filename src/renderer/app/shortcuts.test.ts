import { describe, expect, it } from 'vitest';
import { displayKey, keyName } from './shortcuts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('shortcut key names', () => {
  it('names printable keys by their character and chords with Mod', () => {
    expect(keyName(key('?', { shiftKey: true }), false)).toBe('?');
    expect(keyName(key('/'), false)).toBe('/');
    expect(keyName(key('k', { ctrlKey: true }), false)).toBe('Mod+K');
    expect(keyName(key('k', { metaKey: true }), true)).toBe('Mod+K');
    expect(keyName(key('k', { ctrlKey: true }), true)).not.toBe('Mod+K');
    expect(keyName(key('Delete'), false)).toBe('Delete');
    expect(keyName(key('Delete', { shiftKey: true }), false)).toBe('Shift+Delete');
  });

  it('writes Mod as the platform does', () => {
    expect(displayKey('Mod+K', false)).toBe('Ctrl+K');
    expect(displayKey('Mod+K', true)).toBe('⌘K');
  });
});
