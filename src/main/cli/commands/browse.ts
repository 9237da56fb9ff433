/** `berth ls`, `berth tags`, `berth inspect`: read-only commands for scripts and people. */
import { sortNatural } from '../../../shared/natural-order';
import type { ImageSummary, IndexSummary, ManifestSummary } from '../../../shared/types';
import { getManifestSummary, listAllRepositories, listAllTags } from '../../registry/index';
import { expectPositionals, parseArgs } from '../args';
import { formatBytes, line, printJson, UsageError, type CliIo } from '../io';
import { parseImageArg, parseRegistryArg, REGISTRY_FLAGS, withClient } from '../target';

/** `berth ls REGISTRY`: every repository of the catalog, one per line, in natural order. */
export async function runLs(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, REGISTRY_FLAGS);
  const [registryArg] = expectPositionals(args, ['REGISTRY']);
  const target = parseRegistryArg(registryArg!);
  const repos = sortNatural(await withClient(target.registry, args.flags, (c) => listAllRepositories(c)));
  if (args.flags.json) printJson(io, repos);
  else for (const r of repos) line(io.stdout, r);
  return 0;
}

/** `berth tags REGISTRY/REPO`: every tag, one per line, in natural order. */
export async function runTags(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, REGISTRY_FLAGS);
  const [ref] = expectPositionals(args, ['REGISTRY/REPOSITORY']);
  const target = parseImageArg(ref!);
  if (target.tag || target.digest) throw new UsageError(`"${ref}" names a tag or digest; give only REGISTRY/REPOSITORY`);
  const tags = sortNatural(await withClient(target.registry, args.flags, (c) => listAllTags(c, target.repository!)));
  if (args.flags.json) printJson(io, tags);
  else for (const t of tags) line(io.stdout, t);
  return 0;
}

/** `berth inspect REGISTRY/REPO[:TAG|@DIGEST]`: the manifest summary (image or index). */
export async function runInspect(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, REGISTRY_FLAGS);
  const [ref] = expectPositionals(args, ['REGISTRY/REPOSITORY[:TAG|@DIGEST]']);
  const target = parseImageArg(ref!);
  const reference = target.digest ?? target.tag ?? 'latest';
  const summary = await withClient(target.registry, args.flags, (c) => getManifestSummary(c, target.repository!, reference));
  if (args.flags.json) printJson(io, summary);
  else printSummary(io, summary);
  return 0;
}

function printSummary(io: CliIo, s: ManifestSummary): void {
  const row = (k: string, v: string) => line(io.stdout, `${k.padEnd(12)}${v}`);
  row('Repository', s.repository);
  row('Reference', s.reference);
  row('Digest', s.digest);
  row('Media type', s.mediaType);
  if (s.kind === 'image') printImage(io, s, row);
  else printIndex(io, s);
}

function printImage(io: CliIo, s: ImageSummary, row: (k: string, v: string) => void): void {
  const p = s.platform;
  if (p) row('Platform', [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
  if (s.created) row('Created', s.created);
  row('Size', `${formatBytes(s.size)} (${s.layers.length} layer${s.layers.length === 1 ? '' : 's'})`);
  if (s.entrypoint) row('Entrypoint', JSON.stringify(s.entrypoint));
  if (s.cmd) row('Cmd', JSON.stringify(s.cmd));
  if (s.workingDir) row('Workdir', s.workingDir);
  if (s.user) row('User', s.user);
  if (s.exposedPorts.length) row('Ports', s.exposedPorts.join(', '));
  for (const e of s.env) row('Env', e);
  for (const [k, v] of Object.entries(s.labels)) row('Label', `${k}=${v}`);
  line(io.stdout, 'Layers');
  for (const l of s.layers) line(io.stdout, `  ${l.digest}  ${formatBytes(l.size).padStart(10)}`);
}

function printIndex(io: CliIo, s: IndexSummary): void {
  line(io.stdout, 'Manifests');
  for (const m of s.manifests) {
    const p = m.platform;
    const what = m.attestation
      ? `attestation for ${m.attestationFor ?? '?'}`
      : p
        ? [p.os, p.architecture, p.variant].filter(Boolean).join('/')
        : 'unknown platform';
    line(io.stdout, `  ${m.descriptor.digest}  ${formatBytes(m.size).padStart(10)}  ${what}`);
  }
}
