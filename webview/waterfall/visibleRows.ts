import type { WaterfallModel } from './waterfallModel';

/** Collapse state as one flag per row (1 = children hidden), built from span ids. */
export function collapsedFlags(model: WaterfallModel, collapsedIds: Iterable<string>): Uint8Array {
  const flags = new Uint8Array(model.rows.length);
  for (const id of collapsedIds) {
    const row = model.rowById.get(id);
    if (row !== undefined && model.childCount[row] > 0) flags[row] = 1;
  }
  return flags;
}

export function collapsedIds(model: WaterfallModel, flags: Uint8Array): string[] {
  const ids: string[] = [];
  for (let r = 0; r < flags.length; r++) if (flags[r]) ids.push(model.rows[r].spanId);
  return ids;
}

/** The rows shown, in order: every row whose ancestors are all expanded. O(visible + collapsed). */
export function visibleRows(model: WaterfallModel, collapsed: Uint8Array): Int32Array {
  const n = model.rows.length;
  const out = new Int32Array(n);
  let count = 0;
  let r = 0;
  while (r < n) {
    out[count++] = r;
    r = collapsed[r] ? model.subtreeEnd[r] : r + 1;
  }
  return out.slice(0, count);
}

/** Flags with every row at `depth` or deeper collapsed (0 collapses the roots). */
export function collapseFromDepth(model: WaterfallModel, depth: number): Uint8Array {
  const flags = new Uint8Array(model.rows.length);
  for (let r = 0; r < flags.length; r++) if (model.depth[r] >= depth && model.childCount[r] > 0) flags[r] = 1;
  return flags;
}

/** A copy of `collapsed` with every ancestor of `row` expanded, so the row becomes visible. */
export function expandAncestors(model: WaterfallModel, collapsed: Uint8Array, row: number): Uint8Array {
  let next: Uint8Array | undefined;
  for (let p = model.parent[row]; p >= 0; p = model.parent[p]) {
    if (collapsed[p]) {
      next ??= collapsed.slice();
      next[p] = 0;
    }
  }
  return next ?? collapsed;
}

/** Position of `row` among the visible rows (binary search; they are sorted), or -1 when hidden. */
export function visibleIndexOf(visible: Int32Array, row: number): number {
  let lo = 0;
  let hi = visible.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = visible[mid];
    if (value === row) return mid;
    if (value < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
