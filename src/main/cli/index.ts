/**
 * The `berth` command (built to out/main/cli.js, run by bin/berth.mjs with plain Node). Startup
 * stays fast: only this file loads eagerly; each command is imported when it runs.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toWireError } from '../../shared/errors';
import { line, UsageError, type CliIo } from './io';

/** Help text of `berth --help`. */
export const HELP = `berth — browse, push and clean up container registries

Usage:
  berth serve [--port N] [--open]          run the app in your browser (web shell)
  berth push FILE REGISTRY[/REPO[:TAG]]    push a docker save / OCI archive (see berth push --help)
  berth ls REGISTRY                        list repositories
  berth tags REGISTRY/REPO                 list tags
  berth inspect REGISTRY/REPO[:TAG|@DIGEST]  show a manifest (image or index)
  berth rm REGISTRY/REPO:TAG|@DIGEST [--yes] delete by digest (shows the tags it takes along)
  berth files REF [PATH] [--layer N]       list the image's files below PATH (or what layer N did)
  berth cat REF PATH                       print one file of the image, byte for byte
  berth diff REF_A REF_B                   what B changes against A: config, layers, files

REF is a registry reference (localhost:5000/team/app:1, …@sha256:…) or an archive made by
docker save: app.tar, app.tar:N (its image number, from 0) or app.tar:TAG. Layers are numbered
from 1, the bottom one. Layer files are indexed once and kept in the cache folder the app uses;
progress goes to stderr.

Options of ls, tags, inspect, rm, files, diff (cat: --insecure, --ca-file):
  --json          machine-readable output
  --insecure      allow plain http / unverified TLS to a non-loopback registry
  --ca-file FILE  trust this CA certificate (PEM) for the registry

Credentials come from BERTH_USERNAME and BERTH_PASSWORD, else from what "docker login" or "podman login" saved.
Errors print one line "error CODE: message" and exit 1; usage errors exit 2.
`;

/** The renderer built next to this bundle (out/main/cli.js → out/renderer), overridable for tests. */
export function rendererDir(): string {
  return process.env.BERTH_RENDERER_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '../renderer');
}

/** Runs one `berth` command line; resolves to the exit status. */
export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        line(io.stdout, '0.1.0');
        return 0;
      case 'serve':
        if (wantsHelp(rest)) return help(io, 'berth serve [--port N] [--open]');
        return await (await import('./commands/serve')).runServe(rest, io, rendererDir());
      case 'push':
        // push draws progress on a TTY, so it wants real WriteStreams (process.stdout in practice).
        return await (await import('./commands/push')).runPushCommand(rest, io as Parameters<typeof import('./commands/push').runPushCommand>[1]);
      case 'ls':
        if (wantsHelp(rest)) return help(io, 'berth ls REGISTRY [--json] [--insecure] [--ca-file FILE]');
        return await (await import('./commands/browse')).runLs(rest, io);
      case 'tags':
        if (wantsHelp(rest)) return help(io, 'berth tags REGISTRY/REPO [--json] [--insecure] [--ca-file FILE]');
        return await (await import('./commands/browse')).runTags(rest, io);
      case 'inspect':
        if (wantsHelp(rest)) return help(io, 'berth inspect REGISTRY/REPO[:TAG|@DIGEST] [--json] [--insecure] [--ca-file FILE]');
        return await (await import('./commands/browse')).runInspect(rest, io);
      case 'rm':
        if (wantsHelp(rest)) return help(io, 'berth rm REGISTRY/REPO:TAG|@DIGEST [--yes] [--json] [--insecure] [--ca-file FILE]');
        return await (await import('./commands/rm')).runRm(rest, io);
      case 'files':
        if (wantsHelp(rest)) return help(io, 'berth files REF [PATH] [--layer N] [--json] [--insecure] [--ca-file FILE]');
        return await (await import('./commands/contents')).runFiles(rest, io);
      case 'cat':
        if (wantsHelp(rest)) return help(io, 'berth cat REF PATH [--insecure] [--ca-file FILE]');
        return await (await import('./commands/contents')).runCat(rest, io);
      case 'diff':
        if (wantsHelp(rest)) return help(io, 'berth diff REF_A REF_B [--json] [--insecure] [--ca-file FILE]');
        return await (await import('./commands/contents')).runDiff(rest, io);
      default:
        throw new UsageError(`unknown command "${command}"; run berth --help`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      line(io.stderr, `usage error: ${err.message}`);
      return 2;
    }
    const wire = toWireError(err);
    line(io.stderr, `error ${wire.code}: ${wire.message.replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }
}

function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

function help(io: CliIo, usage: string): number {
  line(io.stdout, `usage: ${usage}`);
  return 0;
}
