/**
 * `berth du REGISTRY[/REPO]` and `berth find REGISTRY QUERY`: the storage figures and the search
 * of the registry index (the same engine and cache as the app's storage view and search box).
 */
import type { RepositoryStorage } from '../../../shared/index-types';
import { compareNatural } from '../../../shared/natural-order';
import { searchIndex } from '../../index/index';
import { cachedStorageFigures, indexAsOf, repositoryDetail } from '../../service/index-views';
import { parseArgs } from '../args';
import { asOfText, ensureIndex, exactBytes, withIndex } from '../index-cache';
import { formatBytes, line, printJson, UsageError, type CliIo } from '../io';
import { parseImageArg, parseRegistryArg, REGISTRY_FLAGS, withClient, type CliTarget } from '../target';

const FLAGS = { booleans: [...REGISTRY_FLAGS.booleans, 'refresh'], values: [...REGISTRY_FLAGS.values, 'limit'] };

/** `REGISTRY` or `REGISTRY/REPO` (no tag). */
function registryOrRepository(arg: string): CliTarget {
  const bare = arg.replace(/^https?:\/\//i, '');
  if (!bare.includes('/')) return parseRegistryArg(arg);
  const t = parseImageArg(arg);
  if (t.tag || t.digest) throw new UsageError(`"${arg}" names a tag or digest; give REGISTRY or REGISTRY/REPOSITORY`);
  return t;
}

/** Runs `berth du`. */
export async function runDu(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (args.positionals.length !== 1) throw new UsageError('expected REGISTRY[/REPOSITORY]');
  const target = registryOrRepository(args.positionals[0]!);
  const repository = target.repository;
  return withClient(target.registry, args.flags, (client) =>
    withIndex(client, async (index) => {
      const coverage = await ensureIndex(client, index, io, { repositories: repository ? [repository] : [], rebuild: args.flags.refresh === true });
      const scope = coverage === 'full' ? 'catalog' : 'pinned';
      if (repository) {
        const detail = repositoryDetail(index, repository, scope);
        if (args.flags.json) printJson(io, detail);
        else printRepository(io, detail);
        return 0;
      }
      const figures = cachedStorageFigures(index);
      const asOf = indexAsOf(index);
      if (args.flags.json) printJson(io, { ...figures, asOf });
      else {
        line(io.stdout, `Stored      ${exactBytes(figures.totalStoredBytes)}  (every blob once: layers, configs, manifests)`);
        line(io.stdout, `Tag sizes   ${exactBytes(figures.naiveTagBytes)}  (each tag's size added up: shared layers counted again)`);
        line(io.stdout, `${figures.repositories.length} repositories, ${figures.tags} tags, ${figures.manifests} manifests; ${asOfText(asOf)}`);
        if (figures.unknownSizes) line(io.stdout, `${figures.unknownSizes} blobs of unknown size: the figures are lower bounds.`);
        line(io.stdout);
        printRepositories(io, figures.repositories);
      }
      return 0;
    }),
  );
}

function printRepositories(io: CliIo, rows: RepositoryStorage[]): void {
  const sorted = [...rows].sort((a, b) => b.ownBytes - a.ownBytes || compareNatural(a.repository, b.repository));
  const width = Math.min(60, Math.max(10, ...sorted.map((r) => r.repository.length)));
  line(io.stdout, `${'REPOSITORY'.padEnd(width)}  ${'TAGS'.padStart(6)}  ${'OWN'.padStart(10)}  ${'SHARED'.padStart(10)}  LAST PUSH`);
  for (const r of sorted) {
    line(io.stdout, `${r.repository.padEnd(width)}  ${String(r.tags).padStart(6)}  ${formatBytes(r.ownBytes).padStart(10)}  ${formatBytes(r.sharedBytes).padStart(10)}  ${r.lastPush?.slice(0, 10) ?? '-'}`);
  }
}

function printRepository(io: CliIo, d: ReturnType<typeof repositoryDetail>): void {
  const f = d.figures;
  line(io.stdout, `${d.repository}: ${f ? `${f.tags} tags, ${exactBytes(f.ownBytes)} its own, ${formatBytes(f.sharedBytes)} shared with other repositories` : 'not in the index'}; ${asOfText(d.asOf)}`);
  line(io.stdout, 'FREED = bytes garbage collection gives back if only that tag (its digest, with every tag on it) is deleted.');
  line(io.stdout);
  const width = Math.max(8, ...d.tags.map((t) => t.tag!.length));
  line(io.stdout, `${'TAG'.padEnd(width)}  ${'DIGEST'.padEnd(19)}  ${'SIZE'.padStart(10)}  ${'FREED'.padStart(10)}  CREATED`);
  for (const t of [...d.tags].sort((a, b) => compareNatural(a.tag!, b.tag!))) {
    line(io.stdout, `${t.tag!.padEnd(width)}  ${t.digest.slice(0, 19)}  ${formatBytes(t.size).padStart(10)}  ${formatBytes(t.freedBytes).padStart(10)}  ${t.created?.slice(0, 10) ?? '-'}`);
  }
  if (!d.untagged.length) return;
  line(io.stdout);
  line(io.stdout, 'Untagged manifests (stored, no tag reaches them; delete with berth rm REGISTRY/REPO@DIGEST):');
  for (const u of d.untagged) line(io.stdout, `  ${u.digest}  ${formatBytes(u.size).padStart(10)}  frees ${formatBytes(u.freedBytes)}`);
}

/** Runs `berth find REGISTRY QUERY…` (the words of the query may be separate arguments). */
export async function runFind(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  const [registryArg, ...words] = args.positionals;
  if (!registryArg || !words.length) throw new UsageError('expected REGISTRY QUERY, e.g. berth find localhost:5000 "tag:v1.* label:team=web"');
  const target = parseRegistryArg(registryArg);
  const limit = typeof args.flags.limit === 'string' ? Number(args.flags.limit) : 200;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit takes a whole number from 1 to 10000');
  const query = words.join(' ');
  return withClient(target.registry, args.flags, (client) =>
    withIndex(client, async (index) => {
      await ensureIndex(client, index, io, { rebuild: args.flags.refresh === true });
      const result = searchIndex(index, query, { limit });
      if (args.flags.json) printJson(io, { ...result, asOf: indexAsOf(index) });
      else {
        for (const h of result.hits) {
          const name = h.tag === null ? `${h.repository}@${h.digest}` : `${h.repository}:${h.tag}`;
          line(io.stdout, `${name}  ${h.digest.slice(7, 19)}  ${formatBytes(h.size)}  ${h.created?.slice(0, 10) ?? '-'}  ${h.platforms.join(',') || '-'}`);
        }
        if (result.truncated) line(io.stderr, `berth: ${result.total} matches; showing ${result.hits.length} (--limit N for more).`);
        else if (!result.total) line(io.stderr, 'berth: nothing matches.');
      }
      return 0;
    }),
  );
}
