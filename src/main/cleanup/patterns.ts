/**
 * Tag name patterns of cleanup rules: a glob over the whole tag, or a /regex/ in slashes, plus
 * the semver-release test of `keepSemver`.
 */
import { BerthError } from '../../shared/errors';

/** Longest pattern accepted (tags are at most 128 characters). */
export const MAX_PATTERN_LENGTH = 256;

const REGEX_FORM = /^\/(.+)\/([imsu]*)$/s;
const SEMVER_RELEASE = /^v?\d+\.\d+\.\d+$/;

/** True for `1.2.3` and `v1.2.3`; false for prereleases (`1.2.3-rc1`) and anything else. */
export function isSemverRelease(tag: string): boolean {
  return SEMVER_RELEASE.test(tag);
}

/** Regex source matching a glob over a whole string: `*` any run, `?` one character, the rest literal. */
export function globToRegexSource(glob: string): string {
  let out = '^';
  for (const ch of glob) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[\\^$.|+()[\]{}/-]/g, '\\$&');
  }
  return `${out}$`;
}

/** A compiled tag pattern: `test(tag)` and the text shown in reasons. */
export interface TagPattern {
  source: string;
  test(tag: string): boolean;
}

/** Compiles a rule pattern; throws INVALID_ARGUMENT naming the rule when it is empty or an invalid regex. */
export function compilePattern(pattern: string, rule: string): TagPattern {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new BerthError('INVALID_ARGUMENT', `The ${rule} pattern is empty. Type a glob such as "pr-*" or a /regex/, or clear the rule.`);
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new BerthError('INVALID_ARGUMENT', `The ${rule} pattern is longer than ${MAX_PATTERN_LENGTH} characters; shorten it.`);
  }
  const m = REGEX_FORM.exec(pattern);
  let re: RegExp;
  try {
    re = m ? new RegExp(m[1], m[2]) : new RegExp(globToRegexSource(pattern));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new BerthError('INVALID_ARGUMENT', `The ${rule} pattern ${pattern} is not a valid regular expression (${why}). Fix it, or drop the slashes to use it as a glob.`);
  }
  return { source: pattern, test: (tag) => re.test(tag) };
}
