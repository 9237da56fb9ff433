/**
 * `berth files REF [PATH] [--layer N] [--json]`, `berth cat REF PATH`, `berth diff REF_A REF_B
 * [--json]`: the file browser and the diff of the app for scripts, on the same engine and cache.
 * Layers are numbered from 1 (the bottom one) as the app's layers table numbers them.
 */
import type { DirListing, FileChange, FileNode, ImageDiff, NodeStatus, TreeFilter } from '../../../shared/contents-types';
import { BerthError } from '../../../shared/errors';
import { currentLayer, modeString } from '../../../shared/file-mode';
import { diffImages, formatBytes as siBytes, openFile, type ImageFiles } from '../../contents';
import { expectPositionals, parseArgs } from '../args';
import { line, printJson, UsageError, type CliIo } from '../io';
import { REGISTRY_FLAGS } from '../target';
import { cliEngine, parseImageRef, withImage } from '../image-ref';

/** Decimal units, as the summary line and the app show sizes. */
const formatBytes = (n: number | null) => (n === null ? '?' : siBytes(n));
const STATUS_MARK: Record<NodeStatus, string> = { added: 'A', changed: 'C', removed: 'D', unchanged: ' ' };
const PAGE = 5000;

function layerFlag(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[1-9]\d{0,4}$/.test(value)) throw new UsageError(`--layer takes a layer number from 1 (the bottom layer), not "${String(value)}"`);
  return Number(value) - 1;
}

/** One `ls -l`-like line: mode, owner, bytes, the layer of the current version, the path. */
function nodeLine(n: FileNode, withStatus: boolean): string {
  const layer = currentLayer(n);
  const where = n.removed ? `-L${(n.removedIn ?? 0) + 1}` : layer === null ? '' : `L${layer + 1}`;
  const link = n.link ? ` -> ${n.link}` : '';
  const mark = withStatus ? `${STATUS_MARK[n.status]} ` : '';
  return `${mark}${modeString(n.kind, n.mode)} ${`${n.uid}/${n.gid}`.padEnd(11)} ${String(n.kind === 'dir' ? 0 : n.size).padStart(12)} ${where.padEnd(5)} /${n.path}${link}`;
}

/** Every node below `path` matching the filter, in tree order (pre-order), a page of one folder at a time. */
function* walk(img: ImageFiles, path: string, filter: TreeFilter): Generator<FileNode> {
  const frames: { dir: string; page: DirListing; i: number }[] = [{ dir: path, page: img.list(path, filter, 0, PAGE), i: 0 }];
  while (frames.length) {
    const f = frames[frames.length - 1];
    if (f.i >= f.page.entries.length) {
      const next = f.page.offset + f.page.entries.length;
      if (next < f.page.total && f.page.entries.length > 0) {
        f.page = img.list(f.dir, filter, next, PAGE);
        f.i = 0;
      } else frames.pop();
      continue;
    }
    const n = f.page.entries[f.i++];
    yield n;
    if (n.kind === 'dir' && n.children > 0) frames.push({ dir: n.path, page: img.list(n.path, filter, 0, PAGE), i: 0 });
  }
}

/** `berth files REF [PATH] [--layer N] [--json]`: the merged filesystem below PATH (or what layer N did). */
export async function runFiles(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { booleans: REGISTRY_FLAGS.booleans, values: [...REGISTRY_FLAGS.values, 'layer'] });
  if (args.positionals.length < 1 || args.positionals.length > 2) throw new UsageError('expected REF [PATH]');
  const [refArg, pathArg = '/'] = args.positionals as [string, string?];
  const layer = layerFlag(args.flags.layer);
  const ref = await parseImageRef(refArg);
  return withImage(ref, args.flags, io, cliEngine(), async (img) => {
    const s = img.summary;
    if (layer !== undefined && layer >= s.layers.length) throw new BerthError('INVALID_ARGUMENT', `${img.source.label} has ${s.layers.length} layer(s), numbered 1 to ${s.layers.length}; there is no layer ${layer + 1}.`);
    const filter: TreeFilter = layer === undefined ? {} : { layer };
    const top = img.stat(pathArg, filter);
    if (!top || (top.removed && layer === undefined)) throw new BerthError('INVALID_ARGUMENT', `${img.source.label} has no ${pathArg}; run berth files ${refArg} to see what is there.`);
    const nodes = top.kind === 'dir' ? walk(img, top.path, filter) : [top][Symbol.iterator]();
    if (args.flags.json) {
      printJson(io, { image: img.source.label, layer: layer === undefined ? null : layer, summary: s, entries: [...nodes] });
      return 0;
    }
    for (const n of nodes) line(io.stdout, nodeLine(n, layer !== undefined));
    const waste = `${formatBytes(s.wastedBytes)} wasted, efficiency ${(s.efficiency * 100).toFixed(1)} %`;
    line(io.stderr, `${img.source.label}: ${s.files.toLocaleString('en')} files, ${formatBytes(s.totalBytes)} in ${s.layers.length} layer(s); ${waste}`);
    return 0;
  });
}

