/**
 * Hash routes (`#/r/<registry>/<repository>/<reference>[/<index>]`, the last for a platform image
 * opened from its index): no router library, and the browser's
 * back button works in the web shell because every screen change is a `location.hash` change.
 */
import { useSyncExternalStore } from 'react';

/** The screens of the app, from the widest to the narrowest. */
export type Route =
  | { screen: 'home' }
  | { screen: 'registry'; registryId: string }
  | { screen: 'repository'; registryId: string; repository: string }
  | { screen: 'image'; registryId: string; repository: string; reference: string; parent?: string }
  | { screen: 'cleanup'; registryId: string; repository: string }
  | { screen: 'storage'; registryId: string; repository?: string };

/** Parses a `location.hash`; anything unknown is the home screen. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'c' && parts.length === 3) {
    try {
      return { screen: 'cleanup', registryId: decodeURIComponent(parts[1]), repository: decodeURIComponent(parts[2]) };
    } catch {
      return { screen: 'home' };
    }
  }
  if (parts[0] === 's' && (parts.length === 2 || parts.length === 3)) {
    try {
      const [registryId, repository] = parts.slice(1).map(decodeURIComponent);
      return repository === undefined ? { screen: 'storage', registryId } : { screen: 'storage', registryId, repository };
    } catch {
      return { screen: 'home' };
    }
  }
  if (parts[0] !== 'r' || parts.length < 2) return { screen: 'home' };
  let decoded: string[];
  try {
    decoded = parts.slice(1, 5).map(decodeURIComponent);
  } catch {
    return { screen: 'home' };
  }
  const [registryId, repository, reference, parent] = decoded;
  if (reference !== undefined) return parent !== undefined ? { screen: 'image', registryId, repository, reference, parent } : { screen: 'image', registryId, repository, reference };
  if (repository !== undefined) return { screen: 'repository', registryId, repository };
  return { screen: 'registry', registryId };
}

/** The hash for a route; every segment is encoded, so `a/b` repositories stay one segment. */
export function routeHref(route: Route): string {
  switch (route.screen) {
    case 'home':
      return '#/';
    case 'registry':
      return `#/r/${encodeURIComponent(route.registryId)}`;
    case 'repository':
      return `#/r/${encodeURIComponent(route.registryId)}/${encodeURIComponent(route.repository)}`;
    case 'image':
      return `#/r/${encodeURIComponent(route.registryId)}/${encodeURIComponent(route.repository)}/${encodeURIComponent(route.reference)}${route.parent !== undefined ? `/${encodeURIComponent(route.parent)}` : ''}`;
    case 'cleanup':
      return `#/c/${encodeURIComponent(route.registryId)}/${encodeURIComponent(route.repository)}`;
    case 'storage':
      return `#/s/${encodeURIComponent(route.registryId)}${route.repository !== undefined ? `/${encodeURIComponent(route.repository)}` : ''}`;
  }
}

/** Goes to a route (a history entry, so back returns); `replace` for redirects. */
export function navigate(route: Route, replace = false): void {
  const href = routeHref(route);
  if (replace) window.location.replace(href);
  else window.location.hash = href;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current route, re-rendering on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
