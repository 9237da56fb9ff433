/**
 * Path globs for searching an image: `*` and `?` stay inside one path segment, `**` crosses
 * segments (`**\/` also matches no directory at all), `[abc]` / `[!a-z]` classes and `{a,b}`
 * alternatives. A pattern without `/` matches file names anywhere (like `find -name`); one with
 * `/` matches whole paths from the image root (a leading `/` is optional).
 */
import { BerthError } from '../../shared/errors';

/** A compiled glob. */
export interface Glob {
  re: RegExp;
  /** Match the last segment only. */
  basename: boolean;
}

const SPECIAL = /[\\^$.|+()]/;

/** Compiles a glob; throws INVALID_ARGUMENT for an empty or unbalanced one. */
export function compileGlob(pattern: string): Glob {
  const trimmed = pattern.trim();
  if (trimmed === '' || trimmed.length > 1024) throw new BerthError('INVALID_ARGUMENT', 'Give a search pattern between 1 and 1024 characters, e.g. `*.so` or `/etc/**/*.conf`.');
  const basename = !trimmed.includes('/');
  const glob = trimmed.replace(/^\/+/, '');
  let re = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) throw unbalanced(pattern, '[');
      let body = glob.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else if (c === '\\' && i + 1 < glob.length) re += escape(glob[++i]);
    else re += escape(c);
  }
  if (depth !== 0) throw unbalanced(pattern, '{');
  return { re: new RegExp(`^${re}$`, 'u'), basename };
}

function escape(c: string): string {
  return SPECIAL.test(c) || c === '{' || c === '}' || c === '[' || c === ']' || c === '*' || c === '?' ? `\\${c}` : c;
}

function unbalanced(pattern: string, what: string): BerthError {
  return new BerthError('INVALID_ARGUMENT', `The pattern "${pattern}" has an unclosed "${what}"; close it or escape it with a backslash.`);
}
