import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, formToRules } from './rules-form';

describe('formToRules', () => {
  it('an empty form is not a plan yet', () => {
    expect(formToRules(EMPTY_FORM)).toMatchObject({ rules: null, problem: expect.stringMatching(/at least one rule/) });
    expect(formToRules({ ...EMPTY_FORM, keepNewest: '0' }).rules).toBeNull();
  });

  it('combines every field that is set, trimmed', () => {
    expect(
      formToRules({ keepNewest: ' 2 ', olderThanDays: '30', nameMatches: ' pr-* ', nameNotMatches: '/^v/', keepSemver: true }),
    ).toEqual({ rules: { keepNewest: 2, olderThanDays: 30, nameMatches: 'pr-*', nameNotMatches: '/^v/', keepSemver: true }, problem: null });
    expect(formToRules({ ...EMPTY_FORM, olderThanDays: '0.5' }).rules).toEqual({ olderThanDays: 0.5 });
  });

  it('says what to fix in a number', () => {
    expect(formToRules({ ...EMPTY_FORM, keepNewest: '1.5' }).problem).toMatch(/Keep newest/);
    expect(formToRules({ ...EMPTY_FORM, keepNewest: '-1' }).problem).toMatch(/Keep newest/);
    expect(formToRules({ ...EMPTY_FORM, olderThanDays: 'abc' }).problem).toMatch(/Older than/);
  });
});
