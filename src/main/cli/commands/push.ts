/**
 * `berth push FILE REGISTRY[/REPOSITORY[:TAG]] [--all-tags] [--image N] [--compression gzip|none|zstd]
 * [--insecure] [--json]` — runs the push pipeline in-process (no worker: the CLI has no UI loop
 * to protect) and imports only what a push needs, so a re-push finishes in a fraction of a second.
 */
import { basename, resolve } from 'node:path';
import { BerthError, toWireError, type WireError } from '../../../shared/errors';
import { outcomePhase } from '../../../shared/push-phase';
import type { Compression, PushOutcome, PushProgress, PushRequest } from '../../../shared/types';
import { configFor } from '../target';
import { runPush } from '../../push/run';
import { readSettings } from '../../service/settings';

/** Streams the command writes to. */
export interface CommandIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

const USAGE =
  'usage: berth push FILE REGISTRY[/REPOSITORY[:TAG]] [--all-tags] [--image N] [--compression gzip|none|zstd] [--insecure] [--json]';

/** Parsed command line of `berth push`. */
export interface PushArgs {
  file: string;
  registryUrl: string;
  target?: string;
  allTags: boolean;
  image?: number;
  compression: Compression;
  insecure: boolean;
  json: boolean;
}

function usage(why: string): BerthError {
  return new BerthError('INVALID_ARGUMENT', `${why}. ${USAGE}`);
}

/** Splits `REGISTRY[/REPOSITORY[:TAG]]` (scheme optional) into the registry URL and the target. */
export function splitDestination(dest: string): { registryUrl: string; target?: string } {
  const m = /^((?:https?:\/\/)?[^/]+)(?:\/(.*))?$/i.exec(dest.trim());
  if (!m || !m[1]) throw usage(`"${dest}" is not a registry destination`);
  const target = m[2]?.replace(/\/+$/, '');
  return target ? { registryUrl: m[1], target } : { registryUrl: m[1] };
}

/** Parses argv (after `push`). */
export function parsePushArgs(argv: string[]): PushArgs {
  const positional: string[] = [];
  const out: Partial<PushArgs> & { allTags: boolean; insecure: boolean; json: boolean; compression: Compression } = {
    allTags: false,
    insecure: false,
    json: false,
    compression: 'gzip',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw usage(`${flag} needs a value`);
      return v;
    };
    if (flag === '--all-tags') out.allTags = true;
    else if (flag === '--insecure') out.insecure = true;
    else if (flag === '--json') out.json = true;
    else if (flag === '--image') {
      const v = value();
      if (!/^\d+$/.test(v)) throw usage(`--image takes the image's number in the archive (0, 1, …), not "${v}"`);
      out.image = Number(v);
    } else if (flag === '--compression') {
      const v = value();
      if (v !== 'gzip' && v !== 'none' && v !== 'zstd') throw usage(`--compression must be gzip, none or zstd, not "${v}"`);
      out.compression = v;
    } else if (a.startsWith('-') && a !== '-') throw usage(`unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length !== 2) throw usage(positional.length < 2 ? 'FILE and REGISTRY are required' : `unexpected argument "${positional[2]}"`);
  const { registryUrl, target } = splitDestination(positional[1]);
  if (target && out.allTags) throw usage('--all-tags pushes the archive\'s own tags; leave out /REPOSITORY[:TAG] or drop --all-tags');
  return { ...out, file: positional[0], registryUrl, ...(target ? { target } : {}) };
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** One line of progress bar for a TTY. */
export function progressLine(p: PushProgress, width = 30): string {
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
  const filled = Math.round(frac * width);
  const eta = p.eta === null ? '' : ` ETA ${Math.ceil(p.eta)}s`;
  const layers = p.layers.filter((l) => ['done', 'exists', 'mounted'].includes(l.state)).length;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(frac * 100)}% ${mb(p.bytesDone)}/${mb(p.bytesTotal)} ${mb(p.rate)}/s${eta} (${layers}/${p.layers.length} blobs, ${p.phase})`;
}

function printError(io: CommandIo, json: boolean, err: WireError): void {
  if (json) io.stdout.write(`${JSON.stringify({ ok: false, error: { code: err.code, message: err.message } })}\n`);
  else io.stderr.write(`error ${err.code}: ${err.message}\n`);
}

/** Runs `berth push`; resolves with the exit code (0 only when every tag was pushed). */
export async function runPushCommand(argv: string[], io: CommandIo): Promise<number> {
  const json = argv.includes('--json');
  let args: PushArgs;
  let registry;
  try {
    args = parsePushArgs(argv);
    registry = await configFor(args.registryUrl, { insecure: args.insecure });
  } catch (err) {
    printError(io, json, toWireError(err));
    return 2;
  }
  const request: PushRequest = { handle: 'cli', registryId: registry.host, compression: args.compression };
  if (args.target) request.target = args.target;
  if (args.image !== undefined) request.image = args.image;
  if (args.allTags) request.useOriginalTags = true;

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const tty = !args.json && io.stderr.isTTY === true;
  let drawn = false;
  const onProgress = (p: PushProgress): void => {
    if (!tty) return;
    io.stderr.write(`\r${progressLine(p)}\x1b[K`);
    drawn = true;
  };
  let outcome: PushOutcome;
  try {
    const path = resolve(args.file);
    // No service here, but the same settings: one cache folder for every shell, BERTH_GZIP honoured.
    const { cacheDir, gzip } = readSettings(process.env);
    outcome = await runPush(
      { archivePath: path, fileName: basename(path), registry, request, pushId: 'cli', cacheDir, gzip },
      { signal: controller.signal, onProgress },
    );
  } finally {
    process.off('SIGINT', onSigint);
    if (drawn) io.stderr.write('\n');
  }
  if (args.json) {
    if (outcome.ok) {
      io.stdout.write(`${JSON.stringify({ ok: true, pushed: outcome.pushed, bytesUploaded: outcome.bytesUploaded, seconds: outcome.seconds })}\n`);
    } else printError(io, true, outcome.error!);
  } else {
    for (const t of outcome.pushed) io.stdout.write(`pushed ${registry.host}/${t.repository}:${t.tag} ${t.digest}\n`);
    if (!outcome.ok) printError(io, false, outcome.error!);
  }
  const exitCodes = { done: 0, cancelled: 130, failed: 1 } as const;
  return exitCodes[outcomePhase(outcome)];
}
