/** Starts a real docker-registry (distribution 2.8) for a test: open, htpasswd, TLS or token auth, on a free loopback port. */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import { freePort } from './ports';
import { createSelfSignedCert } from './certs';
import { buildRegistryConfig } from './config';
import { startTokenIssuer, type TokenIssuer } from './token-issuer';

/** The Debian package's binary; tests must fail (not skip) when it is missing. */
export const REGISTRY_BIN = process.env.BERTH_REGISTRY_BIN ?? '/usr/bin/docker-registry';

/** Options of startRegistry. */
export interface StartRegistryOptions {
  auth?: 'none' | 'htpasswd' | 'token';
  tls?: boolean;
  /** Default true. */
  deleteEnabled?: boolean;
  /** Users for htpasswd/token; default one user `berth` / `berth-secret`. */
  users?: { username: string; password: string }[];
  /** Token variant: whether anonymous callers get pull tokens (default false). */
  anonymousPull?: boolean;
  /** Parent of the temporary folder (default $BERTH_TEST_TMP, else /dev/shm when present, else the OS tmpdir). */
  tmpRoot?: string;
  /** Registry binary (default $BERTH_REGISTRY_BIN or /usr/bin/docker-registry); tests of start failures change it. */
  binary?: string;
  /** TLS with this certificate and key (files outside the registry's folder) instead of a fresh self-signed one. */
  tlsCert?: { certPath: string; keyPath: string; certPem: string };
  /** Listen on this port (to restart a registry on the same address); default a free one. */
  port?: number;
}

/** A docker-registry process started for a test, with everything needed to talk to it. */
export interface RunningRegistry {
  /** http(s)://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT */
  host: string;
  port: number;
  /** Process id of docker-registry. */
  pid: number;
  auth: 'none' | 'htpasswd' | 'token';
  /** TLS variant: the self-signed certificate (PEM) to trust. */
  caPem?: string;
  /** First user (htpasswd/token). */
  username?: string;
  password?: string;
  users: { username: string; password: string }[];
  /** Temporary folder holding config, certs and storage (removed by stop). */
  dataDir: string;
  /** Storage root (storage.filesystem.rootdirectory). */
  storageDir: string;
  configPath: string;
  /** Token variant: the issuer that the registry trusts. */
  issuer?: TokenIssuer;
  /** Keep-alive undici Agent that trusts caPem; closed by stop. */
  dispatcher: Agent;
  /** fetch through `dispatcher`; a path like `/v2/` is resolved against `url`. No auth is added. */
  fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
  /** What the registry wrote to stdout/stderr so far (last ~1 MiB). */
  logs(): string;
  stop(): Promise<void>;
}

const LOG_CAP = 1 << 20;
const live = new Set<ChildProcess>();
const liveDirs = new Set<string>();

/** tmpfs keeps thousands of tiny link files fast even when the shared disk is busy. */
function defaultTmpRoot(): string {
  if (process.env.BERTH_TEST_TMP) return process.env.BERTH_TEST_TMP;
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed test file must not leave registries running.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * The 'exit' hook misses a worker killed with SIGKILL; a sleeping shell per registry then kills
 * the orphan and removes its folder once our process is gone.
 */
function startWatchdog(childPid: number, dataDir: string): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${childPid} 2>/dev/null; rm -rf '${dataDir}'`;
  const dog = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  dog.unref();
  return dog;
}

async function htpasswdLine(username: string, password: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('htpasswd', ['-Bbn', '-C', '4', username, password]);
    return stdout.trim();
  } catch (err) {
    throw new Error(`htpasswd failed (${String(err)}); install Debian's apache2-utils package.`, { cause: err });
  }
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a real docker-registry on a free 127.0.0.1 port and waits until /v2/ answers. */
export async function startRegistry(opts: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const bin = opts.binary ?? REGISTRY_BIN;
  if (!existsSync(bin)) {
    throw new Error(`${bin} not found: install Debian's docker-registry package (apt-get install docker-registry).`);
  }
  installExitHook();
  const auth = opts.auth ?? 'none';
  const users = opts.users ?? (auth === 'none' ? [] : [{ username: 'berth', password: 'berth-secret' }]);
  const dataDir = await mkdtemp(join(opts.tmpRoot ?? defaultTmpRoot(), 'berth-registry-'));
  liveDirs.add(dataDir);
  try {
    return await startIn(dataDir, auth, users, opts);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    liveDirs.delete(dataDir);
    throw err;
  }
}

