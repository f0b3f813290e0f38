// Assembles a trace's spans into a tree whatever the arrival order, and never loops: orphans (parent
// never arrived), self-parents and parent cycles become marked roots; duplicate span ids stay separate
// rows (the first one received is the one children attach to). Clock skew is flagged, never corrected.
// Skew needs two clocks: a child outside its parent's times is skew only when the two were recorded on
// different hosts. Processes on one host read one system clock, so there a child that ends after its parent
// is one the parent did not wait for (an async child, or a server that finished writing its answer after the
// client had it) — named so, not flagged. When either side does not say its host, nothing is flagged.

export const TreeFlag = {
  Orphan: 1, // parentSpanId names a span that is not in the trace
  SelfParent: 2, // parentSpanId === spanId
  Cycle: 4, // part of a parent cycle (the cycle is cut at its earliest span)
  Duplicate: 8, // another span in the trace has the same spanId and was received earlier
  StartsBeforeParent: 16, // clock skew: starts before its parent starts, the two on different hosts
  EndsAfterParent: 32, // clock skew: ends after its parent ends, the two on different hosts
  AsyncChild: 64, // one clock: ends after its parent ends (the parent did not wait for it)
  EarlyStart: 128, // one clock: starts before its parent starts (as recorded; not skew)
} as const;

/** the flags that mark a problem with the trace's data (the rest only name what happened) */
export const TREE_PROBLEMS =
  TreeFlag.Orphan | TreeFlag.SelfParent | TreeFlag.Cycle | TreeFlag.Duplicate | TreeFlag.StartsBeforeParent | TreeFlag.EndsAfterParent;

/** what tells one span's clock from another's: the resource that recorded it */
export interface ClockSource {
  attrs: ArrayLike<unknown>;
  serviceName: string;
}

export interface TreeSpan {
  spanId: string;
  parentSpanId: string;
  start: number;
  end: number;
  name: string;
  resource?: ClockSource;
}

export interface TraceTree {
  /** span indexes in depth-first order; children (and roots) by start time, then name */
  order: Int32Array;
  /** by span index; -1 for roots (including orphans and cut cycles) */
  parent: Int32Array;
  /** by span index: TreeFlag bits */
  flags: Uint8Array;
  /** by span index: number of direct children */
  childCount: Int32Array;
  roots: number[];
  /** the earliest start (0 for no spans) */
  minStart: number;
  /** the latest start or end (0 for no spans): a head of the rows still spans the whole trace's time */
  maxTime: number;
  /** every span id is 16 lowercase hex digits (what the decoders produce) */
  hexIds: boolean;
  /** by span index, when hexIds (else empty): the id's first and last 8 hex digits as numbers (int32 bits) */
  idHi: Int32Array;
  idLo: Int32Array;
  /** by span index: its row (position in `order`) */
  rowOf: Int32Array;
  /** by row (position in `order`): the parent's row (-1 for roots) and the depth */
  rowParent: Int32Array;
  rowDepth: Int32Array;
}

/** children lists up to this long are sorted by insertion */
const SORT_IN_PLACE = 32;

/** Runs steps (buildTreeSteps, packTraceSteps) to their end at once. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export function buildTree(spans: ArrayLike<TreeSpan>): TraceTree {
  return runSteps(buildTreeSteps(spans, Infinity));
}

/** bytes of fresh memory touched per step (touchPages) */
const TOUCH_BYTES = 1 << 20;

/**
 * Touches the pages of freshly allocated arrays a megabyte per step, for work done in steps: the first write
 * to a page of a new buffer costs the system a page fault, and the passes write rows or hash slots all over
 * each array, so the first slice would otherwise take the faults of every array at once (seconds for a
 * million spans on a busy machine). The arrays are all zero, as new ones are.
 */
export function* touchPages(arrays: ArrayBufferView[]): Generator<void, void> {
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let at = 0; at < bytes.length; at += TOUCH_BYTES) {
      bytes.fill(0, at, Math.min(bytes.length, at + TOUCH_BYTES));
      yield;
    }
  }
}

/** span times read into typed arrays by readSpans */
interface Extent {
  minStart: number;
  maxTime: number;
}

