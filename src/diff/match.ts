// Matches the spans of two traces and says what changed: one merged tree of rows, each span matched,
// renamed, added or removed, with both durations and self times. Pure: no Node, no vscode.
//
// How spans are matched, level by level from the roots down:
//  1. A pair's children (the roots, for the top level) are grouped by (service, name, kind). Within a group
//     the spans are ordered by start time, so siblings that ran in another order still find each other.
//  2. When a group has as many spans on each side, they pair in order. When it has more on one side (a loop
//     that ran 3 times, then 5; a retry), an order-keeping alignment picks which ones are extra: pairing costs
//     the difference of their durations (log ratio), their status and their number of children, leaving a
//     span out costs a fixed amount. So a failed retry before the good call comes out as added, and a longer
//     loop as extra iterations at its end.
//  3. What is left over on both sides with the same service and kind, as many on each side, and with the same
//     children — or, for leaves, in the same place (after the same paired sibling) — is a rename: one row
//     marked `renamed`, whose children are matched as well. Anything else left is added or removed, with its
//     whole subtree.
// Every span appears in exactly one row. The walk uses explicit stacks: a trace may be deeper than the call
// stack.
import type { DiffRow, RowKind, RowSide, SideSummary, TraceDiff } from '../protocol/traceDiff';
import type { DiffSpan, DiffTrace } from './spans';

export type { DiffRow, RowKind, RowSide, SideSummary, TraceDiff };

interface Tree {
  spans: DiffSpan[];
  kids: (number[] | undefined)[];
  roots: number[];
  self: Float64Array;
  minStart: number;
}

const byStart = (spans: DiffSpan[]) => (x: number, y: number) =>
  spans[x].start - spans[y].start || (spans[x].name < spans[y].name ? -1 : spans[x].name > spans[y].name ? 1 : x - y);

function buildTree(spans: DiffSpan[]): Tree {
  const n = spans.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) if (!index.has(spans[i].spanId)) index.set(spans[i].spanId, i);
  const raw: (number[] | undefined)[] = new Array(n);
  const hasParent = new Uint8Array(n);
  let minStart = Infinity;
  let maxEnd = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    if (s.start < minStart) minStart = s.start;
    if (s.end > maxEnd) maxEnd = s.end;
    const p = s.parentSpanId ? index.get(s.parentSpanId) : undefined;
    if (p === undefined || p === i) continue;
    hasParent[i] = 1;
    (raw[p] ??= []).push(i);
  }
  // keep each span once: a parent cycle (or a duplicate id) never reaches a root, so its earliest span becomes one
  const kids: (number[] | undefined)[] = new Array(n);
  const seen = new Uint8Array(n);
  const roots: number[] = [];
  const order = byStart(spans);
  const walk = (root: number) => {
    roots.push(root);
    seen[root] = 1;
    const stack = [root];
    while (stack.length) {
      const i = stack.pop()!;
      const r = raw[i];
      if (!r) continue;
      const k = r.filter((c) => !seen[c]);
      for (const c of k) seen[c] = 1;
      if (k.length) {
        k.sort(order);
        kids[i] = k;
        for (const c of k) stack.push(c);
      }
    }
  };
  const firstRoots: number[] = [];
  for (let i = 0; i < n; i++) if (!hasParent[i]) firstRoots.push(i);
  firstRoots.sort(order);
  for (const r of firstRoots) walk(r);
  if (roots.length < n) {
    const rest: number[] = [];
    for (let i = 0; i < n; i++) if (!seen[i]) rest.push(i);
    rest.sort(order);
    for (const r of rest) if (!seen[r]) walk(r);
    roots.sort(order);
  }
  const self = new Float64Array(n);
  for (let i = 0; i < n; i++) self[i] = selfTime(spans, i, kids[i]);
  return { spans, kids, roots, self, minStart: n ? minStart : 0 };
}

