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
  /** nodes at each depth, left to right */
  byDepth: Int32Array[];
}

/** the route or path of a row named by its HTTP method alone (model/rowTarget), else undefined */
export type TargetOf = (row: number) => string | undefined;

export function flameLayout(t: FlameInput, mode: FlameMode, targetOf?: TargetOf): FlameLayout {
  return mode === 'spans' ? spanLayout(t) : operationLayout(t, targetOf);
}

function spanLayout(t: FlameInput): FlameLayout {
  const n = t.spanCount;
  const self = selfTimes(t);
  const width = Float64Array.from(self);
  // rows are depth-first (a parent before its children), so one backward pass sums the subtrees
  for (let r = n - 1; r > 0; r--) if (t.parent[r] >= 0) width[t.parent[r]] += width[r];
  const x = new Float64Array(n);
  const cursor = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) {
    const p = t.parent[r];
    if (p < 0) {
      x[r] = total;
      total += width[r];
    } else {
      x[r] = x[p] + cursor[p];
      cursor[p] += width[r];
    }
  }
  const duration = new Float64Array(n);
  const errors = new Int32Array(n);
  let maxDepth = 0;
  for (let r = 0; r < n; r++) {
    duration[r] = Math.max(0, t.end[r] - t.start[r]);
    if (t.status[r] === 2) errors[r] = 1;
    if (t.depth[r] > maxDepth) maxDepth = t.depth[r];
  }
  const row = Int32Array.from({ length: n }, (_, i) => i);
  return {
    mode: 'spans', count: n, total, maxDepth: n ? maxDepth : -1, depth: Int32Array.from(t.depth.subarray(0, n)),
    parent: Int32Array.from(t.parent.subarray(0, n)), end: Int32Array.from(t.subtreeEnd.subarray(0, n)), x, width, self, duration,
    spans: new Int32Array(n).fill(1), errors, row, nodeOf: row, target: new Array<string>(n).fill(''), byDepth: depthLists(t.depth, n, maxDepth),
  };
}

function operationLayout(t: FlameInput, targetOf?: TargetOf): FlameLayout {
  const n = t.spanCount;
  const self = selfTimes(t);
  // merge: a row's node is its parent's node's child with the same (service, name[, target]); rows come
  // parent first, so the parent's node exists. Numeric keys (no string per span) unless a target names it.
  const nodeOf = new Int32Array(n);
  const byKey = new Map<number, number>();
  const byTarget = new Map<string, number>();
  const pNode: number[] = [];
  const rep: number[] = [];
  const tgt: string[] = [];
  const nSelf: number[] = [];
  const nDur: number[] = [];
  const nSpans: number[] = [];
  const nErr: number[] = [];
  const sc = t.stringCount;
  for (let r = 0; r < n; r++) {
    const p = t.parent[r] >= 0 ? nodeOf[t.parent[r]] : -1;
    const target = targetOf?.(r);
    let numKey = 0;
    let strKey = '';
    if (target === undefined) {
      numKey = ((p + 1) * sc + t.service[r]) * sc + t.name[r];
      // past 2^53 two keys could meet: fall back to a string key
      if (numKey > Number.MAX_SAFE_INTEGER) strKey = `${p} ${t.service[r]} ${t.name[r]}`;
    } else strKey = `${p} ${t.service[r]} ${t.name[r]} ${target}`;
    let id = strKey ? byTarget.get(strKey) : byKey.get(numKey);
    const d = Math.max(0, t.end[r] - t.start[r]);
    if (id === undefined) {
      id = pNode.length;
      if (strKey) byTarget.set(strKey, id);
      else byKey.set(numKey, id);
      pNode.push(p);
      rep.push(r);
      tgt.push(target ?? '');
      nSelf.push(0);
      nDur.push(0);
      nSpans.push(0);
      nErr.push(0);
    } else if (d > t.end[rep[id]] - t.start[rep[id]]) rep[id] = r;
    nodeOf[r] = id;
    nSelf[id] += self[r];
    nDur[id] += d;
    nSpans[id]++;
    if (t.status[r] === 2) nErr[id]++;
  }
  const m = pNode.length;
  // nodes were created parent first as well: one backward pass sums the subtrees
  const w = Float64Array.from(nSelf);
  for (let i = m - 1; i >= 0; i--) if (pNode[i] >= 0) w[pNode[i]] += w[i];
  // children lists, heaviest first, then a depth-first renumbering
  const kids: number[][] = Array.from({ length: m }, () => []);
  const roots: number[] = [];
  for (let i = 0; i < m; i++) (pNode[i] >= 0 ? kids[pNode[i]] : roots).push(i);
  const heavier = (a: number, b: number) => w[b] - w[a] || a - b;
  roots.sort(heavier);
  for (const k of kids) if (k.length > 1) k.sort(heavier);
  const order = new Int32Array(m); // new index → old
  const newOf = new Int32Array(m);
  const depth = new Int32Array(m);
  const end = new Int32Array(m);
  const parent = new Int32Array(m);
  const x = new Float64Array(m);
  let k = 0;
  let total = 0;
  let maxDepth = -1;
  const stack: number[] = [];
  const visit = (root: number, left: number) => {
    // explicit stack: a trace can be thousands of levels deep
    stack.push(root);
    const xs: number[] = [left];
    const ds: number[] = [0];
    const ps: number[] = [-1];
    while (stack.length) {
      const old = stack.pop()!;
      const left0 = xs.pop()!;
      const d = ds.pop()!;
      const p = ps.pop()!;
      const ni = k++;
      order[ni] = old;
      newOf[old] = ni;
      depth[ni] = d;
      parent[ni] = p;
      x[ni] = left0;
      if (d > maxDepth) maxDepth = d;
      const ch = kids[old];
      // children's left edges, pushed in reverse so the heaviest is numbered first
      let cx = left0;
      const lefts = new Array<number>(ch.length);
      for (let c = 0; c < ch.length; c++) {
        lefts[c] = cx;
        cx += w[ch[c]];
      }
      for (let c = ch.length - 1; c >= 0; c--) {
        stack.push(ch[c]);
        xs.push(lefts[c]);
        ds.push(d + 1);
        ps.push(ni);
      }
    }
  };
  for (const r of roots) {
    visit(r, total);
    total += w[r];
  }
  for (let i = m - 1; i >= 0; i--) end[i] = i + 1;
  for (let i = m - 1; i >= 0; i--) if (parent[i] >= 0 && end[i] > end[parent[i]]) end[parent[i]] = end[i];
  const pick = <T extends Float64Array | Int32Array>(arr: T, src: ArrayLike<number>): T => {
    for (let i = 0; i < m; i++) arr[i] = src[order[i]];
    return arr;
  };
  const target = new Array<string>(m);
  for (let i = 0; i < m; i++) target[i] = tgt[order[i]];
  for (let r = 0; r < n; r++) nodeOf[r] = newOf[nodeOf[r]];
  return {
    mode: 'operations', count: m, total, maxDepth, depth, parent, end, x,
    width: pick(new Float64Array(m), w), self: pick(new Float64Array(m), nSelf), duration: pick(new Float64Array(m), nDur),
    spans: pick(new Int32Array(m), nSpans), errors: pick(new Int32Array(m), nErr), row: pick(new Int32Array(m), rep),
    nodeOf, target, byDepth: depthLists(depth, m, maxDepth),
  };
}

function depthLists(depth: Int32Array, n: number, maxDepth: number): Int32Array[] {
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
  return f.target[node] ? `${name} ${f.target[node]}` : name;
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
  const list = f.byDepth[depth];
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
