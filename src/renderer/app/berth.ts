/** The renderer's only door to main: `window.berth`, whichever shell defined it. */
import type { BerthClient } from '../../shared/api';

/** Returns the contract client installed by the preload (Electron) or the web bridge. */
export function berth(): BerthClient {
  return window.berth;
}
