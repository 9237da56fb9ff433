/** Where the bundled engine worker is: next to this module, or one folder up (the bundle may put shared code in a sub-folder). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** URL of `push-worker.js` as electron-vite builds it (the first candidate when none exists). */
export function defaultWorkerUrl(): URL {
  const candidates = [new URL('./push-worker.js', import.meta.url), new URL('../push-worker.js', import.meta.url)];
  return candidates.find((u) => u.protocol === 'file:' && existsSync(fileURLToPath(u))) ?? candidates[0];
}
