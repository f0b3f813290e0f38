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
  const byId = hexIdIndex(spans, flags) ?? mapIdIndex(spans, flags);
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    if (!s.parentSpanId) continue;
    if (s.parentSpanId === s.spanId) {
      flags[i] |= TreeFlag.SelfParent;
      continue;
    }
    const p = byId(s.parentSpanId);
    if (p === -1) flags[i] |= TreeFlag.Orphan;
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

// ---- span id → index of the first span with that id (-1: none); duplicates are flagged on the way ----

type IdIndex = (id: string) => number;

function mapIdIndex(spans: ArrayLike<TreeSpan>, flags: Uint8Array): IdIndex {
  const byId = new Map<string, number>();
  for (let i = 0; i < spans.length; i++) {
    const id = spans[i].spanId;
    if (byId.has(id)) flags[i] |= TreeFlag.Duplicate;
    else byId.set(id, i);
  }
  return (id) => byId.get(id) ?? -1;
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) HEX_VALUE[48 + c] = c;
for (let c = 0; c < 6; c++) HEX_VALUE[97 + c] = 10 + c;

/** 8 lowercase hex digits of `s` from `at` as a number, or -1 */
function hexWord(s: string, at: number): number {
  let v = 0;
  for (let k = at; k < at + 8; k++) {
    const c = s.charCodeAt(k);
    const h = c < 128 ? HEX_VALUE[c] : -1;
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/**
 * The same index over a flat open-addressing table of the ids' two 32-bit halves, when every span id is 16
 * lowercase hex digits (what the decoders produce): at 100k spans a Map of id strings was half of
 * assembling the tree. null when some id is not of that form (then the Map does it).
 */
function hexIdIndex(spans: ArrayLike<TreeSpan>, flags: Uint8Array): IdIndex | null {
  const n = spans.length;
  if (n < 64) return null; // small traces: the Map is as quick
  let size = 64;
  while (size < n * 2) size *= 2;
  const mask = size - 1;
  const hiT = new Uint32Array(size);
  const loT = new Uint32Array(size);
  const at = new Int32Array(size).fill(-1);
  // murmur3's finaliser over both halves: every input bit reaches the low bits the mask keeps (ids that
  // differ only in their high digits, as counters and some SDKs make them, must not share a slot)
  const slot = (hi: number, lo: number): number => {
    let h = lo ^ Math.imul(hi, 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & mask;
  };
  for (let i = 0; i < n; i++) {
    const id = spans[i].spanId;
    if (id.length !== 16) return null;
    const hi = hexWord(id, 0);
    const lo = hexWord(id, 8);
    if (hi < 0 || lo < 0) return null;
    let j = slot(hi, lo);
    for (;;) {
      if (at[j] === -1) {
        hiT[j] = hi;
        loT[j] = lo;
        at[j] = i;
        break;
      }
      if (hiT[j] === hi && loT[j] === lo) {
        flags[i] |= TreeFlag.Duplicate;
        break;
      }
      j = (j + 1) & mask;
    }
  }
  return (id) => {
    // (an id of another form cannot name any span here: they are all 16 lowercase hex digits)
    if (id.length !== 16) return -1;
    const hi = hexWord(id, 0);
    const lo = hexWord(id, 8);
    if (hi < 0 || lo < 0) return -1;
    for (let j = slot(hi, lo); ; j = (j + 1) & mask) {
      if (at[j] === -1) return -1;
      if (hiT[j] === hi && loT[j] === lo) return at[j];
    }
  };
}