async function startIn(
  dataDir: string,
  auth: 'none' | 'htpasswd' | 'token',
  users: { username: string; password: string }[],
  opts: StartRegistryOptions,
): Promise<RunningRegistry> {
  const storageDir = join(dataDir, 'storage');
  await mkdir(storageDir);
  const tlsCert = opts.tlsCert ?? (opts.tls ? await createSelfSignedCert(dataDir, 'tls') : undefined);
  let htpasswd: { path: string; realm: string } | undefined;
  if (auth === 'htpasswd') {
    const lines = await Promise.all(users.map((u) => htpasswdLine(u.username, u.password)));
    htpasswd = { path: join(dataDir, 'htpasswd'), realm: 'berth-test' };
    await writeFile(htpasswd.path, lines.join('\n') + '\n');
  }
  let issuer: TokenIssuer | undefined;
  if (auth === 'token') {
    const cert = await createSelfSignedCert(dataDir, 'token-signer', 'berth-test-token-signer');
    issuer = await startTokenIssuer({
      cert,
      users,
      service: 'berth-test-registry',
      issuer: 'berth-test-issuer',
      anonymousPull: opts.anonymousPull ?? false,
    });
  }
  const dispatcher = new Agent({
    // A given certificate may be expired or for another host on purpose: seeding does not check it.
    connect: opts.tlsCert ? { rejectUnauthorized: false } : tlsCert ? { ca: tlsCert.certPem } : undefined,
    keepAliveTimeout: 10_000,
    connections: 32,
  });

  let lastError: Error | undefined;
  // The free-port probe can race with other processes; retry a few times on a new port.
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = opts.port ?? (await freePort());
    const configPath = join(dataDir, 'config.yml');
    const config = buildRegistryConfig({
      port,
      rootDir: storageDir,
      deleteEnabled: opts.deleteEnabled ?? true,
      tls: tlsCert ? { certificate: tlsCert.certPath, key: tlsCert.keyPath } : undefined,
      htpasswd,
      token: issuer
        ? { realm: issuer.realm, service: issuer.service, issuer: issuer.issuer, rootcertbundle: join(dataDir, 'token-signer.pem') }
        : undefined,
    });
    await writeFile(configPath, JSON.stringify(config, null, 2));
    const url = `${tlsCert ? 'https' : 'http'}://127.0.0.1:${port}`;
    const started = await spawnAndWait(opts.binary ?? REGISTRY_BIN, configPath, url, dispatcher);
    if ('error' in started) {
      lastError = started.error;
      if (/address already in use/i.test(started.logs)) continue;
      break;
    }
    const { child, logs } = started;
    const dog = startWatchdog(child.pid ?? 0, dataDir);
    let stopped = false;
    return {
      url,
      host: `127.0.0.1:${port}`,
      port,
      pid: child.pid ?? 0,
      auth,
      caPem: tlsCert?.certPem,
      username: users[0]?.username,
      password: users[0]?.password,
      users,
      dataDir,
      storageDir,
      configPath,
      issuer,
      dispatcher,
      fetch: (pathOrUrl, init) => undiciFetch(new URL(pathOrUrl, url), { ...init, dispatcher }),
      logs,
      async stop() {
        if (stopped) return;
        stopped = true;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await waitExit(child);
        clearTimeout(timer);
        live.delete(child);
        dog.kill('SIGKILL');
        await Promise.all([issuer?.stop(), dispatcher.close().catch(() => undefined)]);
        await rm(dataDir, { recursive: true, force: true });
        liveDirs.delete(dataDir);
      },
    };
  }
  await issuer?.stop();
  await dispatcher.close().catch(() => undefined);
  throw lastError ?? new Error('docker-registry did not start; see its log above.');
}

type Started = { child: ChildProcess; logs: () => string } | { error: Error; logs: string };

async function spawnAndWait(bin: string, configPath: string, url: string, dispatcher: Agent): Promise<Started> {
  // Keep REGISTRY_* variables of the caller from overriding the generated config.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  const child = spawn(bin, ['serve', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let buf = '';
  const append = (chunk: Buffer): void => {
    buf += chunk.toString('utf8');
    if (buf.length > LOG_CAP) buf = buf.slice(buf.length - LOG_CAP);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await new Promise((r) => setTimeout(r, 50)); // let the last stderr bytes arrive
      live.delete(child);
      const why = spawnError ? spawnError.message : `exit code ${child.exitCode ?? child.signalCode}`;
      return { error: new Error(`${bin} exited early (${why}); its output:\n${buf}`), logs: buf };
    }
    try {
      const res = await undiciFetch(`${url}/v2/`, { dispatcher, signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      return { child, logs: () => buf };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  await waitExit(child);
  live.delete(child);
  return { error: new Error(`docker-registry did not answer ${url}/v2/ within 15 s; its output:\n${buf}`), logs: buf };
}
