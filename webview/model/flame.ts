// The flame graph (icicle) of one trace: pure layout, aggregation, zoom and hit-testing. Drawing lives in
// components/FlameGraph.tsx.
//
// A box's width is the self time of its whole subtree: a span's own time not covered by its children
// (stats.selfTimes) plus its children's widths. Children sit left to right from the parent's left edge, and
// what is left of the parent's width is its self time. A child that runs past its parent (an async child)
// keeps its full width, so the parent's box is then wider than its duration: the graph shows where time went,
// not when.
//   - 'spans': one box per span, children in start order (like the waterfall's rows);
//   - 'operations': spans with the same path of (service, operation) from a root merged into one box (every
//     `SELECT inventory.stock` under `GET /cart` → `cart-service`), children heaviest first. An operation is
//     named as the Statistics tab names it: a span named by its HTTP method alone counts per route or path.
// Nodes are in depth-first order, so a subtree is the range [i, end[i]), as the packed trace's rows are.
import type { TraceShape } from './traceShape';
import { selfTimes } from './stats';

export type FlameMode = 'spans' | 'operations';

export interface FlameInput extends TraceShape {
  stringCount: number;
  service: Uint32Array;
  name: Uint32Array;
  status: Uint8Array;
  str(i: number): string;
}

export interface FlameLayout {
  mode: FlameMode;
  /** number of boxes */
  count: number;
  /** sum of the roots' widths (ns of self time in the whole trace) */
  total: number;
  maxDepth: number;
  depth: Int32Array;
  parent: Int32Array;
  /** index after the node's last descendant */
  end: Int32Array;
  /** left edge and width, in ns of self time from the graph's left edge */
  x: Float64Array;
  width: Float64Array;
  /** self time of the node's own spans, and the sum of their durations */
  self: Float64Array;
  duration: Float64Array;
  /** spans merged into the node (1 in 'spans' mode) and how many of them failed */
  spans: Int32Array;
  errors: Int32Array;
  /** the row whose service and name label the node: in 'operations' mode its longest span */
  row: Int32Array;
  /** the node each row of the trace is drawn in */
  nodeOf: Int32Array;
  /** the route or path after a bare HTTP method, when the node is named by it ('' for none) */
  target: string[];
  /** 'spans' mode: the same, asked only for the boxes that are labelled (a pass over 100k spans is not free) */
  targetOf?: TargetOf;
  /** nodes at each depth, left to right */
  byDepth: Int32Array[];
}

/** the route or path of a row named by its HTTP method alone (model/rowTarget), else undefined */
export type TargetOf = (row: number) => string | undefined;