/** duration less the union of the children's intervals (clipped to the span); children sorted by start */
function selfTime(spans: DiffSpan[], i: number, kids: number[] | undefined): number {
  const s = spans[i];
  const d = Math.max(0, s.end - s.start);
  if (!kids) return d;
  let covered = 0;
  let curStart = NaN;
  let curEnd = NaN;
  for (const c of kids) {
    const cs = Math.max(spans[c].start, s.start);
    const ce = Math.min(spans[c].end, s.end);
    if (ce <= cs) continue;
    if (Number.isNaN(curEnd) || cs > curEnd) {
      if (!Number.isNaN(curEnd)) covered += curEnd - curStart;
      curStart = cs;
      curEnd = ce;
    } else if (ce > curEnd) curEnd = ce;
  }
  if (!Number.isNaN(curEnd)) covered += curEnd - curStart;
  return Math.max(0, d - covered);
}

const keyOf = (s: DiffSpan) => `${s.service}\u0000${s.name}\u0000${s.kind}`;
const familyOf = (s: DiffSpan) => `${s.service}\u0000${s.kind}`;

/** the cost of leaving a span unpaired in the alignment */
const GAP = 1.2;
/** above this many cells an uneven group pairs in order (extras at the end) */
const MAX_ALIGN_CELLS = 250_000;

const LN_2_5 = Math.log(2.5);

/** the cost of pairing span a (the i-th of its group) with span b (the j-th) */
function pairCost(A: Tree, a: number, i: number, B: Tree, b: number, j: number): number {
  const sa = A.spans[a];
  const sb = B.spans[b];
  // a different status outweighs any duration (a failed attempt is another call, however long it took);
  // within 2.5× is the same to the alignment (timer jitter on a short span is that big): then position decides,
  // so loops pair from their first iteration. +1 µs: two near-zero durations are the same whatever their ratio.
  const ratio = Math.abs(Math.log((sa.end - sa.start + 1e3) / (sb.end - sb.start + 1e3)));
  const ca = A.kids[a]?.length ?? 0;
  const cb = B.kids[b]?.length ?? 0;
  return (
    Math.min(Math.max(0, ratio - LN_2_5), 1.5) +
    (sa.error !== sb.error ? 2 : 0) +
    Math.abs(ca - cb) / Math.max(ca, cb, 1) +
    0.4 * Math.abs(i - j)
  );
}

/** Pairs the spans of one (service, name, kind) group, keeping their order; returns [a, b] pairs. */
function align(A: Tree, as: number[], B: Tree, bs: number[]): [number, number][] {
  const n = as.length;
  const m = bs.length;
  const pairs: [number, number][] = [];
  if (n === m || n * m > MAX_ALIGN_CELLS) {
    for (let i = 0; i < Math.min(n, m); i++) pairs.push([as[i], bs[i]]);
    return pairs;
  }
  // D[i][j]: the cheapest alignment of as[i..] with bs[j..]
  const w = m + 1;
  const D = new Float64Array((n + 1) * w);
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      if (i === n) D[i * w + j] = (m - j) * GAP;
      else if (j === m) D[i * w + j] = (n - i) * GAP;
      else {
        D[i * w + j] = Math.min(
          pairCost(A, as[i], i, B, bs[j], j) + D[(i + 1) * w + j + 1],
          GAP + D[(i + 1) * w + j],
          GAP + D[i * w + j + 1],
        );
      }
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const here = D[i * w + j];
    // prefer a pair on a tie: equal loops pair from their first iteration
    if (Math.abs(pairCost(A, as[i], i, B, bs[j], j) + D[(i + 1) * w + j + 1] - here) < 1e-9) {
      pairs.push([as[i], bs[j]]);
      i++;
      j++;
    } else if (Math.abs(GAP + D[i * w + j + 1] - here) < 1e-9) j++;
    else i++;
  }
  return pairs;
}

/** the (service, name, kind) keys of a span's children */
function childKeys(T: Tree, i: number): Set<string> {
  const out = new Set<string>();
  for (const c of T.kids[i] ?? []) out.add(keyOf(T.spans[c]));
  return out;
}

function sameChildren(A: Tree, a: number, B: Tree, b: number): boolean {
  const ka = childKeys(A, a);
  const kb = childKeys(B, b);
  if (!ka.size && !kb.size) return true;
  let common = 0;
  for (const k of ka) if (kb.has(k)) common++;
  return common / (ka.size + kb.size - common) >= 0.5;
}

