/**
 * undici's Agent without the rest of undici. The package's index also loads fetch, WebSocket,
 * caches, mocks and interceptors the engine never uses — about two thirds of undici's load time,
 * which is most of a CLI re-push on a slow machine. undici 7 has no `exports` map, so its files
 * can be required directly; if a future version moves them, the whole package is loaded instead.
 */
import { createRequire } from 'node:module';
import type { Agent as UndiciAgent } from 'undici';

const requireCjs = createRequire(import.meta.url);

/** How the Agent class was obtained (tests check the light path is the one taken). */
export let agentSource: 'light' | 'full' = 'light';

function loadAgent(): typeof UndiciAgent {
  try {
    const Agent = requireCjs('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;
    const Dispatcher = requireCjs('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
    const api = requireCjs('undici/lib/api/index.js') as object;
    // What undici's index does: request/stream/pipeline/connect/upgrade live on Dispatcher.prototype.
    Object.assign(Dispatcher.prototype, api);
    if (typeof Agent !== 'function' || typeof (Agent.prototype as { request?: unknown }).request !== 'function') throw new Error('unexpected undici layout');
    return Agent;
  } catch {
    agentSource = 'full';
    return (requireCjs('undici') as typeof import('undici')).Agent;
  }
}

/** undici's Agent class (same class as `import { Agent } from 'undici'`). */
export const Agent: typeof UndiciAgent = loadAgent();
/** An Agent instance. */
export type Agent = UndiciAgent;
