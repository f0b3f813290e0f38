// The trace list's filter language (src/tracelist/filter.ts) run over the search page's summary columns:
// each term is first decided once per distinct label or service name (a few hundred strings), then every row
// is a few typed-array reads. Browser-safe (the webview runs it on every keystroke).
import type { SummaryColumns } from '../protocol/exploreColumns';
import { ROW_PINNED } from '../protocol/exploreColumns';
import type { TraceFilter } from '../tracelist/filter';

type Term = TraceFilter['terms'][number];

export interface Brush {
  /** Unix ms */
  t0: number;
  t1: number;
  /** ms */
  d0: number;
  d1: number;
}

export interface RowQuery {
  filter: TraceFilter;
  onlyErrors: boolean;
  /** start time window, Unix ms (null: open) */
  fromMs: number | null;
  toMs: number | null;
  brush: Brush | null;
  /** only these trace ids (an edge of the service map, attribute matches); null: all */
  only: ReadonlySet<string> | null;
}

/** the distinct label and service strings of the columns, for deciding text terms once per string */
export interface NameIndex {
  ids: Uint32Array;
  lower: Map<number, string>;
}

export function nameIndex(c: SummaryColumns): NameIndex {
  const seen = new Uint8Array(c.stringCount);
  const ids: number[] = [];
  const mark = (i: number) => {
    if (!seen[i]) {
      seen[i] = 1;
      ids.push(i);
    }
  };
  for (let r = 0; r < c.n; r++) {
    mark(c.label[r]);
    mark(c.rootService[r]);
  }
  for (let k = 0; k < c.setServices.length; k++) mark(c.setServices[k]);
  const lower = new Map<number, string>();
  for (const i of ids) lower.set(i, c.string(i).toLowerCase());
  return { ids: Uint32Array.from(ids), lower };
}

interface Compiled {
  term: Term;
  /** per string index: the term's value occurs in it (labels and services only) */
  hit?: Uint8Array;
  /** a text term that can be a trace id prefix (hex digits) */
  hex?: boolean;
}

function compile(c: SummaryColumns, names: NameIndex, t: Term): Compiled {
  if (t.kind !== 'text' && t.kind !== 'service' && t.kind !== 'name') return { term: t };
  const hit = new Uint8Array(c.stringCount);
  for (const [i, s] of names.lower) if (s.includes(t.value)) hit[i] = 1;
  return { term: t, hit, hex: t.kind === 'text' && /^[0-9a-f]+$/.test(t.value) };
}

function anyService(c: SummaryColumns, r: number, hit: Uint8Array): boolean {
  if (hit[c.rootService[r]]) return true;
  const set = c.serviceSet[r];
  for (let k = c.setOffsets[set], e = c.setOffsets[set + 1]; k < e; k++) if (hit[c.setServices[k]]) return true;
  return false;
}

function termMatches(c: SummaryColumns, r: number, x: Compiled): boolean {
  const t = x.term;
  switch (t.kind) {
    case 'text': {
      const hit = x.hit![c.label[r]] === 1 || anyService(c, r, x.hit!) || (x.hex === true && c.startsWithAscii(c.traceId[r], t.value));
      return hit !== t.negate;
    }
    case 'service':
      return anyService(c, r, x.hit!) !== t.negate;
    case 'name':
      return (x.hit![c.label[r]] === 1) !== t.negate;
    case 'error':
      return c.errors[r] > 0 !== t.negate;
    case 'pinned':
      return ((c.flags[r] & ROW_PINNED) !== 0) !== t.negate;
    case 'min':
      return c.duration[r] >= t.ms;
    case 'max':
      return c.duration[r] <= t.ms;
  }
}

/**
 * The rows of `order` (row indexes, in display order) that pass the query, in the same order. Without a
 * brush when `ignoreBrush` (the plot shows every point the filter passes and draws the brush over them).
 */
