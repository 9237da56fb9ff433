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
  berth rm REF... [--yes]                  delete by digest (shows the tags it takes along);
                                           REF is REGISTRY/REPO:TAG or REGISTRY/REPO@DIGEST
  berth rm REF... --dry-run                delete nothing: list the manifests and tags that would go
                                           and the exact bytes freed after garbage collection
  berth du REGISTRY[/REPO]                 where the space goes: stored total, per repository
                                           (own / shared bytes), per tag (bytes freed if deleted)
  berth find REGISTRY QUERY                search every repository: words (repository names),
                                           tag:v1.*  digest:ab12  label:k=v  platform:linux/arm64
                                           created:>2024-01  size:>100MB  base:REPO:TAG  is:untagged
  berth save REGISTRY/REPO[:TAG] FILE      save a tag to a tarball (see berth save --help)
  berth cp SRC DST                         copy a tag to another repository or registry (see berth cp --help)
  berth files REF [PATH] [--layer N]       list the image's files below PATH (or what layer N did)
  berth cat REF PATH                       print one file of the image, byte for byte
  berth diff REF_A REF_B                   what B changes against A: config, layers, files

du, find and rm --dry-run use the registry index in Berth's cache folder (shared with the app),
building or updating it first and saying so on stderr; --refresh builds it again.

For files, cat and diff, REF is a registry reference (localhost:5000/team/app:1, …@sha256:…) or an
archive made by docker save: app.tar, app.tar:N (its image number, from 0) or app.tar:TAG. Layers are numbered
from 1, the bottom one. Layer files are indexed once and kept in the cache folder the app uses;
progress goes to stderr.

Options of save and cp:
  --platform OS/ARCH[/VARIANT]  that platform of a multi-platform tag (repeat for several);
                                default: this machine's platform
  --all-platforms               every platform (the index as it is)
  --with-referrers              signatures, attestations and SBOMs too
  --format docker|oci           save: docker load-compatible (default) or an OCI image layout
  --force                       save: replace FILE if it exists

Options of ls, tags, inspect, rm, du, find, save, cp, files, diff (cat: --insecure, --ca-file):
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
        if (wantsHelp(rest)) return help(io, 'berth rm REGISTRY/REPO:TAG|@DIGEST... [--dry-run [--refresh]] [--yes] [--json] [--insecure] [--ca-file FILE]');
        return await (await import('./commands/rm')).runRm(rest, io);
      case 'save': {
        const transfer = await import('./commands/transfer');
        if (wantsHelp(rest)) return help(io, transfer.SAVE_USAGE);
        return await transfer.runSave(rest, io);
      }
      case 'cp': {
        const transfer = await import('./commands/transfer');
        if (wantsHelp(rest)) return help(io, transfer.CP_USAGE);
        return await transfer.runCp(rest, io);
      }
      case 'du':
        if (wantsHelp(rest)) return help(io, 'berth du REGISTRY[/REPO] [--refresh] [--json] [--insecure] [--ca-file FILE]');
        return await (await import('./commands/du')).runDu(rest, io);
      case 'find':
        if (wantsHelp(rest)) return help(io, 'berth find REGISTRY QUERY... [--limit N] [--refresh] [--json] [--insecure] [--ca-file FILE]');
        return await (await import('./commands/du')).runFind(rest, io);
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
