/**
 * `WWW-Authenticate` parsing (RFC 7235 §4.1): several challenges in one header, auth-params
 * with quoted strings that may hold commas and escaped quotes, as Docker token auth sends them
 * (https://distribution.github.io/distribution/spec/auth/token/).
 */

/** One challenge: its scheme (lower-cased) and parameters (names lower-cased). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/** Parses every challenge in one or more `WWW-Authenticate` header values. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  return values.flatMap(parseOne);
}

function parseOne(s: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const skipWs = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const readToken = (): string | null => {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(s);
    if (!m) return null;
    i += m[0].length;
    return m[0];
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let v = '';
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      v += s[i++];
    }
    i++; // closing quote
    return v;
  };
  let current: Challenge | null = null;
  while (i < s.length) {
    skipWs();
    if (s[i] === ',') {
      i++;
      continue;
    }
    const start = i;
    const tok = readToken();
    if (tok === null) {
      i++; // skip a stray character rather than loop forever
      continue;
    }
    skipWs();
    if (s[i] === '=' && current) {
      // auth-param of the current challenge (a token68 like `abc==` is not used by registries)
      i++;
      skipWs();
      const value = s[i] === '"' ? readQuoted() : (readToken() ?? '');
      current.params[tok.toLowerCase()] = value;
      continue;
    }
    if (s[i] === '=' && !current) {
      i = start + tok.length + 1;
      continue;
    }
    current = { scheme: tok.toLowerCase(), params: {} };
    out.push(current);
  }
  return out;
}

/** The Bearer challenge's realm/service/scope, or null when there is none (or no realm). */
export function bearerChallenge(challenges: Challenge[]): { realm: string; service?: string; scope?: string; error?: string } | null {
  const c = challenges.find((x) => x.scheme === 'bearer' && x.params.realm);
  if (!c) return null;
  const { realm, service, scope, error } = c.params;
  return { realm, ...(service ? { service } : {}), ...(scope ? { scope } : {}), ...(error ? { error } : {}) };
}
