/** Garbage collection on a test registry: halting it with its storage kept, and `docker-registry garbage-collect`. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REGISTRY_BIN, type RunningRegistry } from './start';

/** Runs `docker-registry garbage-collect CONFIG` (with --delete-untagged when asked) and returns its output. */
export async function registryGarbageCollect(reg: RunningRegistry, opts: { deleteUntagged?: boolean } = {}): Promise<string> {
  const args = ['garbage-collect', reg.configPath];
  if (opts.deleteUntagged) args.splice(1, 0, '--delete-untagged');
  try {
    // Like `serve` (start.ts): distribution reads REGISTRY_* variables as configuration (REGISTRY_AUTH_FILE is podman's).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
    const { stdout, stderr } = await promisify(execFile)(REGISTRY_BIN, args, { maxBuffer: 64 << 20, env });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string };
    throw new Error(`docker-registry garbage-collect failed: ${String(err)}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

/** Stops the registry process (keeping its storage, unlike `stop()`) and waits until it is gone. */
export async function haltRegistry(reg: RunningRegistry): Promise<void> {
  process.kill(reg.pid, 'SIGTERM');
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(reg.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`docker-registry (pid ${reg.pid}) did not stop`);
}