interface Slot {
  kind: RowKind;
  a: number;
  b: number;
  /** start from the parent's start (B's side when it has one) */
  rel: number;
  name: string;
}

/** Pairs the children of a matched pair (or the roots when both are -1). */
function matchChildren(A: Tree, pa: number, B: Tree, pb: number): Slot[] {
  const aKids = pa < 0 ? A.roots : (A.kids[pa] ?? []);
  const bKids = pb < 0 ? B.roots : (B.kids[pb] ?? []);
  const aBase = pa < 0 ? A.minStart : A.spans[pa].start;
  const bBase = pb < 0 ? B.minStart : B.spans[pb].start;
  const slots: Slot[] = [];
  if (!aKids.length && !bKids.length) return slots;
  const groups = new Map<string, { a: number[]; b: number[] }>();
  for (const a of aKids) {
    const k = keyOf(A.spans[a]);
    const g = groups.get(k);
    if (g) g.a.push(a);
    else groups.set(k, { a: [a], b: [] });
  }
  for (const b of bKids) {
    const k = keyOf(B.spans[b]);
    const g = groups.get(k);
    if (g) g.b.push(b);
    else groups.set(k, { a: [], b: [b] });
  }
  const pairedA = new Set<number>();
  const pairedB = new Set<number>();
  for (const g of groups.values()) {
    if (!g.a.length || !g.b.length) continue;
    for (const [a, b] of align(A, g.a, B, g.b)) {
      pairedA.add(a);
      pairedB.add(b);
      slots.push({ kind: 'matched', a, b, rel: B.spans[b].start - bBase, name: B.spans[b].name });
    }
  }
  const leftA = aKids.filter((a) => !pairedA.has(a));
  const leftB = bKids.filter((b) => !pairedB.has(b));
  if (leftA.length && leftB.length) {
    // where a left-over span stands: after which paired sibling (its B partner, for A's spans); -1 = first
    const partner = new Map<number, number>();
    for (const sl of slots) partner.set(sl.a, sl.b);
    const anchors = (kids: number[], paired: Set<number>, toB: (x: number) => number) => {
      const at = new Map<number, number>();
      let last = -1;
      for (const k of kids) {
        if (paired.has(k)) last = toB(k);
        else at.set(k, last);
      }
      return at;
    };
    const anchorA = anchors(aKids, pairedA, (x) => partner.get(x)!);
    const anchorB = anchors(bKids, pairedB, (x) => x);
    const fam = new Map<string, { a: number[]; b: number[] }>();
    for (const a of leftA) {
      const k = familyOf(A.spans[a]);
      const f = fam.get(k);
      if (f) f.a.push(a);
      else fam.set(k, { a: [a], b: [] });
    }
    for (const b of leftB) fam.get(familyOf(B.spans[b]))?.b.push(b);
    for (const f of fam.values()) {
      if (f.a.length !== f.b.length) continue;
      for (let i = 0; i < f.a.length; i++) {
        const a = f.a[i];
        const b = f.b[i];
        // the same children, and for a leaf (whose children say nothing) the same place among its siblings
        const leaf = !A.kids[a] && !B.kids[b];
        if (!sameChildren(A, a, B, b) || (leaf && anchorA.get(a) !== anchorB.get(b))) continue;
        pairedA.add(a);
        pairedB.add(b);
        slots.push({ kind: 'renamed', a, b, rel: B.spans[b].start - bBase, name: B.spans[b].name });
      }
    }
  }
  for (const a of aKids) if (!pairedA.has(a)) slots.push({ kind: 'removed', a, b: -1, rel: A.spans[a].start - aBase, name: A.spans[a].name });
  for (const b of bKids) if (!pairedB.has(b)) slots.push({ kind: 'added', a: -1, b, rel: B.spans[b].start - bBase, name: B.spans[b].name });
  slots.sort((x, y) => x.rel - y.rel || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return slots;
}

function side(T: Tree, i: number): RowSide {
  const s = T.spans[i];
  const out: RowSide = {
    spanId: s.spanId,
    name: s.name,
    durationMs: Math.max(0, s.end - s.start) / 1e6,
    selfMs: T.self[i] / 1e6,
    startMs: (s.start - T.minStart) / 1e6,
    error: s.error,
  };
  if (s.code) out.code = s.code;
  return out;
}

function summary(t: DiffTrace, T: Tree): SideSummary {
  let maxEnd = -Infinity;
  for (const s of t.spans) if (s.end > maxEnd) maxEnd = s.end;
  return { traceId: t.traceId, spanCount: t.spans.length, durationMs: t.spans.length ? (maxEnd - T.minStart) / 1e6 : 0 };
}

/** Matches trace `a` (the earlier or expected one) with `b` and measures what changed from a to b. */
export function diffTraces(a: DiffTrace, b: DiffTrace): TraceDiff {
  const A = buildTree(a.spans);
  const B = buildTree(b.spans);
  const rows: DiffRow[] = [];
  const counts: Record<RowKind, number> = { matched: 0, renamed: 0, added: 0, removed: 0 };
  // (slot, parent row, depth), popped in depth-first order
  const stack: { slot: Slot; parent: number; depth: number }[] = [];
  const pushSlots = (slots: Slot[], parent: number, depth: number) => {
    for (let k = slots.length - 1; k >= 0; k--) stack.push({ slot: slots[k], parent, depth });
  };
  pushSlots(matchChildren(A, -1, B, -1), -1, 0);
  while (stack.length) {
    const { slot, parent, depth } = stack.pop()!;
    const span = slot.b >= 0 ? B.spans[slot.b] : A.spans[slot.a];
    const row: DiffRow = { kind: slot.kind, depth, parent, service: span.service, spanKind: span.kind, name: span.name };
    if (slot.a >= 0) row.a = side(A, slot.a);
    if (slot.b >= 0) row.b = side(B, slot.b);
    if (row.a && row.b) {
      row.deltaMs = row.b.durationMs - row.a.durationMs;
      row.deltaPct = row.a.durationMs > 0 ? (row.deltaMs / row.a.durationMs) * 100 : null;
      row.selfDeltaMs = row.b.selfMs - row.a.selfMs;
    }
    counts[slot.kind]++;
    const index = rows.push(row) - 1;
    let children: Slot[];
    if (slot.kind === 'matched' || slot.kind === 'renamed') children = matchChildren(A, slot.a, B, slot.b);
    else if (slot.kind === 'added') {
      children = (B.kids[slot.b] ?? []).map((c) => ({ kind: 'added' as const, a: -1, b: c, rel: 0, name: '' }));
    } else children = (A.kids[slot.a] ?? []).map((c) => ({ kind: 'removed' as const, a: c, b: -1, rel: 0, name: '' }));
    pushSlots(children, index, depth + 1);
  }
  const paired: number[] = [];
  rows.forEach((r, i) => {
    if (r.deltaMs !== undefined) paired.push(i);
  });
  // slower or faster by duration, ranked by where the time went: a span's own (self) time first, so a parent
  // that is slower only because its child is comes after that child
  const blame = (i: number) => rows[i].selfDeltaMs ?? 0;
  const sign = (i: number) => Math.sign(rows[i].deltaMs! || blame(i));
  const regressions = paired
    .filter((i) => sign(i) > 0)
    .sort((x, y) => blame(y) - blame(x) || rows[y].deltaMs! - rows[x].deltaMs! || x - y);
  const improvements = paired
    .filter((i) => sign(i) < 0)
    .sort((x, y) => blame(x) - blame(y) || rows[x].deltaMs! - rows[y].deltaMs! || x - y);
  return {
    a: summary(a, A),
    b: summary(b, B),
    rows,
    counts,
    structureDiffers: counts.added + counts.removed + counts.renamed > 0,
    regressions,
    improvements,
  };
}

/** The names from the root down to row `i` (for messages: "GET /orders > db.query"). */
export function rowPath(diff: TraceDiff, i: number): string[] {
  const names: string[] = [];
  for (let r = i; r >= 0; r = diff.rows[r].parent) names.push(diff.rows[r].name);
  return names.reverse();
}