// Spans of a big trace sit all over a heap that holds a million of them: every pass that reads a span object
// is a cache miss per span. So the objects are read once, into typed arrays, and the rest works on those.
/**
 * buildTree in steps: it yields after each `slice` spans of the passes that read span objects or look ids
 * up, so a receiver ordering a million spans can answer others between steps (src/receiver/traceWindows.ts).
 */
export function* buildTreeSteps(spans: ArrayLike<TreeSpan>, slice: number): Generator<void, TraceTree> {
  const n = spans.length;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const parent = new Int32Array(n).fill(-1);
  const flags = new Uint8Array(n);
  const extent: Extent = { minStart: n ? Infinity : 0, maxTime: n ? -Infinity : 0 };
  const ids = new HexIdTable(n);
  if (slice < n) yield* touchPages([start, end, flags, ...ids.arrays()]);
  for (let i = 0; i < n; i += slice) {
    readSpans(spans, i, Math.min(n, i + slice), start, end, flags, ids, extent);
    if (i + slice < n) yield;
  }
  const { minStart, maxTime } = extent;
  const hexIds = ids.ok;
  if (hexIds) {
    for (let i = 0; i < n; i += slice) {
      ids.resolve(parent, flags, i, Math.min(n, i + slice));
      if (i + slice < n) yield;
    }
  } else {
    flags.fill(0); // (duplicates the table flagged before it gave up)
    linkByMap(spans, parent, flags);
  }

  // Cycle detection: walk up from each unvisited node; a node met twice in the same walk closes a cycle.
  const state = new Uint8Array(n); // 0 new, 1 on current walk, 2 done
  // (a typed array with its own length: emptying a JS array per node was a runtime call each time)
  const walk = new Int32Array(n);
  // (a countdown to the next step: `slice` is Infinity when the tree is built at once)
  let left = slice;
  for (let i = 0; i < n; i++) {
    if (--left === 0) {
      left = slice;
      yield;
    }
    if (state[i]) continue;
    let w = 0;
    let j = i;
    while (j !== -1 && state[j] === 0) {
      state[j] = 1;
      walk[w++] = j;
      j = parent[j];
    }
    if (j !== -1 && state[j] === 1) {
      // j .. end of walk is a cycle: mark it and cut it at its earliest-starting span
      let from = 0;
      while (walk[from] !== j) from++;
      let cut = j;
      for (let k = from; k < w; k++) {
        const m = walk[k];
        flags[m] |= TreeFlag.Cycle;
        if (start[m] < start[cut]) cut = m;
      }
      parent[cut] = -1;
    }
    for (let k = 0; k < w; k++) state[walk[k]] = 2;
  }

  const childCount = new Int32Array(n);
  const roots: number[] = [];
  const clocks = new SameClock();
  for (let i = 0; i < n; i++) {
    if (--left === 0) {
      left = slice;
      yield;
    }
    const p = parent[i];
    if (p === -1) roots.push(i);
    else {
      childCount[p]++;
      const early = start[i] < start[p];
      const late = end[i] > end[p];
      // (the resources are only compared for the few children outside their parent's times)
      if (early || late) {
        const same = clocks.same(spans[i].resource, spans[p].resource);
        if (early) flags[i] |= same ? TreeFlag.EarlyStart : TreeFlag.StartsBeforeParent;
        if (late) flags[i] |= same ? TreeFlag.AsyncChild : TreeFlag.EndsAfterParent;
      }
    }
  }
  // children lists in one flat array (CSR), sorted by start then name
  const firstChild = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) firstChild[i + 1] = firstChild[i] + childCount[i];
  const fill = firstChild.slice(0, n);
  const kids = new Int32Array(n);
  for (let i = 0; i < n; i++) if (parent[i] !== -1) kids[fill[parent[i]]++] = i;
  // names are read only for spans that start at the same nanosecond
  const cmp = (a: number, b: number) =>
    start[a] - start[b] || (spans[a].name < spans[b].name ? -1 : spans[a].name > spans[b].name ? 1 : a - b);
  yield;
  for (let i = 0; i < n; i += slice) {
    sortChildren(kids, firstChild, i, Math.min(n, i + slice), cmp);
    if (i + slice < n) yield;
  }
  roots.sort(cmp);
  yield;

  const order = new Int32Array(n);
  const rowOf = new Int32Array(n);
  const rowParent = new Int32Array(n);
  const rowDepth = new Int32Array(n);
  let o = 0;
  const stack: number[] = [];
  for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]);
  while (stack.length) {
    if (--left === 0) {
      left = slice;
      yield;
    }
    const i = stack.pop()!;
    const p = parent[i];
    // a parent is always placed before its children
    const pr = p === -1 ? -1 : rowOf[p];
    order[o] = i;
    rowOf[i] = o;
    rowParent[o] = pr;
    rowDepth[o] = pr === -1 ? 0 : rowDepth[pr] + 1;
    o++;
    for (let k = firstChild[i + 1] - 1; k >= firstChild[i]; k--) stack.push(kids[k]);
  }
  return { order, rowOf, parent, flags, childCount, roots, minStart, maxTime, hexIds, idHi: hexIds ? ids.idHi : NONE, idLo: hexIds ? ids.idLo : NONE, rowParent, rowDepth };
}

