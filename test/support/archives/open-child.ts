/**
 * Test support, run as a child process (bundled by the test): opens one archive and prints the
 * outcome and the process's peak RSS as JSON, so a test can bound the memory an archive costs.
 * Usage: node open-child.js ARCHIVE SPOOL_DIR
 */
import { openArchive } from '../../../src/main/archive/index';

const [path, tempDir] = process.argv.slice(2);
let outcome: Record<string, unknown>;
try {
  const opened = await openArchive(path, { tempDir });
  outcome = { ok: true, images: opened.images.length };
  await opened.close();
} catch (err) {
  const e = err as { code?: string; message?: string };
  outcome = { ok: false, code: e.code ?? 'UNKNOWN', message: e.message ?? String(err) };
}
// maxRSS is in KiB: the process's high-water mark (VmHWM on Linux).
process.stdout.write(JSON.stringify({ ...outcome, peakRss: process.resourceUsage().maxRSS * 1024 }));
