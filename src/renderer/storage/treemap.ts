/**
 * Where the space goes, as a treemap: namespace → repository, each repository's area the bytes
 * only it references, plus one area for the bytes several repositories share — so the areas add
 * up to the registry total exactly (every stored blob is either one repository's own or shared).
 * The largest repositories get a cell each; the rest are one "smaller repositories" cell. Layout
 * by the squarified algorithm (Bruls, Huizing, van Wijk 2000), in percent of the drawing.
 */
import type { RegistryStorage } from '../../shared/index-types';
import { namespaceOf } from '../repositories/group';

/** A rectangle in percent of the drawing. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One cell: a repository, the rest of the repositories, or the shared bytes. */
export interface TreemapCell {
  kind: 'repository' | 'rest' | 'shared';
  /** Repository name, or a description for the other kinds. */
  label: string;
  bytes: number;
  /** Repositories behind a `rest` cell. */
  count: number;
  rect: Rect;
}

/** A namespace's box and its cells (namespace null: the box of the `rest` or `shared` cell alone). */
export interface TreemapGroup {
  namespace: string | null;
  bytes: number;
  rect: Rect;
  cells: TreemapCell[];
}

/** Lays out `values` (any order) in `rect`; returns one rectangle per value, in the order given. */
export function squarify(values: readonly number[], rect: Rect): Rect[] {
  const out: Rect[] = new Array(values.length);
  const order = values.map((v, i) => ({ v: Math.max(0, v), i })).sort((a, b) => b.v - a.v);
  const total = order.reduce((s, o) => s + o.v, 0);
  if (total <= 0 || rect.w <= 0 || rect.h <= 0) {
    values.forEach((_, i) => (out[i] = { x: rect.x, y: rect.y, w: 0, h: 0 }));
    return out;
  }
  const scale = (rect.w * rect.h) / total;
  let { x, y, w, h } = rect;
  let row: { a: number; i: number }[] = [];
  const worst = (r: { a: number }[], side: number): number => {
    const s = r.reduce((t, c) => t + c.a, 0);
    let max = 0;
    let min = Infinity;
    for (const c of r) {
      max = Math.max(max, c.a);
      min = Math.min(min, c.a);
    }
    return min <= 0 ? Infinity : Math.max((side * side * max) / (s * s), (s * s) / (side * side * min));
  };
  const place = (r: { a: number; i: number }[]): void => {
    const s = r.reduce((t, c) => t + c.a, 0);
    if (w >= h) {
      const cw = h > 0 ? s / h : 0;
      let cy = y;
      for (const c of r) {
        const ch = cw > 0 ? c.a / cw : 0;
        out[c.i] = { x, y: cy, w: cw, h: ch };
        cy += ch;
      }
      x += cw;
      w -= cw;
    } else {
      const rh = w > 0 ? s / w : 0;
      let cx = x;
      for (const c of r) {
        const cw = rh > 0 ? c.a / rh : 0;
        out[c.i] = { x: cx, y, w: cw, h: rh };
        cx += cw;
      }
      y += rh;
      h -= rh;
    }
  };
  for (const o of order) {
    const cell = { a: o.v * scale, i: o.i };
    const side = Math.min(w, h);
    if (row.length === 0 || worst([...row, cell], side) <= worst(row, side)) row.push(cell);
    else {
      place(row);
      row = [cell];
    }
  }
  if (row.length) place(row);
  return out;
}

/** The treemap of a registry's storage: at most `maxCells` repository cells (the largest). */
export function storageTreemap(storage: Pick<RegistryStorage, 'totalStoredBytes' | 'repositories'>, maxCells = 40): TreemapGroup[] {
  const ranked = storage.repositories.filter((r) => r.ownBytes > 0).sort((a, b) => b.ownBytes - a.ownBytes);
  const kept = ranked.slice(0, maxCells);
  const rest = ranked.slice(maxCells);
  const ownSum = ranked.reduce((s, r) => s + r.ownBytes, 0);
  const shared = Math.max(0, storage.totalStoredBytes - ownSum);
  const groups = new Map<string, TreemapCell[]>();
  const add = (ns: string, cell: Omit<TreemapCell, 'rect'>): void => {
    const list = groups.get(ns) ?? groups.set(ns, []).get(ns)!;
    list.push({ ...cell, rect: { x: 0, y: 0, w: 0, h: 0 } });
  };
  for (const r of kept) add(namespaceOf(r.repository), { kind: 'repository', label: r.repository, bytes: r.ownBytes, count: 1 });
  if (rest.length) add('\0rest', { kind: 'rest', label: `${rest.length.toLocaleString('en')} smaller repositories`, bytes: rest.reduce((s, r) => s + r.ownBytes, 0), count: rest.length });
  if (shared > 0) add('\0shared', { kind: 'shared', label: 'Shared by several repositories', bytes: shared, count: 0 });
  const list = [...groups].map(([namespace, cells]) => ({ namespace, cells, bytes: cells.reduce((s, c) => s + c.bytes, 0) }));
  const boxes = squarify(
    list.map((g) => g.bytes),
    { x: 0, y: 0, w: 100, h: 100 },
  );
  return list.map((g, i) => {
    const box = boxes[i];
    const inner = squarify(
      g.cells.map((c) => c.bytes),
      box,
    );
    return { namespace: g.namespace.startsWith('\0') ? null : g.namespace, bytes: g.bytes, rect: box, cells: g.cells.map((c, j) => ({ ...c, rect: inner[j] })) };
  });
}
