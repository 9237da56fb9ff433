/**
 * Strips credentials from URLs in text: every error message passes through here (BerthError and
 * WireError), so a URL typed or configured as `https://user:password@host` is never echoed back —
 * not to the screen, not to the browser of the web shell, not to logs.
 */

/** `scheme://userinfo@` → `scheme://`; up to the last `@` of the URL, as URL parsers read it. */
const WITH_SCHEME = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s"'<>]*@/gi;
/**
 * An image reference typed with `user:password@host/…` (no scheme): a token starting at a word
 * boundary, with a `:` before any `/`, up to an `@` followed by a path. `repo:tag@sha256:…` has no
 * `/` after its `@`, and `host/repo@sha256:…` has a `/` before it, so neither matches.
 */
const SCHEMELESS = /(^|[\s"'(<=])[^\s"'<>/@:]+:[^\s"'<>]*@(?=[^\s"'<>@]*\/)/g;

/** `text` with `user:password@` (or `user@`) removed from every URL and reference in it. */
export function redactUrl(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(WITH_SCHEME, '$1').replace(SCHEMELESS, '$1');
}
