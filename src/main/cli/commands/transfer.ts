/**
 * `berth save REF FILE` and `berth cp SRC DST` (issue 14): a tag out of a registry into a
 * `docker load` / OCI archive, or into another repository or registry; progress on stderr
 * (a redrawn bar on a terminal, one line per phase otherwise), the result on stdout.
 */
import { resolve } from 'node:path';
import { BerthError } from '../../../shared/errors';
import type { PlatformChoice, TransferProgress } from '../../../shared/transfer-types';
import type { Platform } from '../../../shared/types';
import { copyImage, retag } from '../../transfer/copy';
import { parsePlatform } from '../../transfer/graph';
import { saveImage } from '../../transfer/save';
import { RegistryClient } from '../../registry/client';
import { expectPositionals, parseArgs } from '../args';
import { formatBytes, line, printJson, UsageError, type CliIo } from '../io';
import { configFor, parseImageArg, REGISTRY_FLAGS, type CliTarget } from '../target';

/** Usage lines, also printed by `--help`. */
export const SAVE_USAGE = 'berth save REGISTRY/REPO[:TAG|@DIGEST] FILE [--platform OS/ARCH[/VARIANT] … | --all-platforms] [--format docker|oci] [--with-referrers] [--force] [--json] [--insecure] [--ca-file FILE]';
export const CP_USAGE = 'berth cp SRC DST [--platform OS/ARCH[/VARIANT] … | --all-platforms] [--with-referrers] [--json] [--insecure] [--ca-file FILE]';

const TRANSFER_FLAGS = { booleans: [...REGISTRY_FLAGS.booleans, 'all-platforms', 'with-referrers', 'force'], values: [...REGISTRY_FLAGS.values, 'format'] };

/** The platform of this machine as image indexes name it (what `docker pull` and skopeo pick by default). */
export function hostPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): Platform {
  const architecture = ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[arch] ?? arch;
  return { os: platform === 'win32' ? 'windows' : 'linux', architecture };
}