const NONE = new Int32Array(0);

/** spans [from, to): times into typed arrays, ids into the table */
function readSpans(spans: ArrayLike<TreeSpan>, from: number, to: number, start: Float64Array, end: Float64Array, flags: Uint8Array, ids: HexIdTable, extent: Extent): void {
  let { minStart, maxTime } = extent;
  for (let i = from; i < to; i++) {
    const s = spans[i];
    start[i] = s.start;
    end[i] = s.end;
    if (s.start < minStart) minStart = s.start;
    if (s.end > maxTime) maxTime = s.end;
    if (s.start > maxTime) maxTime = s.start;
    if (ids.ok) ids.add(s.spanId, s.parentSpanId, i, flags);
  }
  extent.minStart = minStart;
  extent.maxTime = maxTime;
}

/** the children lists of spans [from, to), each sorted by start then name */
function sortChildren(kids: Int32Array, firstChild: Int32Array, from: number, to: number, cmp: (a: number, b: number) => number): void {
  for (let i = from; i < to; i++) {
    const a = firstChild[i], b = firstChild[i + 1];
    if (b - a > SORT_IN_PLACE) kids.subarray(a, b).sort(cmp);
    else {
      // short lists (nearly all of them, and often already in order) by insertion, without a call into the
      // runtime's sort and back into cmp per comparison
      for (let k = a + 1; k < b; k++) {
        const x = kids[k];
        let m = k - 1;
        while (m >= a && cmp(kids[m], x) > 0) {
          kids[m + 1] = kids[m];
          m--;
        }
        kids[m + 1] = x;
      }
    }
  }
}

// The attributes that tell hosts apart (OpenTelemetry resource semantic conventions): host.id when both sides
// have it, else host.name. Every process on a host reads the same clock.
class SameClock {
  private readonly hosts = new Map<ClockSource, { id: string; name: string }>();

  same(a: ClockSource | undefined, b: ClockSource | undefined): boolean {
    if (a === b || !a || !b) return true; // one resource, or one side unknown: no second clock is known
    const x = this.host(a);
    const y = this.host(b);
    if (x.id && y.id) return x.id === y.id;
    if (x.name && y.name) return x.name === y.name;
    return true;
  }

  private host(r: ClockSource): { id: string; name: string } {
    let h = this.hosts.get(r);
    if (h === undefined) {
      h = { id: '', name: '' };
      for (let j = 0; j + 1 < r.attrs.length; j += 2) {
        if (r.attrs[j] === 'host.id') h.id = String(r.attrs[j + 1]);
        else if (r.attrs[j] === 'host.name') h.name = String(r.attrs[j + 1]);
      }
      this.hosts.set(r, h);
    }
    return h;
  }
}

// ---- span id → index of the first span with that id; duplicates flagged, parents linked ----

