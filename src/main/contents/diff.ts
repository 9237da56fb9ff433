/**
 * Diff of any two images (two tags, two repositories, two registries, an archive and a tag):
 * config, history, layers, and the files of the two merged filesystems, walked side by side in
 * name order (one pass over both cached trees, names compared as bytes without decoding).
 *
 * A file is "changed" when its type, size, mode, link target, uid or gid differ. With all of
 * those equal, its content is known to be the same when both last versions come from the same
 * layer tar and entry; otherwise it is "maybe" changed (Berth does not hash file contents).
 */
import type { DiffTotals, FileChange, ImageDiff } from '../../shared/contents-types';
import { diffConfig, diffHistory, diffLayers, sameLayer } from './config-diff';
import type { ImageFiles } from './engine';
import { KIND, KIND_NAMES } from './entry-kinds';
import { FLAG } from './merge';
import type { MergedTree } from './merged-tree';
import { NO_LAYER } from './merged-tree';

export type { DiffTotals, FileChange, ImageDiff };

/** Kind used for comparing: a resolved hard link is a regular file on disk. */
function effectiveKind(t: MergedTree, i: number): number {
  return t.kind[i] === KIND.hardlink && t.srcLayer[i] !== NO_LAYER ? KIND.file : t.kind[i];
}

function liveChildren(t: MergedTree, i: number): number[] {
  const out: number[] = [];
  for (let j = i + 1; j < t.end[i]; j = t.end[j]) if (!(t.flags[j] & FLAG.ghost)) out.push(j);
  return out;
}

/** Byte order of child `x` of A against child `y` of B. */
function order(ta: MergedTree, x: number, tb: MergedTree, y: number): number {
  const sa = ta.strOffset[x];
  const sb = tb.strOffset[y];
  return ta.strings.compare(tb.strings, sb, sb + tb.nameLen[y], sa, sa + ta.nameLen[x]);
}

/** Compares the files of two opened images (and their configs, histories and layers). */
export function diffImages(a: ImageFiles, b: ImageFiles): ImageDiff {
  const ta = a.tree;
  const tb = b.tree;
  const layersA = ta.summary.layers;
  const layersB = tb.summary.layers;
  const files: FileChange[] = [];
  const totals: DiffTotals = { added: 0, removed: 0, changed: 0, maybe: 0, sizeDelta: tb.summary.totalBytes - ta.summary.totalBytes };

  const whole = (t: MergedTree, top: number, change: 'added' | 'removed', self: boolean): void => {
    for (let i = self ? top : top + 1; i < t.end[top]; i++) {
      if (t.flags[i] & FLAG.ghost) {
        i = t.end[i] - 1;
        continue;
      }
      const kind = effectiveKind(t, i);
      const size = kind === KIND.file ? t.size[i] : 0;
      files.push({ path: t.path(i), change, kind: KIND_NAMES[kind], sizeA: change === 'removed' ? size : null, sizeB: change === 'added' ? size : null, fields: [] });
      if (kind !== KIND.dir) totals[change]++;
    }
  };

  const compare = (x: number, y: number): void => {
    const ka = effectiveKind(ta, x);
    const kb = effectiveKind(tb, y);
    const fields: string[] = [];
    if (ka !== kb) fields.push('kind');
    else {
      if (ka === KIND.file && ta.size[x] !== tb.size[y]) fields.push('size');
      if (ka !== KIND.symlink && ta.mode[x] !== tb.mode[y]) fields.push('mode');
      if (ka === KIND.symlink && ta.link(x) !== tb.link(y)) fields.push('link');
    }
    if (ta.uid[x] !== tb.uid[y]) fields.push('uid');
    if (ta.gid[x] !== tb.gid[y]) fields.push('gid');
    let change: FileChange['change'] | null = fields.length ? 'changed' : null;
    if (!change && ka === KIND.file) {
      const la = layersA[ta.srcLayer[x]];
      const lb = layersB[tb.srcLayer[y]];
      if (!sameLayer(la, lb) || ta.srcEntry[x] !== tb.srcEntry[y]) change = 'maybe';
    }
    if (!change) return;
    totals[change === 'maybe' ? 'maybe' : 'changed']++;
    files.push({
      path: tb.path(y),
      change,
      kind: KIND_NAMES[kb],
      sizeA: ka === KIND.file ? ta.size[x] : 0,
      sizeB: kb === KIND.file ? tb.size[y] : 0,
      fields,
    });
  };

  // Depth-first over both trees at once, each directory's children merged by name.
  const frames: { ca: number[]; cb: number[]; i: number; j: number }[] = [{ ca: liveChildren(ta, 0), cb: liveChildren(tb, 0), i: 0, j: 0 }];
  while (frames.length) {
    const f = frames[frames.length - 1];
    if (f.i >= f.ca.length && f.j >= f.cb.length) {
      frames.pop();
      continue;
    }
    const x = f.ca[f.i];
    const y = f.cb[f.j];
    const cmp = x === undefined ? 1 : y === undefined ? -1 : order(ta, x, tb, y);
    if (cmp < 0) {
      whole(ta, x, 'removed', true);
      f.i++;
    } else if (cmp > 0) {
      whole(tb, y, 'added', true);
      f.j++;
    } else {
      f.i++;
      f.j++;
      compare(x, y);
      const da = ta.kind[x] === KIND.dir;
      const db = tb.kind[y] === KIND.dir;
      if (da && db) frames.push({ ca: liveChildren(ta, x), cb: liveChildren(tb, y), i: 0, j: 0 });
      else if (da) whole(ta, x, 'removed', false);
      else if (db) whole(tb, y, 'added', false);
    }
  }

  return {
    a: a.source.label,
    b: b.source.label,
    config: diffConfig(a.source, b.source),
    history: diffHistory(a.source, b.source),
    layers: diffLayers(a.source, b.source),
    files,
    totals,
    summary: summaryLine(totals),
  };
}

/** Decimal units, as registries and `docker images` show sizes. */
export function formatBytes(n: number): string {
  const abs = Math.abs(n);
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let u = 0;
  let v = abs;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 || v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** "+212 files, −3, 48 changed (5 maybe), +31 MB". */
export function summaryLine(t: DiffTotals): string {
  const sign = (n: number) => (n < 0 ? '−' : '+');
  const maybe = t.maybe ? ` (${t.maybe} maybe)` : '';
  return `+${t.added} files, −${t.removed}, ${t.changed + t.maybe} changed${maybe}, ${sign(t.sizeDelta)}${formatBytes(t.sizeDelta)}`;
}
