// The critical path: the chain of work that determines when the trace ends. Starting at the root that ends
// last, walk backwards from its end: the child that finished last before the cursor is what the parent was
// waiting for; the time not covered by such a child is the span's own time on the path. Children are
// clamped to their parent's window for this (clock skew stays visible elsewhere; it is not "corrected" in
// the data). Iterative, so a 100k-deep chain cannot overflow the stack.
import type { TraceShape } from './traceShape';
import { forEachChild } from './traceShape';

export interface PathSegment {
  row: number;
  /** ns from the trace start */
  from: number;
  to: number;
}

export interface CriticalPath {
  /** 1 for rows on the path */
  onPath: Uint8Array;
  /** the path's self-time pieces, latest first */
  segments: PathSegment[];
}

interface Frame {
  row: number;
  lo: number; // the span's start, clamped into its parent's window
  cursor: number; // walking backwards from here
  kids: number[]; // children by end, latest first
  ptr: number;
}

export function criticalPath(t: TraceShape): CriticalPath {
  const n = t.spanCount;
  const onPath = new Uint8Array(n);
  const segments: PathSegment[] = [];
  let root = -1;
  for (let r = 0; r < n; r = t.subtreeEnd[r]) {
    if (root === -1 || t.end[r] > t.end[root] || (t.end[r] === t.end[root] && t.start[r] < t.start[root])) root = r;
  }
  if (root === -1) return { onPath, segments };
  const frame = (row: number, lo: number, hi: number): Frame => {
    onPath[row] = 1;
    const kids: number[] = [];
    forEachChild(t, row, (c) => kids.push(c));
    kids.sort((a, b) => t.end[b] - t.end[a] || t.start[a] - t.start[b]);
    return { row, lo, cursor: hi, kids, ptr: 0 };
  };
  const stack: Frame[] = [frame(root, t.start[root], Math.max(t.end[root], t.start[root]))];
  while (stack.length) {
    const f = stack[stack.length - 1];
    let next = -1;
    while (f.ptr < f.kids.length) {
      const c = f.kids[f.ptr++];
      // only a child that was running before the cursor (and inside the span's window) can be waited on
      if (t.start[c] < f.cursor && Math.min(t.end[c], f.cursor) > f.lo) {
        next = c;
        break;
      }
    }
    if (next === -1) {
      if (f.cursor > f.lo) segments.push({ row: f.row, from: f.lo, to: f.cursor });
      stack.pop();
      continue;
    }
    const ce = Math.min(t.end[next], f.cursor);
    if (ce < f.cursor) segments.push({ row: f.row, from: ce, to: f.cursor });
    const lo = Math.max(t.start[next], f.lo);
    f.cursor = lo;
    stack.push(frame(next, lo, ce));
  }
  return { onPath, segments };
}