/** parents by a Map of id strings: for ids that are not all 16 lowercase hex digits (imports, tests) */
function linkByMap(spans: ArrayLike<TreeSpan>, parent: Int32Array, flags: Uint8Array): void {
  const byId = new Map<string, number>();
  for (let i = 0; i < spans.length; i++) {
    const id = spans[i].spanId;
    if (byId.has(id)) flags[i] |= TreeFlag.Duplicate;
    else byId.set(id, i);
  }
  for (let i = 0; i < spans.length; i++) {
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

// murmur3's finaliser over both halves: every input bit reaches the low bits the mask keeps (ids that
// differ only in their high digits, as counters and some SDKs make them, must not share a slot)
function mix(hi: number, lo: number): number {
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const NO_PARENT = 0;
const HEX_PARENT = 1;
const SELF_PARENT = 2;
const FOREIGN_PARENT = 3; // not 16 lowercase hex digits: names no span here

/**
 * Span ids as their two 32-bit halves in a flat open-addressing table, parent ids parsed the same way (in
 * the one pass over the span objects), then parents linked from the numbers alone. At 100k spans a Map of id
 * strings was half of assembling the tree. `ok` turns false at the first span id of another form (then the
 * Map does it).
 */
class HexIdTable {
  ok = true;
  private readonly mask: number;
  /** per slot [hi, lo, span index + 1 (0: empty), unused]: one cache line holds a probe's every read */
  private readonly slots: Int32Array;
  private readonly pKind: Uint8Array;
  private readonly pHi: Int32Array;
  private readonly pLo: Int32Array;
  readonly idHi: Int32Array;
  readonly idLo: Int32Array;

  /** the table's arrays (touchPages) */
  arrays(): ArrayBufferView[] {
    return [this.slots, this.pKind, this.pHi, this.pLo, this.idHi, this.idLo];
  }

  constructor(private readonly n: number) {
    let size = 64;
    while (size < n * 2) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(4 * size);
    this.pKind = new Uint8Array(n);
    this.pHi = new Int32Array(n);
    this.pLo = new Int32Array(n);
    this.idHi = new Int32Array(n);
    this.idLo = new Int32Array(n);
  }

  /** span i; `ok` turns false when its id is not 16 lowercase hex digits */
  add(id: string, parentId: string, i: number, flags: Uint8Array): void {
    const hi = id.length === 16 ? hexWord(id, 0) : -1;
    const lo = hi < 0 ? -1 : hexWord(id, 8);
    if (lo < 0) {
      this.ok = false;
      return;
    }
    const { slots, mask } = this;
    const h = hi | 0, l = lo | 0;
    this.idHi[i] = h;
    this.idLo[i] = l;
    for (let j = mix(h, l) & mask; ; j = (j + 1) & mask) {
      const o = 4 * j;
      if (slots[o + 2] === 0) {
        slots[o] = h;
        slots[o + 1] = l;
        slots[o + 2] = i + 1;
        break;
      }
      if (slots[o] === h && slots[o + 1] === l) {
        flags[i] |= TreeFlag.Duplicate;
        break;
      }
    }
    if (!parentId) return;
    if (parentId === id) {
      this.pKind[i] = SELF_PARENT;
      return;
    }
    const phi = parentId.length === 16 ? hexWord(parentId, 0) : -1;
    const plo = phi < 0 ? -1 : hexWord(parentId, 8);
    if (plo < 0) this.pKind[i] = FOREIGN_PARENT;
    else {
      this.pKind[i] = HEX_PARENT;
      this.pHi[i] = phi;
      this.pLo[i] = plo;
    }
  }

  /** links the parents of spans [from, to) */
  resolve(parent: Int32Array, flags: Uint8Array, from: number, to: number): void {
    const { slots, mask, pKind, pHi, pLo } = this;
    for (let i = from; i < to; i++) {
      const k = pKind[i];
      if (k === NO_PARENT) continue;
      if (k === SELF_PARENT) {
        flags[i] |= TreeFlag.SelfParent;
        continue;
      }
      let p = -1;
      if (k === HEX_PARENT) {
        const h = pHi[i], l = pLo[i];
        for (let j = mix(h, l) & mask; slots[4 * j + 2] !== 0; j = (j + 1) & mask) {
          if (slots[4 * j] === h && slots[4 * j + 1] === l) {
            p = slots[4 * j + 2] - 1;
            break;
          }
        }
      }
      if (p === -1) flags[i] |= TreeFlag.Orphan;
      else parent[i] = p;
    }
  }
}
