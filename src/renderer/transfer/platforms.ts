/** Which platforms a save or copy takes, from the boxes the user ticked. */
import type { PlatformChoice } from '../../shared/transfer-types';
import type { Platform } from '../../shared/types';

/** The same platform, as the contract accepts it (os, architecture, variant). */
export const platformKey = (p: Platform): string => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** Every platform ticked (or no choice offered): the tag as it is; one: its image alone; some: a new index. Null: none ticked. */
export function platformChoice(all: readonly Platform[], ticked: ReadonlySet<string>): PlatformChoice | null {
  if (all.length === 0 || all.every((p) => ticked.has(platformKey(p)))) return { kind: 'all' };
  const chosen = all
    .filter((p) => ticked.has(platformKey(p)))
    .map((p) => ({ os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) }));
  if (chosen.length === 0) return null;
  return chosen.length === 1 ? { kind: 'one', platform: chosen[0] } : { kind: 'some', platforms: chosen };
}