/** `--platform` (repeatable, comma lists too), `--all-platforms`, or this machine's platform. */
function platformChoice(argv: string[], all: boolean): PlatformChoice {
  const given: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--platform') given.push(...(argv[i + 1] ?? '').split(','));
    else if (a.startsWith('--platform=')) given.push(...a.slice('--platform='.length).split(','));
  }
  if (all && given.length) throw new UsageError('give either --platform or --all-platforms, not both');
  if (all) return { kind: 'all' };
  const platforms = given.filter(Boolean).map((p) => {
    try {
      return parsePlatform(p.trim());
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  if (platforms.length > 1) return { kind: 'some', platforms };
  return { kind: 'one', platform: platforms[0] ?? hostPlatform() };
}

/** Takes `--platform` out before the generic parser (it may repeat). */
function withoutPlatforms(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--platform') i++;
    else if (!argv[i]!.startsWith('--platform=')) out.push(argv[i]!);
  }
  return out;
}

/** Draws progress on stderr: a bar on a terminal, a line per phase otherwise. */
function progressWriter(io: CliIo, enabled: boolean): { onProgress: (p: TransferProgress) => void; end: () => void } {
  const tty = enabled && (io.stderr as NodeJS.WriteStream).isTTY === true;
  let phase = '';
  let drawn = false;
  return {
    onProgress: (p) => {
      if (!enabled) return;
      const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
      const text = `${p.phase} ${Math.floor(frac * 100)}% ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)} (${p.blobsDone}/${p.blobsTotal} blobs, ${p.manifestsDone}/${p.manifestsTotal} manifests)`;
      if (tty) {
        io.stderr.write(`\r${text}\x1b[K`);
        drawn = true;
      } else if (p.phase !== phase) line(io.stderr, text);
      phase = p.phase;
    },
    end: () => {
      if (drawn) io.stderr.write('\n');
    },
  };
}

/** A client for the target of a CLI argument; the caller closes it. */
async function clientFor(target: CliTarget, flags: Record<string, string | boolean>): Promise<RegistryClient> {
  return new RegistryClient(await configFor(target.registry, flags));
}

/** Runs `work` with a signal SIGINT aborts; exit status 130 when it did. */
async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** `berth save REF FILE`. */
export async function runSave(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(withoutPlatforms(argv), TRANSFER_FLAGS);
  const [ref, fileArg] = expectPositionals(args, ['REGISTRY/REPOSITORY[:TAG|@DIGEST]', 'FILE']);
  const source = parseImageArg(ref!);
  const reference = source.digest ?? source.tag ?? 'latest';
  const format = args.flags.format ?? 'docker';
  if (format !== 'docker' && format !== 'oci') throw new UsageError(`--format must be docker or oci, not "${String(format)}"`);
  const platforms = platformChoice(argv, args.flags['all-platforms'] === true);
  const file = resolve(fileArg!);
  const client = await clientFor(source, args.flags);
  const progress = progressWriter(io, args.flags.json !== true);
  try {
    const res = await interruptible((signal) =>
      saveImage({ client, repository: source.repository!, signal }, reference, file, {
        format,
        platforms,
        withReferrers: args.flags['with-referrers'] === true,
        overwrite: args.flags.force === true,
        onProgress: progress.onProgress,
      }),
    );
    progress.end();
    if (args.flags.json) printJson(io, res);
    else line(io.stdout, `saved ${client.config.host}/${source.repository}${source.digest ? '@' : ':'}${reference} ${res.digest} to ${res.file} (${formatBytes(res.bytes)}, ${res.manifests} manifests, ${res.blobs} blobs)`);
    return 0;
  } catch (err) {
    progress.end();
    if (err instanceof BerthError && err.code === 'CANCELLED') return interrupted(io, err);
    throw err;
  } finally {
    await client.close();
  }
}

/** `berth cp SRC DST`: DST's tag defaults to SRC's; the same repository only adds the tag. */
export async function runCp(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(withoutPlatforms(argv), TRANSFER_FLAGS);
  if (args.flags.format !== undefined || args.flags.force) throw new UsageError('--format and --force belong to berth save');
  const [srcArg, dstArg] = expectPositionals(args, ['SRC (REGISTRY/REPO[:TAG|@DIGEST])', 'DST (REGISTRY/REPO[:TAG])']);
  const source = parseImageArg(srcArg!);
  const target = parseImageArg(dstArg!);
  if (target.digest) throw new UsageError(`"${dstArg}" names a digest; a copy lands under a tag: write REGISTRY/REPO[:TAG]`);
  const reference = source.digest ?? source.tag ?? 'latest';
  const tag = target.tag ?? source.tag ?? 'latest';
  const all = args.flags['all-platforms'] === true;
  const platforms = platformChoice(argv, all);
  const src = await clientFor(source, args.flags);
  const sameRegistry = source.registry === target.registry;
  const dst = sameRegistry ? src : await clientFor(target, args.flags);
  const progress = progressWriter(io, args.flags.json !== true);
  try {
    const sameRepository = sameRegistry && source.repository === target.repository;
    // Into its own repository with every platform: the same manifest under one more tag, no blob traffic.
    const res = await interruptible(async (signal) =>
      sameRepository && all
        ? { ...(await retag(src, source.repository!, reference, tag, signal)), retag: true as const }
        : copyImage({ client: src, repository: source.repository!, signal }, reference, { client: dst, repository: target.repository!, tag }, {
            platforms,
            withReferrers: args.flags['with-referrers'] === true,
            onProgress: progress.onProgress,
          }),
    );
    progress.end();
    if (args.flags.json) printJson(io, res);
    else {
      const how = 'retag' in res ? 'tagged' : `copied (${res.blobs.streamed} streamed, ${res.blobs.mounted} mounted, ${res.blobs.skipped} already there; ${formatBytes(res.bytesStreamed)} moved)`;
      line(io.stdout, `${how} ${dst.config.host}/${target.repository}:${tag} ${res.digest}`);
    }
    return 0;
  } catch (err) {
    progress.end();
    if (err instanceof BerthError && err.code === 'CANCELLED') return interrupted(io, err);
    throw err;
  } finally {
    await src.close();
    if (dst !== src) await dst.close();
  }
}

function interrupted(io: CliIo, err: BerthError): number {
  line(io.stderr, `error CANCELLED: ${err.message}`);
  return 130;
}
