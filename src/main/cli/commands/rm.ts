/**
 * `berth rm REGISTRY/REPO:TAG|@DIGEST`: deletes by digest after showing every tag that goes with
 * it (deleting a digest removes all its tags), asking y/N on a terminal unless --yes.
 */
import { createInterface } from 'node:readline/promises';
import { BerthError } from '../../../shared/errors';
import type { DeletePlan } from '../../../shared/types';
import { deleteManifest, planDelete } from '../../registry/index';
import { expectPositionals, parseArgs } from '../args';
import { line, printJson, UsageError, type CliIo } from '../io';
import { parseImageArg, REGISTRY_FLAGS, withClient } from '../target';

/** Runs `berth rm`. */
export async function runRm(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { booleans: [...REGISTRY_FLAGS.booleans, 'yes'], values: REGISTRY_FLAGS.values });
  const [ref] = expectPositionals(args, ['REGISTRY/REPOSITORY:TAG|@DIGEST']);
  const target = parseImageArg(ref!);
  const reference = target.digest ?? target.tag;
  if (!reference) throw new UsageError(`"${ref}" names no tag or digest; say which one to delete, e.g. ${ref}:1.0`);
  const stdin = io.stdin ?? process.stdin;
  return withClient(target.registry, args.flags, async (client) => {
    const plan = await planDelete(client, target.repository!, reference);
    if (!args.flags.yes) {
      if (!stdin.isTTY) {
        throw new BerthError(
          'CANCELLED',
          `Nothing was deleted: deleting ${plan.repository}@${plan.digest} removes ${describeTags(plan)}, and there is no terminal to confirm. Re-run with --yes.`,
        );
      }
      showPlan(io, plan);
      if (!(await confirm(io, stdin))) {
        line(io.stderr, 'Nothing was deleted.');
        return 1;
      }
    }
    const result = await deleteManifest(client, plan.repository, plan.digest, plan.tags);
    if (args.flags.json) printJson(io, result);
    else {
      line(io.stdout, `Deleted ${result.repository}@${result.digest}`);
      for (const t of result.deletedTags) line(io.stdout, `  untagged ${t}`);
      line(io.stdout, 'Space comes back after the registry runs garbage collection.');
    }
    return 0;
  });
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
