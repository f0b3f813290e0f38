// The part of a decoded packed trace that the pure layout functions read (rows are depth-first, so a
// subtree is the range [row, subtreeEnd[row])). Tests build it through encode + decode.
export interface TraceShape {
  spanCount: number;
  start: Float64Array;
  end: Float64Array;
  parent: Int32Array;
  depth: Int32Array;
  subtreeEnd: Int32Array;
  childCount: Int32Array;
}

/** calls fn for each direct child of row r, in start order */
export function forEachChild(t: TraceShape, r: number, fn: (c: number) => void): void {
  const stop = t.subtreeEnd[r];
  for (let c = r + 1; c < stop; c = t.subtreeEnd[c]) fn(c);
}