export function filterRows(c: SummaryColumns, names: NameIndex, order: Uint32Array, q: RowQuery, ignoreBrush = false): Uint32Array {
  const terms = q.filter.terms.map((t) => compile(c, names, t));
  const brush = ignoreBrush ? null : q.brush;
  const out = new Uint32Array(order.length);
  let k = 0;
  const from = q.fromMs ?? -Infinity;
  const to = q.toMs ?? Infinity;
  const trivial = terms.length === 0 && !q.onlyErrors && !brush && !q.only && from === -Infinity && to === Infinity;
  if (trivial) return order;
  next: for (let j = 0; j < order.length; j++) {
    const r = order[j];
    const st = c.start[r];
    if (st < from || st > to) continue;
    if (q.onlyErrors && c.errors[r] === 0) continue;
    if (brush) {
      const d = c.duration[r];
      if (st < brush.t0 || st > brush.t1 || d < brush.d0 || d > brush.d1) continue;
    }
    for (let i = 0; i < terms.length; i++) if (!termMatches(c, r, terms[i])) continue next;
    if (q.only && !q.only.has(c.string(c.traceId[r]))) continue;
    out[k++] = r;
  }
  return out.subarray(0, k);
}

export type SortKey = 'label' | 'service' | 'start' | 'duration' | 'spans' | 'errors' | 'services';

/** row indexes sorted by a column (stable: ties keep the rows' order) */
export function sortRows(c: SummaryColumns, key: SortKey, descending: boolean): Uint32Array {
  const n = c.n;
  let num: Float64Array;
  if (key === 'start') num = c.start;
  else if (key === 'duration') num = c.duration;
  else if (key === 'spans') num = Float64Array.from(c.spans);
  else if (key === 'errors') num = Float64Array.from(c.errors);
  else if (key === 'services') {
    num = new Float64Array(n);
    for (let i = 0; i < n; i++) num[i] = c.setOffsets[c.serviceSet[i] + 1] - c.setOffsets[c.serviceSet[i]];
  } else {
    // text columns: rank the distinct strings once, then sort rows by rank
    const col = key === 'label' ? c.label : c.rootService;
    const distinct = [...new Set(col)];
    const text = distinct.map((s) => c.string(s));
    const byText = distinct.map((_, i) => i).sort((a, b) => text[a].localeCompare(text[b]));
    const rank = new Float64Array(c.stringCount);
    byText.forEach((d, i) => (rank[distinct[d]] = i));
    num = new Float64Array(n);
    for (let i = 0; i < n; i++) num[i] = rank[col[i]];
  }
  return argsort(num, descending);
}

/**
 * Indexes 0..n-1 ordered by `keys` (ascending or descending), ties in index order: a radix sort on the
 * numbers' bits, 8 bits a pass, passes where every key has the same digit skipped (a few ms for 100,000
 * rows, where a comparison sort takes ~100).
 */
export function argsort(keys: Float64Array, descending: boolean): Uint32Array {
  const n = keys.length;
  // the bits of each number, mapped so unsigned order is numeric order (negatives: all bits flipped;
  // others: the sign bit set); descending flips them all again
  const bits = new Uint32Array(Float64Array.from(keys).buffer);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const flip = descending ? 0xffffffff : 0;
  for (let i = 0; i < n; i++) {
    let h = bits[2 * i + 1];
    let l = bits[2 * i];
    if (h & 0x80000000) {
      h = ~h;
      l = ~l;
    } else h |= 0x80000000;
    hi[i] = (h ^ flip) >>> 0;
    lo[i] = (l ^ flip) >>> 0;
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(256);
  for (let p = 0; p < 8; p++) {
    if (radixPass(p < 4 ? lo : hi, (p & 3) * 8, idx, tmp, count)) {
      const t = idx;
      idx = tmp;
      tmp = t;
    }
  }
  return idx;
}

/** one stable pass on a byte of `word`, from `idx` into `out`; false when it would change nothing */
function radixPass(word: Uint32Array, shift: number, idx: Uint32Array, out: Uint32Array, count: Uint32Array): boolean {
  const n = idx.length;
  count.fill(0);
  for (let i = 0; i < n; i++) count[(word[i] >>> shift) & 0xff]++;
  if (n === 0 || count[(word[0] >>> shift) & 0xff] === n) return false;
  let sum = 0;
  for (let d = 0; d < 256; d++) {
    const k = count[d];
    count[d] = sum;
    sum += k;
  }
  for (let i = 0; i < n; i++) {
    const r = idx[i];
    out[count[(word[r] >>> shift) & 0xff]++] = r;
  }
  return true;
}
