/**
 * One save or copy through Berth's transfer engine, alone in its process, so the parent can time
 * it like any other command and this process's peak resident memory (VmHWM) is the engine's
 * alone. Job: JSON in argv[2]; result: one JSON line on stdout.
 */
import { RegistryClient, registryConfigFromInput } from '../../src/main/registry/index';
import { copyImage, saveImage, type TransferProgress } from '../../src/main/transfer/index';
import { processMemory } from './proc-memory';

/** What the parent asks for. */
export type TransferJob =
  | { op: 'copy'; source: string; repository: string; reference: string; target: string; targetRepository: string; tag: string }
  | { op: 'save'; source: string; repository: string; reference: string; file: string; format: 'docker' | 'oci' };

/** What the child prints. */
export interface TransferChildResult {
  engineSeconds: number;
  /** Seconds spent in each phase of the engine's progress (resolving, blobs, manifests, finishing). */
  phases: Record<string, number>;
  bytesStreamed: number;
  /** VmHWM of this process at the end, in bytes. */
  peakRss: number;
  detail: unknown;
}

const client = (url: string) => new RegistryClient(registryConfigFromInput({ url }));

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as TransferJob;
  const src = client(job.source);
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let phase = { name: 'resolving', since: t0 };
  let bytesStreamed = 0;
  const onProgress = (p: TransferProgress): void => {
    bytesStreamed = p.bytesStreamed;
    if (p.phase === phase.name) return;
    const now = performance.now();
    phases[phase.name] = (phases[phase.name] ?? 0) + (now - phase.since) / 1000;
    phase = { name: p.phase, since: now };
  };
  let detail: unknown;
  if (job.op === 'copy') {
    const dst = client(job.target);
    const r = await copyImage({ client: src, repository: job.repository }, job.reference, { client: dst, repository: job.targetRepository, tag: job.tag }, { onProgress });
    detail = r.blobs;
    await dst.close();
  } else {
    const r = await saveImage({ client: src, repository: job.repository }, job.reference, job.file, { format: job.format, onProgress });
    detail = { bytes: r.bytes, blobs: r.blobs };
  }
  const engineSeconds = (performance.now() - t0) / 1000;
  await src.close();
  const result: TransferChildResult = { engineSeconds, phases, bytesStreamed, peakRss: processMemory(process.pid)?.peak ?? NaN, detail };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
