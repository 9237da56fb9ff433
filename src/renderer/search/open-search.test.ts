import { describe, expect, it } from 'vitest';
import { opensSearch, typingIn } from './open-search';

const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, isContentEditable: false, ...extra }) as unknown as EventTarget;
const key = (k: string, target: EventTarget | null = el('BODY'), mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  target,
  ...mods,
});

describe('the search shortcuts', () => {
  it('Ctrl+K and Cmd+K open it anywhere, even in a text field or over a dialog', () => {
    expect(opensSearch(key('k', el('INPUT', { type: 'text' }), { ctrlKey: true }), true)).toBe(true);
    expect(opensSearch(key('K', el('TEXTAREA'), { metaKey: true }), false)).toBe(true);
    expect(opensSearch(key('k', el('BODY'), { ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(opensSearch(key('k'), false)).toBe(false);
  });

  it('/ opens it outside text fields and dialogs only', () => {
    expect(opensSearch(key('/'), false)).toBe(true);
    expect(opensSearch(key('/', el('INPUT', { type: 'checkbox' })), false)).toBe(true);
    expect(opensSearch(key('/', el('BUTTON')), false)).toBe(true);
    expect(opensSearch(key('/', el('INPUT', { type: 'search' })), false)).toBe(false);
    expect(opensSearch(key('/', el('SELECT')), false)).toBe(false);
    expect(opensSearch(key('/', el('DIV', { isContentEditable: true })), false)).toBe(false);
    expect(opensSearch(key('/'), true)).toBe(false);
    expect(opensSearch(key('/', el('BODY'), { ctrlKey: true }), false)).toBe(false);
  });

  it('knows text fields from other controls', () => {
    expect(typingIn(null)).toBe(false);
    expect(typingIn(el('INPUT', { type: 'text' }))).toBe(true);
    expect(typingIn(el('INPUT', { type: 'radio' }))).toBe(false);
  });
});