export function flameLayout(t: FlameInput, mode: FlameMode, targetOf?: TargetOf): FlameLayout {
  const steps = flameLayoutSteps(t, mode, targetOf, Infinity);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same layout worked out `slice` rows (or nodes) at a time, yielding between slices: the receiver lays out
 * a million spans (over a second in 'operations' mode) without holding its event loop. With an infinite slice
 * each pass is one loop, as the webview runs it.
 */
export function flameLayoutSteps(t: FlameInput, mode: FlameMode, targetOf: TargetOf | undefined, slice: number): Generator<void, FlameLayout> {
  return mode === 'spans' ? spanLayout(t, targetOf, slice) : operationLayout(t, targetOf, slice);
}

/** self time of every row, a slice at a time */
function* selfTimeSteps(t: FlameInput, slice: number): Generator<void, Float64Array> {
  const n = t.spanCount;
  const self = new Float64Array(n);
  for (let a = 0; a < n; a += slice) {
    selfTimes(t, a, Math.min(n, a + slice), self);
    yield;
  }
  return self;
}

function* spanLayout(t: FlameInput, targetOf: TargetOf | undefined, slice: number): Generator<void, FlameLayout> {
  const n = t.spanCount;
  const self = yield* selfTimeSteps(t, slice);
  const width = Float64Array.from(self);
  // rows are depth-first (a parent before its children), so one backward pass sums the subtrees
  for (let b = n; b > 1; b -= slice) {
    for (let r = b - 1, lo = Math.max(1, b - slice); r >= lo; r--) if (t.parent[r] >= 0) width[t.parent[r]] += width[r];
    yield;
  }
  const x = new Float64Array(n);
  const cursor = new Float64Array(n);
  let total = 0;
  for (let a = 0; a < n; a += slice) {
    for (let r = a, to = Math.min(n, a + slice); r < to; r++) {
      const p = t.parent[r];
      if (p < 0) {
        x[r] = total;
        total += width[r];
      } else {
        x[r] = x[p] + cursor[p];
        cursor[p] += width[r];
      }
    }
    yield;
  }
  const duration = new Float64Array(n);
  const errors = new Int32Array(n);
  // (plain loops and slices: Int32Array.from with a map function or from another array iterates, ~10× slower
  // at 100k spans)
  const row = new Int32Array(n);
  let maxDepth = 0;
  for (let a = 0; a < n; a += slice) {
    for (let r = a, to = Math.min(n, a + slice); r < to; r++) {
      duration[r] = Math.max(0, t.end[r] - t.start[r]);
      if (t.status[r] === 2) errors[r] = 1;
      if (t.depth[r] > maxDepth) maxDepth = t.depth[r];
      row[r] = r;
    }
    yield;
  }
  const byDepth = depthLists(t.depth, n, maxDepth);
  yield;
  return {
    mode: 'spans', count: n, total, maxDepth: n ? maxDepth : -1, depth: t.depth.slice(0, n),
    parent: t.parent.slice(0, n), end: t.subtreeEnd.slice(0, n), x, width, self, duration,
    spans: new Int32Array(n).fill(1), errors, row, nodeOf: row, target: new Array<string>(n).fill(''), targetOf, byDepth,
  };
}

function* operationLayout(t: FlameInput, targetOf: TargetOf | undefined, slice: number): Generator<void, FlameLayout> {
  const n = t.spanCount;
  const self = yield* selfTimeSteps(t, slice);
  // each distinct operation (service, name[, target]) gets a dense id: numeric keys, no string per span
  // except for spans named by a bare HTTP method
  const opOf = new Int32Array(n);
  const ops = new PairTable(n);
  const targeted = new Map<string, number>();
  const opTarget: string[] = [];
  for (let a = 0; a < n; a += slice) {
    for (let r = a, to = Math.min(n, a + slice); r < to; r++) {
      const target = targetOf?.(r);
      let id: number | undefined;
      if (target === undefined) {
        id = ops.get(t.service[r], t.name[r]);
        if (id < 0) ops.set(t.service[r], t.name[r], (id = opTarget.push('') - 1));
      } else {
        const key = `${t.service[r]} ${t.name[r]} ${target}`;
        id = targeted.get(key);
        if (id === undefined) targeted.set(key, (id = opTarget.push(target) - 1));
      }
      opOf[r] = id;
    }
    yield;
  }
  // merge: a row's node is its parent's node's child with the same operation; rows come parent first, so the
  // parent's node exists.
  const nodeOf = new Int32Array(n);
  const byKey = new PairTable(n);
  const pNode = new Int32Array(n);
  const rep = new Int32Array(n);
  const nOp = new Int32Array(n);
  const nSelf = new Float64Array(n);
  const nDur = new Float64Array(n);
  const nSpans = new Int32Array(n);
  const nErr = new Int32Array(n);
  let m = 0;
  for (let a = 0; a < n; a += slice) {
    for (let r = a, to = Math.min(n, a + slice); r < to; r++) {
      const p = t.parent[r] >= 0 ? nodeOf[t.parent[r]] : -1;
      let id = byKey.get(p, opOf[r]);
      const d = Math.max(0, t.end[r] - t.start[r]);
      if (id < 0) {
        byKey.set(p, opOf[r], (id = m++));
        pNode[id] = p;
        rep[id] = r;
        nOp[id] = opOf[r];
      } else if (d > t.end[rep[id]] - t.start[rep[id]]) rep[id] = r;
      nodeOf[r] = id;
      nSelf[id] += self[r];
      nDur[id] += d;
      nSpans[id]++;
      if (t.status[r] === 2) nErr[id]++;
    }
    yield;
  }
  // nodes were created parent first as well: one backward pass sums the subtrees
  const w = nSelf.slice(0, m);
  for (let i = m - 1; i >= 0; i--) if (pNode[i] >= 0) w[pNode[i]] += w[i];
  // children lists (parent -1 is slot 0), heaviest first
  const first = new Int32Array(m + 2);
  for (let i = 0; i < m; i++) first[pNode[i] + 2]++;
  for (let i = 2; i < m + 2; i++) first[i] += first[i - 1];
  const kids = new Int32Array(m);
  const fill = first.slice(0, m + 1); // next free slot of each group
  for (let i = 0; i < m; i++) kids[fill[pNode[i] + 1]++] = i;
  yield;
  let sorted = 0;
  for (let g = 0; g <= m; g++) {
    const s0 = first[g];
    const s1 = first[g + 1];
    if (s1 - s0 > 1) {
      const seg = Array.from(kids.subarray(s0, s1)).sort((a, b) => w[b] - w[a] || a - b);
      kids.set(seg, s0);
      // (a group costs about its size: yield once a slice of nodes was sorted)
      if ((sorted += s1 - s0) >= slice) {
        sorted = 0;
        yield;
      }
    }
  }
  // depth-first renumbering with an explicit stack (a trace can be thousands of levels deep)
  const order = new Int32Array(m); // new index → old
  const newOf = new Int32Array(m);
  const depth = new Int32Array(m);
  const parent = new Int32Array(m);
  const x = new Float64Array(m);
  const stack = new Int32Array(m);
  const stackX = new Float64Array(m);
  let sp = 0;
  // roots in reverse, so the heaviest is numbered first
  let left = 0;
  for (let k = first[0]; k < first[1]; k++) left += w[kids[k]];
  const total = left;
  for (let k = first[1] - 1; k >= first[0]; k--) {
    left -= w[kids[k]];
    stack[sp] = kids[k];
    stackX[sp++] = left;
  }
  let maxDepth = -1;
  for (let ni = 0, until = slice; sp > 0; ni++) {
    if (ni === until) {
      until += slice;
      yield;
    }
    const old = stack[--sp];
    const x0 = stackX[sp];
    order[ni] = old;
    newOf[old] = ni;
    const p = pNode[old];
    parent[ni] = p >= 0 ? newOf[p] : -1;
    depth[ni] = p >= 0 ? depth[newOf[p]] + 1 : 0;
    x[ni] = x0;
    if (depth[ni] > maxDepth) maxDepth = depth[ni];
    let cx = x0;
    const g = old + 1;
    for (let k = first[g]; k < first[g + 1]; k++) cx += w[kids[k]];
    for (let k = first[g + 1] - 1; k >= first[g]; k--) {
      cx -= w[kids[k]];
      stack[sp] = kids[k];
      stackX[sp++] = cx;
    }
  }
  yield;
  const end = new Int32Array(m);
  for (let i = m - 1; i >= 0; i--) end[i] = Math.max(end[i], i + 1);
  for (let i = m - 1; i > 0; i--) if (parent[i] >= 0 && end[i] > end[parent[i]]) end[parent[i]] = end[i];
  const pick = <T extends Float64Array | Int32Array>(arr: T, src: ArrayLike<number>): T => {
    for (let i = 0; i < m; i++) arr[i] = src[order[i]];
    return arr;
  };
  const target = new Array<string>(m);
  for (let i = 0; i < m; i++) target[i] = opTarget[nOp[order[i]]];
  for (let r = 0; r < n; r++) nodeOf[r] = newOf[nodeOf[r]];
  yield;
  const width = pick(new Float64Array(m), w);
  const ownSelf = pick(new Float64Array(m), nSelf);
  const duration = pick(new Float64Array(m), nDur);
  yield;
  const spans = pick(new Int32Array(m), nSpans);
  const errors = pick(new Int32Array(m), nErr);
  const row = pick(new Int32Array(m), rep);
  yield;
  const byDepth = depthLists(depth, m, maxDepth);
  yield;
  return { mode: 'operations', count: m, total, maxDepth, depth, parent, end, x, width, self: ownSelf, duration, spans, errors, row, nodeOf, target, byDepth };
}

/**
 * A hash table from a pair of small non-negative integers (or -1) to an id: at 100k spans a Map keyed by a
 * combined number leaves the small-integer range and was the bulk of the layout's time.
 */
class PairTable {
  private readonly mask: number;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly id: Int32Array;
  constructor(maxEntries: number) {
    let size = 16;
    while (size < maxEntries * 2) size *= 2;
    this.mask = size - 1;
    this.a = new Int32Array(size);
    this.b = new Int32Array(size);
    this.id = new Int32Array(size).fill(-1);
  }
  private slot(a: number, b: number): number {
    let h = (Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
    h ^= h >>> 15;
    let i = h & this.mask;
    while (this.id[i] >= 0 && (this.a[i] !== a || this.b[i] !== b)) i = (i + 1) & this.mask;
    return i;
  }
  /** the id stored for (a, b), or -1 */
  get(a: number, b: number): number {
    return this.id[this.slot(a, b)];
  }
  set(a: number, b: number, id: number): void {
    const i = this.slot(a, b);
    this.a[i] = a;
    this.b[i] = b;
    this.id[i] = id;
  }
}

export function depthLists(depth: Int32Array, n: number, maxDepth: number): Int32Array[] {
  const counts = new Int32Array(maxDepth + 1);
  for (let i = 0; i < n; i++) counts[depth[i]]++;
  const lists = Array.from(counts, (c) => new Int32Array(c));
  counts.fill(0);
  // depth-first order lists each depth left to right
  for (let i = 0; i < n; i++) lists[depth[i]][counts[depth[i]]++] = i;
  return lists;
}

/** the node's label: its span name, plus the route or path after a bare HTTP method */
export function nodeLabel(t: Pick<FlameInput, 'name' | 'str'>, f: FlameLayout, node: number): string {
  const name = t.str(t.name[f.row[node]]);
  const target = f.target[node] || f.targetOf?.(f.row[node]);
  return target ? `${name} ${target}` : name;
}

// ---------------------------------------------------------------- zoom: a window over the x axis

export interface FlameWindow {
  /** left and right edges, in the layout's x units */
  x0: number;
  x1: number;
}

/** smallest window: a nanosecond of self time, or a millionth of the graph */
export function minWindow(total: number): number {
  return Math.max(1, total * 1e-6);
}

export function wholeWindow(f: FlameLayout): FlameWindow {
  return { x0: 0, x1: Math.max(f.total, 1) };
}

/** the window showing exactly the node's box (its subtree) */
export function zoomToNode(f: FlameLayout, node: number): FlameWindow {
  const w = Math.max(f.width[node], minWindow(f.total));
  return clampWindow({ x0: f.x[node], x1: f.x[node] + w }, f.total);
}

/** keep the window inside [0, total], at least minWindow wide, at most the whole */
export function clampWindow(w: FlameWindow, total: number): FlameWindow {
  const tot = Math.max(total, 1);
  let span = Math.min(tot, Math.max(minWindow(tot), w.x1 - w.x0));
  if (!(span > 0)) span = tot;
  let x0 = Math.min(Math.max(0, w.x0), tot - span);
  if (!Number.isFinite(x0)) x0 = 0;
  return { x0, x1: x0 + span };
}

/** zoom by `factor` (> 1 zooms in) keeping the point at fraction `at` (0 left … 1 right) of the view still */
export function zoomAround(w: FlameWindow, total: number, at: number, factor: number): FlameWindow {
  const span = w.x1 - w.x0;
  const pivot = w.x0 + span * at;
  const next = span / factor;
  return clampWindow({ x0: pivot - next * at, x1: pivot - next * at + next }, total);
}

/** move the window by a fraction of its width (positive: to the right) */
export function panBy(w: FlameWindow, total: number, fraction: number): FlameWindow {
  const d = (w.x1 - w.x0) * fraction;
  return clampWindow({ x0: w.x0 + d, x1: w.x1 + d }, total);
}

/** pixel left and width of a node in a view `px` wide */
export function boxPx(f: FlameLayout, w: FlameWindow, px: number, node: number): { left: number; width: number } {
  const scale = px / (w.x1 - w.x0);
  return { left: (f.x[node] - w.x0) * scale, width: f.width[node] * scale };
}

/**
 * Calls draw(node, left, width) for every node at least `minPx` wide that overlaps the view, for depths
 * [fromDepth, toDepth]. A node too narrow skips its whole subtree (children are never wider than their
 * parent), so a 100k-span trace costs only the boxes that can be seen.
 */
export function forEachVisible(
  f: FlameLayout, w: FlameWindow, px: number, minPx: number, fromDepth: number, toDepth: number,
  draw: (node: number, left: number, width: number) => void,
): void {
  const scale = px / (w.x1 - w.x0);
  for (let i = 0; i < f.count; ) {
    const left = (f.x[i] - w.x0) * scale;
    const width = f.width[i] * scale;
    if (width < minPx || left >= px || left + width <= 0 || f.depth[i] > toDepth) {
      i = f.end[i];
      continue;
    }
    if (f.depth[i] >= fromDepth) draw(i, left, width);
    i++;
  }
}

/** the node under x pixels (in a view `px` wide) at `depth`, or -1 */
export function nodeAt(f: FlameLayout, w: FlameWindow, px: number, xPx: number, depth: number): number {
  if (depth < 0 || depth > f.maxDepth) return -1;
  const at = w.x0 + (xPx / px) * (w.x1 - w.x0);
  // (a layout of some boxes only lists the levels that hold one)
  const list = f.byDepth[depth] ?? [];
  // left edges ascend along a depth: the last node starting at or before `at`
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (f.x[list[mid]] <= at) {
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // boxes at one depth never overlap, but a zero-width one shares its left edge with the next: step back
  // over those to the box that holds the point
  for (let k = lo - 1; k >= 0; k--) {
    const node = list[k];
    if (f.x[node] + f.width[node] > at) return node;
    if (f.x[node] < at) break;
  }
  return -1;
}

/** the node and its ancestors, root first (the breadcrumb of a zoom) */
export function pathTo(f: FlameLayout, node: number): number[] {
  const out: number[] = [];
  for (let i = node; i >= 0; i = f.parent[i]) out.push(i);
  return out.reverse();
}

/** 1 for each node that holds a matching span (find); null when nothing is searched */
export function nodeMatches(f: FlameLayout, rowMatch: Uint8Array | null): Uint8Array | null {
  if (!rowMatch) return null;
  const out = new Uint8Array(f.count);
  const n = Math.min(rowMatch.length, f.nodeOf.length);
  for (let r = 0; r < n; r++) if (rowMatch[r]) out[f.nodeOf[r]] = 1;
  return out;
}