/** `berth cat REF PATH`: a file's bytes on stdout, exactly (symlinks followed inside the image). */
export async function runCat(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { booleans: ['insecure'], values: ['ca-file'] });
  const [refArg, path] = expectPositionals(args, ['REF', 'PATH']) as [string, string];
  const ref = await parseImageRef(refArg);
  return withImage(ref, args.flags, io, cliEngine(), async (img) => {
    const { stream } = await openFile(img, path);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!io.stdout.write(chunk)) await new Promise<void>((resolve) => io.stdout.once('drain', () => resolve()));
    }
    return 0;
  });
}

const MARK: Record<FileChange['change'], string> = { added: '+', removed: '-', changed: '~', maybe: '?' };

function printDiff(io: CliIo, d: ImageDiff): void {
  const show = (v: string | string[] | null) => (v === null ? '(none)' : Array.isArray(v) ? JSON.stringify(v) : v);
  line(io.stdout, d.summary);
  line(io.stdout, `A  ${d.a}`);
  line(io.stdout, `B  ${d.b}`);
  if (d.config.length) line(io.stdout, 'Config');
  for (const c of d.config) line(io.stdout, `  ${c.field}${c.key ? ` ${c.key}` : ''}: ${show(c.a)} → ${show(c.b)}`);
  line(io.stdout, `Layers: ${d.layers.shared} shared, then ${d.layers.a.length} only in A, ${d.layers.b.length} only in B`);
  for (const [side, rows] of [['A', d.layers.a], ['B', d.layers.b]] as const) {
    for (const l of rows) line(io.stdout, `  ${side} ${String(l.index + 1).padStart(3)}  ${l.digest ?? l.diffId ?? '?'}  ${formatBytes(l.size)}`);
  }
  if (d.history.a.length || d.history.b.length) line(io.stdout, `History: ${d.history.shared} shared steps, then ${d.history.a.length} in A, ${d.history.b.length} in B`);
  if (d.files.length) line(io.stdout, 'Files');
  for (const f of d.files) {
    const size = f.change === 'added' ? formatBytes(f.sizeB) : f.change === 'removed' ? formatBytes(f.sizeA) : `${formatBytes(f.sizeA)} → ${formatBytes(f.sizeB)}`;
    const why = f.change === 'maybe' ? ' (same size and mode, from another layer: content not compared)' : f.fields.length ? ` (${f.fields.join(', ')})` : '';
    line(io.stdout, `  ${MARK[f.change]} /${f.path}${f.kind === 'dir' ? '/' : ''}  ${f.kind === 'dir' ? '' : size}${why}`);
  }
}

/** `berth diff REF_A REF_B [--json]`: what B changes against A (config, history, layers, files). */
export async function runDiff(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, REGISTRY_FLAGS);
  const [a, b] = expectPositionals(args, ['REF_A', 'REF_B']) as [string, string];
  const [ra, rb] = await Promise.all([parseImageRef(a), parseImageRef(b)]);
  const engine = cliEngine();
  return withImage(ra, args.flags, io, engine, (ia) =>
    withImage(rb, args.flags, io, engine, async (ib) => {
      const d = diffImages(ia, ib);
      if (args.flags.json) printJson(io, d);
      else printDiff(io, d);
      return 0;
    }),
  );
}
