/**
 * Which registry a pre-flight sheet proposes: the one in view; else the most recently used one
 * that answered its last check; else any that answered; never simply the first saved one when it
 * is unreachable. "Used" means browsed or pushed to (remembered in localStorage, newest first).
 */
import type { RegistryInfo } from '../../shared/types';

const KEY = 'berth.recentRegistries';
const CAP = 20;

/** The registries used lately, newest first. */
export function recentRegistries(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Remembers that `id` was browsed or pushed to just now. */
export function rememberRegistry(id: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify([id, ...recentRegistries().filter((x) => x !== id)].slice(0, CAP)));
  } catch {
    // Storage full or disabled: the proposal falls back to reachability and order.
  }
}

/**
 * The registry to propose. `reachable(id)`: what the registry's last check said (undefined when
 * it has not been checked yet).
 */
export function proposeRegistry(
  registries: readonly RegistryInfo[],
  opts: { inView?: string; recent: readonly string[]; reachable: (id: string) => boolean | undefined },
): string {
  const saved = new Set(registries.map((r) => r.id));
  if (opts.inView && saved.has(opts.inView)) return opts.inView;
  const recent = opts.recent.filter((id) => saved.has(id));
  const order = [...recent, ...registries.map((r) => r.id).filter((id) => !recent.includes(id))];
  return order.find((id) => opts.reachable(id) === true) ?? order.find((id) => opts.reachable(id) !== false) ?? registries[0]?.id ?? '';
}
