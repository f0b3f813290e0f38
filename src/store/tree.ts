// Assembles a trace's spans into a tree whatever the arrival order, and never loops: orphans (parent
// never arrived), self-parents and parent cycles become marked roots; duplicate span ids stay separate
// rows (the first one received is the one children attach to). Clock skew is flagged, never corrected.

export const TreeFlag = {
  Orphan: 1, // parentSpanId names a span that is not in the trace
  SelfParent: 2, // parentSpanId === spanId
  Cycle: 4, // part of a parent cycle (the cycle is cut at its earliest span)
  Duplicate: 8, // another span in the trace has the same spanId and was received earlier
  StartsBeforeParent: 16, // clock skew: starts before its parent starts
  EndsAfterParent: 32, // clock skew: ends after its parent ends
} as const;

export interface TreeSpan {
  spanId: string;
  parentSpanId: string;
  start: number;
  end: number;
  name: string;
}

export interface TraceTree {
  /** span indexes in depth-first order; children (and roots) by start time, then name */
  order: Int32Array;
  /** by span index */
  depth: Int32Array;
  /** by span index; -1 for roots (including orphans and cut cycles) */
  parent: Int32Array;
  /** by span index: TreeFlag bits */
  flags: Uint8Array;
  /** by span index: number of direct children */
  childCount: Int32Array;
  roots: number[];
}

export function buildTree(spans: ArrayLike<TreeSpan>): TraceTree {
  const n = spans.length;
  const parent = new Int32Array(n).fill(-1);
  const flags = new Uint8Array(n);
  const byId = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = spans[i].spanId;
    if (byId.has(id)) flags[i] |= TreeFlag.Duplicate;
    else byId.set(id, i);
  }
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    if (!s.parentSpanId) continue;
    if (s.parentSpanId === s.spanId) {
      flags[i] |= TreeFlag.SelfParent;
      continue;
    }
    const p = byId.get(s.parentSpanId);
    if (p === undefined) flags[i] |= TreeFlag.Orphan;
    else parent[i] = p;
  }

  // Cycle detection: walk up from each unvisited node; a node met twice in the same walk closes a cycle.
  const state = new Uint8Array(n); // 0 new, 1 on current walk, 2 done
  const walk: number[] = [];
  for (let i = 0; i < n; i++) {
    if (state[i]) continue;
    walk.length = 0;
    let j = i;
    while (j !== -1 && state[j] === 0) {
      state[j] = 1;
      walk.push(j);
      j = parent[j];
    }
    if (j !== -1 && state[j] === 1) {
      // j .. end of walk is a cycle: mark it and cut it at its earliest-starting span
      const from = walk.indexOf(j);
      let cut = j;
      for (let k = from; k < walk.length; k++) {
        const m = walk[k];
        flags[m] |= TreeFlag.Cycle;
        if (spans[m].start < spans[cut].start) cut = m;
      }
      parent[cut] = -1;
    }
    for (const k of walk) state[k] = 2;
  }

  const childCount = new Int32Array(n);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    if (p === -1) roots.push(i);
    else {
      childCount[p]++;
      if (spans[i].start < spans[p].start) flags[i] |= TreeFlag.StartsBeforeParent;
      if (spans[i].end > spans[p].end) flags[i] |= TreeFlag.EndsAfterParent;
    }
  }
  // children lists in one flat array (CSR), sorted by start then name
  const firstChild = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) firstChild[i + 1] = firstChild[i] + childCount[i];
  const fill = firstChild.slice(0, n);
  const kids = new Int32Array(n);
  for (let i = 0; i < n; i++) if (parent[i] !== -1) kids[fill[parent[i]]++] = i;
  const cmp = (a: number, b: number) =>
    spans[a].start - spans[b].start || (spans[a].name < spans[b].name ? -1 : spans[a].name > spans[b].name ? 1 : a - b);
  for (let i = 0; i < n; i++) {
    const a = firstChild[i], b = firstChild[i + 1];
    if (b - a > 1) kids.subarray(a, b).sort(cmp);
  }
  roots.sort(cmp);

  const order = new Int32Array(n);
  const depth = new Int32Array(n);
  let o = 0;
  const stack: number[] = [];
  for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]);
  while (stack.length) {
    const i = stack.pop()!;
    order[o++] = i;
    const p = parent[i];
    depth[i] = p === -1 ? 0 : depth[p] + 1;
    for (let k = firstChild[i + 1] - 1; k >= firstChild[i]; k--) stack.push(kids[k]);
  }
  return { order, depth, parent, flags, childCount, roots };
}
