/**
 * `berth rm REF...` (each REGISTRY/REPO:TAG or REGISTRY/REPO@DIGEST, one registry): deletes by
 * digest after showing every tag that goes with each (deleting a digest removes all its tags),
 * asking y/N on a terminal unless --yes. With --dry-run it deletes nothing and tells, from the
 * registry index, the manifests and tags that would go and the exact bytes garbage collection
 * gives back registry-wide for all the REFs together (`freedBytes`).
 */
import { createInterface } from 'node:readline/promises';
import { BerthError } from '../../../shared/errors';
import type { DeletePlan, DeleteResult } from '../../../shared/types';
import { reclaim, type SelectionItem } from '../../index/index';
import { deleteManifest, planDelete, type RegistryClient } from '../../registry/index';
import { indexAsOf } from '../../service/index-views';
import { parseArgs } from '../args';
import { asOfText, ensureIndex, exactBytes, withIndex } from '../index-cache';
import { line, printJson, UsageError, type CliIo } from '../io';
import { parseImageArg, REGISTRY_FLAGS, withClient, type CliTarget } from '../target';

type Ref = CliTarget & { repository: string; reference: string; text: string };

function parseRefs(positionals: string[]): Ref[] {
  if (!positionals.length) throw new UsageError('expected REGISTRY/REPOSITORY:TAG|@DIGEST (one or more)');
  const refs = positionals.map((text) => {
    const t = parseImageArg(text);
    const reference = t.digest ?? t.tag;
    if (!reference) throw new UsageError(`"${text}" names no tag or digest; say which one to delete, e.g. ${text}:1.0`);
    return { ...t, repository: t.repository!, reference, text };
  });
  const registries = new Set(refs.map((r) => r.registry));
  if (registries.size > 1) throw new UsageError(`every REF must be on one registry; got ${[...registries].join(' and ')}`);
  return refs;
}

/** Runs `berth rm`. */
export async function runRm(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { booleans: [...REGISTRY_FLAGS.booleans, 'yes', 'dry-run', 'refresh'], values: REGISTRY_FLAGS.values });
  const refs = parseRefs(args.positionals);
  return withClient(refs[0]!.registry, args.flags, (client) => (args.flags['dry-run'] ? dryRun(client, refs, args.flags, io) : remove(client, refs, args.flags, io)));
}

async function dryRun(client: RegistryClient, refs: Ref[], flags: Record<string, string | boolean>, io: CliIo): Promise<number> {
  return withIndex(client, async (index) => {
    const repositories = [...new Set(refs.map((r) => r.repository))];
    const coverage = await ensureIndex(client, index, io, { repositories, rebuild: flags.refresh === true });
    const selection: SelectionItem[] = refs.map((r) => (r.digest ? { repository: r.repository, digest: r.digest } : { repository: r.repository, tag: r.reference }));
    const fig = reclaim(index, selection);
    if (fig.notFound.length) {
      const missing = fig.notFound.map((s) => `${s.repository}${'tag' in s ? `:${s.tag}` : `@${s.digest}`}`);
      throw new BerthError('MANIFEST_UNKNOWN', `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in ${client.config.host}. Check the names with berth tags.`);
    }
    const asOf = indexAsOf(index);
    if (flags.json) {
      printJson(io, { registry: client.config.host, dryRun: true, freedBytes: fig.freedBytes, manifests: fig.manifests, leftUntagged: fig.leftUntagged, unknownSizes: fig.unknownSizes, coverage, asOf });
      return 0;
    }
    const tags = fig.manifests.reduce((n, m) => n + m.tags.length, 0);
    line(io.stdout, `Would delete ${fig.manifests.length} manifest${fig.manifests.length === 1 ? '' : 's'} and ${tags} tag${tags === 1 ? '' : 's'} (nothing was deleted):`);
    for (const m of fig.manifests) line(io.stdout, `  ${m.repository}@${m.digest}${m.tags.length ? `  tags ${m.tags.join(', ')}` : '  (untagged)'}`);
    for (const u of fig.leftUntagged) line(io.stdout, `  stays, untagged: ${u.repository}@${u.digest} (a platform image of a deleted index)`);
    const bound = fig.unknownSizes ? ' at least' : '';
    const scope = coverage === 'full' ? 'registry-wide' : `counting ${repositories.join(', ')} only (no catalog)`;
    line(io.stdout, `Frees${bound} ${exactBytes(fig.freedBytes)} after garbage collection, ${scope}; index ${asOfText(asOf)}.`);
    return 0;
  });
}

async function remove(client: RegistryClient, refs: Ref[], flags: Record<string, string | boolean>, io: CliIo): Promise<number> {
  const stdin = io.stdin ?? process.stdin;
  const plans: DeletePlan[] = [];
  for (const r of refs) {
    const plan = await planDelete(client, r.repository, r.reference);
    if (!plans.some((p) => p.repository === plan.repository && p.digest === plan.digest)) plans.push(plan);
  }
  if (!flags.yes) {
    if (!stdin.isTTY) {
      const what = plans.map((p) => `deleting ${p.repository}@${p.digest} removes ${describeTags(p)}`).join('; ');
      throw new BerthError('CANCELLED', `Nothing was deleted: ${what}, and there is no terminal to confirm. Re-run with --yes.`);
    }
    for (const p of plans) showPlan(io, p);
    if (!(await confirm(io, stdin))) {
      line(io.stderr, 'Nothing was deleted.');
      return 1;
    }
  }
  const results: DeleteResult[] = [];
  for (const p of plans) results.push(await deleteManifest(client, p.repository, p.digest, p.tags));
  await forgetInIndex(client, results);
  if (flags.json) printJson(io, results.length === 1 ? results[0] : results);
  else {
    for (const result of results) {
      line(io.stdout, `Deleted ${result.repository}@${result.digest}`);
      for (const t of result.deletedTags) line(io.stdout, `  untagged ${t}`);
    }
    line(io.stdout, 'Space comes back after the registry runs garbage collection.');
  }
  return 0;
}

/** The index in the cache forgets what was deleted, so the app and the next command do not count it. */
async function forgetInIndex(client: RegistryClient, results: DeleteResult[]): Promise<void> {
  await withIndex(client, async (index) => {
    for (const r of results) index.forgetManifest(r.repository, r.digest);
  }).catch(() => undefined);
}

function describeTags(plan: DeletePlan): string {
  return plan.tags.length ? `tag${plan.tags.length === 1 ? '' : 's'} ${plan.tags.join(', ')}` : 'no tags';
}

function showPlan(io: CliIo, plan: DeletePlan): void {
  line(io.stderr, `Deleting ${plan.repository}@${plan.digest}`);
  line(io.stderr, `removes ${describeTags(plan)}.`);
  if (plan.leavesRepositoryEmpty) line(io.stderr, `${plan.repository} will be left without tags.`);
}

async function confirm(io: CliIo, stdin: NodeJS.ReadableStream): Promise<boolean> {
  const rl = createInterface({ input: stdin, output: io.stderr, terminal: true });
  try {
    const answer = await rl.question('Delete? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
