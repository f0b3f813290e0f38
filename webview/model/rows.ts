// Which rows the waterfall shows: depth-first order minus collapsed subtrees, optionally minus the spans
// that neither match a find query nor are an ancestor of a match. Pure, O(spans).
import type { TraceShape } from './traceShape';

/** Visible rows (indexes into the trace) in display order. `keep` null means no filter. */
export function visibleRows(t: TraceShape, collapsed: Uint8Array, keep: Uint8Array | null): Int32Array {
  const n = t.spanCount;
  const out = new Int32Array(n);
  let k = 0;
  let r = 0;
  while (r < n) {
    // nothing below a span that is not kept can be kept (matches keep their ancestors)
    if (keep && !keep[r]) {
      r = t.subtreeEnd[r];
      continue;
    }
    out[k++] = r;
    r = collapsed[r] ? t.subtreeEnd[r] : r + 1;
  }
  return out.subarray(0, k);
}

/** matches plus all their ancestors */
export function keepWithAncestors(t: TraceShape, match: Uint8Array): Uint8Array {
  const keep = new Uint8Array(t.spanCount);
  for (let r = 0; r < t.spanCount; r++) {
    if (!match[r]) continue;
    for (let a = r; a !== -1 && !keep[a]; a = t.parent[a]) keep[a] = 1;
  }
  return keep;
}

/** every span with children collapsed: only roots show */
export function collapseAll(t: TraceShape): Uint8Array {
  const c = new Uint8Array(t.spanCount);
  for (let r = 0; r < t.spanCount; r++) if (t.childCount[r] > 0) c[r] = 1;
  return c;
}

/** shows `levels` levels (1 = roots only): spans at depth ≥ levels-1 with children are collapsed */
export function expandToLevel(t: TraceShape, levels: number): Uint8Array {
  const c = new Uint8Array(t.spanCount);
  for (let r = 0; r < t.spanCount; r++) if (t.childCount[r] > 0 && t.depth[r] >= levels - 1) c[r] = 1;
  return c;
}

/** a copy of `collapsed` with the ancestors of `row` expanded, so the row becomes visible */
export function revealRow(t: TraceShape, collapsed: Uint8Array, row: number): Uint8Array {
  let changed = false;
  for (let a = t.parent[row]; a !== -1; a = t.parent[a]) if (collapsed[a]) changed = true;
  if (!changed) return collapsed;
  const c = collapsed.slice();
  for (let a = t.parent[row]; a !== -1; a = t.parent[a]) c[a] = 0;
  return c;
}

/** a copy with the whole subtree of `row` collapsed (true) or expanded (false) */
export function setSubtree(t: TraceShape, collapsed: Uint8Array, row: number, collapse: boolean): Uint8Array {
  const c = collapsed.slice();
  for (let r = row; r < t.subtreeEnd[row]; r++) c[r] = collapse && t.childCount[r] > 0 ? 1 : 0;
  return c;
}

/** the visible rows inside `root`'s subtree (rows are depth-first, so they are one run of `rows`) */
export function withinSubtree(t: TraceShape, rows: Int32Array, root: number): Int32Array {
  return rows.subarray(lowerBound(rows, root), lowerBound(rows, t.subtreeEnd[root]));
}

/** the first index of the ascending `rows` whose row is at least `row` */
function lowerBound(rows: Int32Array, row: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid] < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** position of `row` in the visible rows (binary search: visible rows are ascending), or -1 */
export function indexOfRow(rows: Int32Array, row: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = rows[mid];
    if (v === row) return mid;
    if (v < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
