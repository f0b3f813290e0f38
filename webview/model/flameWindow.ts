// The flame graph of a windowed trace (src/protocol/rowWindow.ts FlameRequest): the receiver keeps the whole
// layout (flame.ts) and cuts the boxes one zoom range can show (flameBoxes); the webview turns them back into
// a layout of their own (boxLayout) that flame.ts's drawing, hit-testing and zoom functions read as they read
// a whole trace's. The x axis stays the whole graph's, so a zoom is the same window on either side. Pure.
import type { FlameLayout } from './flame';
import { depthLists } from './flame';
import { FLAME_MIN_PX, MAX_FLAME_BOXES } from '../../src/protocol/rowWindow';
import type { FlameBoxes, FlameRequest } from '../../src/protocol/rowWindow';

/**
 * The boxes at least nsPerPx × FLAME_MIN_PX wide that overlap [x0, x1], depth-first, plus the boxes of the
 * request's row and node and their ancestors however narrow. A box too narrow or outside skips its subtree
 * (a child is never wider than its parent, nor outside it). More than `max` boxes: the narrowest width sent
 * doubles until they fit, so an answer's size follows the screen, not the trace.
 * `nodeMatch`: the view's find by node (flame.ts nodeMatches), or null.
 */
export function flameBoxes(
  f: FlameLayout, req: FlameRequest, nodeMatch: Uint8Array | null, max = MAX_FLAME_BOXES,
): FlameBoxes {
  const keepA = req.row !== undefined && req.row < f.nodeOf.length ? f.nodeOf[req.row] : -1;
  const keepB = req.node !== undefined && req.node < f.count ? req.node : -1;
  const kept = (i: number) => (i <= keepA && keepA < f.end[i]) || (i <= keepB && keepB < f.end[i]);
  let minWidth = Math.max(req.nsPerPx * FLAME_MIN_PX, Number.MIN_VALUE);
  let picked: number[] = [];
  for (;;) {
    picked = [];
    for (let i = 0; i < f.count && picked.length <= max; ) {
      const wide = f.width[i] >= minWidth && f.x[i] < req.x1 && f.x[i] + f.width[i] > req.x0;
      if (!wide && !kept(i)) {
        i = f.end[i];
        continue;
      }
      picked.push(i);
      i++;
    }
    if (picked.length <= max || !(minWidth < f.total)) break;
    minWidth *= 2;
  }
  const n = picked.length;
  const indexOf = new Map<number, number>();
  picked.forEach((node, j) => indexOf.set(node, j));
  const rows = Array.from(new Set(picked.map((node) => f.row[node]))).sort((a, b) => a - b);
  const rowAt = new Map(rows.map((r, k) => [r, k]));
  const out: FlameBoxes = {
    mode: f.mode, total: f.total, maxDepth: f.maxDepth, count: f.count, minWidth,
    node: picked, parent: new Array<number>(n), depth: new Array<number>(n), x: new Array<number>(n), width: new Array<number>(n),
    self: new Array<number>(n), duration: new Array<number>(n), spans: new Array<number>(n), errors: new Array<number>(n),
    at: new Array<number>(n), target: new Array<string>(n), rows, selected: keepA >= 0 ? (indexOf.get(keepA) ?? -1) : -1,
  };
  if (nodeMatch) out.match = picked.map((node) => nodeMatch[node]);
  for (let j = 0; j < n; j++) {
    const node = picked[j];
    const p = f.parent[node];
    out.parent[j] = p >= 0 ? (indexOf.get(p) ?? -1) : -1;
    out.depth[j] = f.depth[node];
    out.x[j] = f.x[node];
    out.width[j] = f.width[node];
    out.self[j] = f.self[node];
    out.duration[j] = f.duration[node];
    out.spans[j] = f.spans[node];
    out.errors[j] = f.errors[node];
    out.at[j] = rowAt.get(f.row[node])!;
    out.target[j] = f.target[node] || (f.targetOf?.(f.row[node]) ?? '');
  }
  return out;
}

/**
 * The boxes as a layout: node j is box j, its row is its index in the packed rows sent beside (`at`), and the
 * graph's total and depth are the whole trace's, so zoom and scroll span the whole graph.
 */
export function boxLayout(b: FlameBoxes): FlameLayout {
  const n = b.node.length;
  const end = new Int32Array(n);
  const parent = Int32Array.from(b.parent);
  for (let j = n - 1; j >= 0; j--) {
    end[j] = Math.max(end[j], j + 1);
    if (parent[j] >= 0 && end[j] > end[parent[j]]) end[parent[j]] = end[j];
  }
  const depth = Int32Array.from(b.depth);
  let deepest = -1;
  for (let j = 0; j < n; j++) if (depth[j] > deepest) deepest = depth[j];
  const row = Int32Array.from(b.at);
  const nodeOf = new Int32Array(b.rows.length).fill(-1);
  for (let j = 0; j < n; j++) nodeOf[row[j]] = j;
  return {
    mode: b.mode, count: n, total: b.total, maxDepth: b.maxDepth, depth, parent, end,
    x: Float64Array.from(b.x), width: Float64Array.from(b.width), self: Float64Array.from(b.self), duration: Float64Array.from(b.duration),
    spans: Int32Array.from(b.spans), errors: Int32Array.from(b.errors), row, nodeOf, target: b.target,
    // (the levels that hold a box: a deep trace's empty levels below the screen cost nothing)
    byDepth: depthLists(depth, n, deepest),
  };
}
