// LocationIndex: per raw code location (src/source/signal.ts), the latency and error statistics the
// editor shows as code lenses, annotations, hovers and problems — kept at ingest so that answering
// "p50/p95/calls/errors over the last N minutes for these 500 locations" never scans spans.
//
// Who calls what:
//  - the receiver's TraceStore, for every span it adds: `const loc = locationSignal(span)`, and when not
//    null `index.record(span, loc, store.epoch)`. When log records arrive for a stored span that had no
//    location (`locationSignal(span)` null), it may call `locationSignal(span, logs)` and record the span
//    then — record each span at most once, the index does not deduplicate.
//  - eviction / removal of a trace: `index.forget(span, loc, epoch)` for each of its located spans (same
//    `loc` as recorded: recompute it with locationSignal). Counts and histograms are decremented exactly;
//    references to the forgotten span (slowest, latest failing, recent calls) are dropped. If the store
//    does not call forget, statistics cover everything received since the last clear while the trace
//    links may point at evicted traces (the editor then says the trace is gone).
//  - `index.clear()` when the store is cleared: everything goes, and `takeChangedKeys()` reports nothing
//    (the store's 'cleared' event tells windows to drop all location state).
//  - `index.takeChangedKeys()`: the keys recorded/forgotten since the last call; the store sends them as
//    `{type:'locations', keys}` events (batched, e.g. at most every 250 ms).
//  - GET /api/locations is served by `index.query({ sinceMs, keys, detail })` → `LocationsResponse`
//    (src/protocol/api.ts): `sinceMs` (Unix ms; absent = all stored), repeated `key` params (absent = all
//    locations), `detail=0` to leave out recent calls, distribution and stack text.
//
// Time: a span counts at its end time (Unix ms via the store epoch) in a 10 s slice. Slices older than
// ~70 minutes are folded into 10-minute slices, so windows starting more than an hour ago are aligned to
// 10 minutes. A window includes the whole slice containing `sinceMs`.
//
// Cost: record() is O(1) amortised (a few array writes, a binary search over ≤256 sparse buckets when a
// slice gets a new bucket). query() per location is O(256) via a sliding accumulator per window start
// (moving it costs the slices it crosses, once), or an exact sort of ≤32 recent durations when the
// window's calls are all among the recent ones — small local runs get exact figures, busy ones ±4.5%.
import type { Span } from '../model/span';
import type { EpochNs } from '../model/time';
import type { LocationCall, LocationError, LocationFrame, LocationStats, LocationsResponse } from '../protocol/api';
import { locationKey, type RawLocation } from '../source/signal';
import { firstUserFrame, userFrames } from '../protocol/stackFrames';
import { BUCKETS, BUCKET_MID_MS, bucketOf, percentileBucketsInto, percentileSorted } from './histogram';
import { httpTarget } from '../protocol/httpTarget';
import { getStringAttr } from '../model/attrs';

// a local binding: esbuild's CommonJS output would otherwise read it through an export getter per use
const MID_MS = BUCKET_MID_MS;

export const SLICE_MS = 10_000;
export const COARSE_MS = 600_000;
/** fine slices are kept at least this long before being folded into coarse ones */
export const FINE_KEEP_MS = 70 * 60_000;
/** recent calls kept per location (hovers; exact percentiles for small windows) */
export const RECENT = 32;
/** distinct locations kept; beyond this new locations are counted in droppedLocations, not stored */
export const MAX_LOCATIONS = 20_000;
const MAX_ACCUMULATORS = 3;
const MAX_SERVICES = 8;
const MAX_OPERATIONS = 8;
const MAX_STACK_CHARS = 16 * 1024;
const MAX_MESSAGE_CHARS = 2048;
const DIST_BINS = 16;
const PERCENTILES = [0.5, 0.95, 1] as const;

interface Ref {
  traceId: string;
  spanId: string;
  startMs: number;
  endMs: number;
  durNs: number;
  error: boolean;
  /** cleared by forget() so stale references are never served */
  gone: boolean;
  /** its JSON, made on first use */
  json?: LocationCall;
}

interface ErrorInfo {
  ref: Ref;
  type: string;
  message: string;
  stacktrace: string;
  /** parsed on first query, then kept (undefined = not parsed yet) */
  throwFrame?: LocationFrame | null;
  json?: LocationError;
  jsonDetail?: LocationError;
  cachedGone?: boolean;
}

/** Sparse per-slice histogram: parallel bucket/count arrays sorted by bucket. */
class Slice {
  count = 0;
  errors = 0;
  n = 0;
  bk: Uint8Array = new Uint8Array(4);
  ct: Uint32Array = new Uint32Array(4);
  slowest: Ref | null = null;
  constructor(public readonly start: number, public readonly width: number) {}

  add(b: number, delta: number): void {
    const bk = this.bk;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bk[mid] < b) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.n && bk[lo] === b) {
      this.ct[lo] += delta;
      return;
    }
    if (delta < 0) return; // forgetting something this slice never had (should not happen)
    if (this.n === bk.length) {
      const nb = new Uint8Array(Math.min(BUCKETS, bk.length * 2));
      nb.set(bk);
      const nc = new Uint32Array(nb.length);
      nc.set(this.ct);
      this.bk = nb;
      this.ct = nc;
    }
    this.bk.copyWithin(lo + 1, lo, this.n);
    this.ct.copyWithin(lo + 1, lo, this.n);
    this.bk[lo] = b;
    this.ct[lo] = delta;
    this.n++;
  }

  /** add this slice's buckets into a dense histogram with sign ±1 */
  addInto(dense: Uint32Array, sign: number): void {
    const bk = this.bk;
    const ct = this.ct;
    for (let i = 0; i < this.n; i++) dense[bk[i]] += sign * ct[i];
  }
}

/** Dense histogram of all slices with start ≥ ws (a window start), moved as windows slide. */
interface Accumulator {
  ws: number;
  hist: Uint32Array;
  /** occupied bucket range (may be wider than needed after removals; scans stay inside it) */
  lo: number;
  hi: number;
  count: number;
  errors: number;
  slowest: Ref | null;
  /** call(slowest), made on first use after slowest changed (an answer then need not reach the Ref) */
  slowestCall: LocationCall | null;
  slowestValid: boolean;
  usedAt: number;
  /** the last answer, reused while the location's version and the window are unchanged */
  cached: LocationStats | null;
  cachedVersion: number;
  cachedDetail: boolean;
}

class Location {
  readonly slices: Slice[] = [];
  /** slices[0..coarseEnd) are coarse */
  coarseEnd = 0;
  readonly total: Accumulator = { ws: -Infinity, hist: new Uint32Array(BUCKETS), lo: BUCKETS, hi: -1, count: 0, errors: 0, slowest: null, slowestCall: null, slowestValid: true, usedAt: 0, cached: null, cachedVersion: -1, cachedDetail: false };
  accs: Accumulator[] = [];
  readonly recent: (Ref | undefined)[] = new Array(RECENT);
  recentNext = 0;
  lastError: ErrorInfo | null = null;
  // the last error's end time and its JSON pieces, kept here so that answering reaches the ErrorInfo and
  // its Ref (cold memory by then) only when the last error changed
  lastErrorEndMs = -Infinity;
  lastErrorCall: LocationCall | null | undefined = undefined;
  lastErrorJson: LocationError | undefined = undefined;
  lastSeenMs = 0;
  /** bumped by every change (record, forget, fold) so unchanged answers can be reused */
  version = 0;
  /** replaced, never changed in place: answers share it */
  services: readonly string[] = [];
  /** the span names seen here, as received, and as shown (spanLabel); replaced, never changed in place */
  opNames: readonly string[] = [];
  operations: readonly string[] = [];
  /**
   * The last answer and what it was for (window start, version, detail): a live update asks again for
   * hundreds of locations of which most did not change, and this answers those from the Location alone,
   * without reaching for its accumulators (memory that is cold by then, with a million spans stored).
   */
  answer: LocationStats | null = null;
  answerWs = NaN;
  answerVersion = -1;
  answerDetail = false;
  constructor(public readonly key: string, public readonly loc: RawLocation) {}
}

export interface LocationQuery {
  /** Unix ms; absent = everything stored */
  sinceMs?: number;
  /** only these locations (absent = all) */
  keys?: readonly string[];
  /** include recent calls, distribution and error stack text (default true) */
  detail?: boolean;
  /** for tests and benchmarks: the current time */
  nowMs?: number;
}

export class LocationIndex {
  private readonly byKey = new Map<string, Location>();
  /** recently recorded locations by a cheap hash of their fields (entries are always in byKey) */
  private readonly lookup: (Location | undefined)[] = new Array<Location | undefined>(LOOKUP_SLOTS).fill(undefined);
  private changed = new Set<string>();
  private dropped = 0;
  private readonly durations = new Float64Array(RECENT);
  private readonly qScratch = new Int32Array(3);
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** locations not stored because MAX_LOCATIONS was reached (since the last clear) */
  get droppedLocations(): number {
    return this.dropped;
  }

  /** Count one located span. O(1) amortised; see the file comment for the calling rules. */
  record(span: Span, loc: RawLocation, epoch: EpochNs): void {
    // most spans come from a few locations: a small direct-mapped cache compares the fields (usually the
    // same string instances) instead of building the key string and hashing it for every span
    const slot = ((loc.line ?? 0) * 31 + (loc.file?.length ?? 0) * 7 + (loc.function?.length ?? 0)) & (LOOKUP_SLOTS - 1);
    let l = this.lookup[slot];
    if (l === undefined || !sameLocation(l.loc, loc)) {
      const key = locationKey(loc);
      l = this.byKey.get(key);
      if (!l) {
        if (this.byKey.size >= MAX_LOCATIONS) {
          this.dropped++;
          return;
        }
        l = new Location(key, { ...loc });
        this.byKey.set(key, l);
      }
      this.lookup[slot] = l;
    }
    const key = l.key;
    const durNs = span.end - span.start > 0 ? span.end - span.start : 0;
    const endMs = epoch.toUnixMs(span.end);
    const error = span.statusCode === 2;
    const ref: Ref = { traceId: span.traceId, spanId: span.spanId, startMs: epoch.toUnixMs(span.start), endMs, durNs, error, gone: false };
    const b = bucketOf(durNs);
    const now = this.now();
    const slice = this.sliceFor(l, endMs, now, true)!;
    slice.add(b, 1);
    slice.count++;
    if (error) slice.errors++;
    if (!slice.slowest || slice.slowest.durNs < durNs) slice.slowest = ref;
    addToAcc(l.total, b, ref);
    for (const a of l.accs) if (a.ws <= slice.start) addToAcc(a, b, ref);
    l.recent[l.recentNext] = ref;
    l.recentNext = (l.recentNext + 1) % RECENT;
    if (endMs > l.lastSeenMs) l.lastSeenMs = endMs;
    if (error && (!l.lastError || l.lastErrorEndMs <= endMs)) setLastError(l, errorInfo(span, ref));
    l.version++;
    const svc = span.resource.serviceName;
    if (l.services.length < MAX_SERVICES && !l.services.includes(svc)) l.services = [...l.services, svc];
    // compared by the name as received (the same instances, mostly): the label is built once per name
    if (l.opNames.length < MAX_OPERATIONS && !l.opNames.includes(span.name)) {
      l.opNames = [...l.opNames, span.name];
      const label = spanLabel(span);
      if (!l.operations.includes(label)) l.operations = [...l.operations, label];
    }
    this.changed.add(key);
  }

  /** Undo record() for a span leaving the store (eviction, removal). */
  forget(span: Span, loc: RawLocation, epoch: EpochNs): void {
    const key = locationKey(loc);
    const l = this.byKey.get(key);
    if (!l) return;
    const durNs = span.end - span.start > 0 ? span.end - span.start : 0;
    const endMs = epoch.toUnixMs(span.end);
    const error = span.statusCode === 2;
    const slice = this.sliceFor(l, endMs, this.now(), false);
    if (!slice || slice.count === 0) return;
    const b = bucketOf(durNs);
    slice.add(b, -1);
    slice.count--;
    if (error && slice.errors > 0) slice.errors--;
    const isIt = (r: Ref | null | undefined): boolean => !!r && r.spanId === span.spanId && r.traceId === span.traceId;
    let slowestGone = false;
    if (isIt(slice.slowest)) {
      slice.slowest!.gone = true;
      slice.slowest = null;
      slowestGone = true;
    }
    removeFromAcc(l.total, b, error, slowestGone);
    for (const a of l.accs) if (a.ws <= slice.start) removeFromAcc(a, b, error, slowestGone);
    for (const r of l.recent) if (isIt(r)) r!.gone = true;
    if (l.lastError && isIt(l.lastError.ref)) {
      l.lastError.ref.gone = true;
      setLastError(l, l.lastError); // its JSON says it is gone now
    }
    l.version++;
    if (l.total.count <= 0) {
      this.byKey.delete(key);
      this.lookup.fill(undefined);
    }
    this.changed.add(key);
  }

  clear(): void {
    this.byKey.clear();
    this.lookup.fill(undefined);
    this.changed = new Set();
    this.dropped = 0;
  }

  /** Keys whose statistics changed since the last call (for `locations` events). */
  takeChangedKeys(): string[] {
    if (this.changed.size === 0) return [];
    const out = [...this.changed];
    this.changed = new Set();
    return out;
  }

  /** Statistics per location over a window; plain JSON (what GET /api/locations answers). */
  query(q: LocationQuery = {}): LocationsResponse {
    const now = q.nowMs ?? this.now();
    const ws = q.sinceMs === undefined || !Number.isFinite(q.sinceMs) ? null : windowStart(q.sinceMs, now);
    const detail = q.detail !== false;
    const out: LocationStats[] = [];
    if (q.keys) {
      for (const k of q.keys) {
        const l = this.byKey.get(k);
        if (!l) continue;
        const s = this.statsOf(l, ws, detail);
        if (s) out.push(s);
      }
    } else {
      for (const l of this.byKey.values()) {
        const s = this.statsOf(l, ws, detail);
        if (s) out.push(s);
      }
    }
    return { sinceMs: q.sinceMs ?? null, windowStartMs: ws, nowMs: now, locations: out, droppedLocations: this.dropped };
  }

  // ---- internals ------------------------------------------------------------------------------------

  /** The slice a span ending at endMs belongs to; creates it (and folds old slices) when `create`. */
  private sliceFor(l: Location, endMs: number, now: number, create: boolean): Slice | null {
    const slices = l.slices;
    const coarseBefore = Math.floor((now - FINE_KEEP_MS) / COARSE_MS) * COARSE_MS;
    const coarse = endMs < coarseBefore;
    const width = coarse ? COARSE_MS : SLICE_MS;
    const start = Math.floor(endMs / width) * width;
    const last = slices.length > 0 ? slices[slices.length - 1] : undefined;
    if (last && last.start === start) return last; // the common case: live spans
    if (create) this.fold(l, coarseBefore);
    // binary search by start among slices
    let lo = 0;
    let hi = slices.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (slices[mid].start < start) lo = mid + 1;
      else hi = mid;
    }
    if (lo < slices.length && slices[lo].start === start) return slices[lo];
    // a fine-width lookup for a time already folded: the coarse slice that holds it
    if (lo > 0 && slices[lo - 1].start + slices[lo - 1].width > endMs) return slices[lo - 1];
    if (!create) return null;
    const s = new Slice(start, width);
    slices.splice(lo, 0, s);
    if (coarse) l.coarseEnd++;
    return s;
  }

  /** Fold fine slices that started before `coarseBefore` into 10-minute slices. */
  private fold(l: Location, coarseBefore: number): void {
    const slices = l.slices;
    if (l.coarseEnd >= slices.length || slices[l.coarseEnd].start >= coarseBefore) return;
    const fine = slices.splice(l.coarseEnd);
    const keepFine: Slice[] = [];
    for (const f of fine) {
      if (f.start >= coarseBefore) {
        keepFine.push(f);
        continue;
      }
      const cStart = Math.floor(f.start / COARSE_MS) * COARSE_MS;
      let c = slices.length > 0 ? slices[slices.length - 1] : undefined;
      if (!c || c.start !== cStart) {
        // find or insert the coarse slice (coarse slices stay sorted; fine ones are all later)
        let idx = slices.findIndex((s) => s.start >= cStart);
        if (idx < 0) idx = slices.length;
        if (idx < slices.length && slices[idx].start === cStart) c = slices[idx];
        else {
          c = new Slice(cStart, COARSE_MS);
          slices.splice(idx, 0, c);
        }
      }
      for (let i = 0; i < f.n; i++) c.add(f.bk[i], f.ct[i]);
      c.count += f.count;
      c.errors += f.errors;
      if (f.slowest && (!c.slowest || c.slowest.durNs < f.slowest.durNs)) c.slowest = f.slowest;
      // an accumulator starting inside this coarse slice can no longer be moved exactly
      l.accs = l.accs.filter((a) => !(a.ws > cStart && a.ws < cStart + COARSE_MS));
    }
    l.coarseEnd = slices.length;
    for (const f of keepFine) slices.push(f);
    l.version++;
  }

  private accumulatorFor(l: Location, ws: number, now: number): Accumulator {
    let best: Accumulator | undefined;
    let bestDist = Infinity;
    for (const a of l.accs) {
      const d = Math.abs(a.ws - ws);
      if (d < bestDist) {
        best = a;
        bestDist = d;
      }
    }
    if (best && best.ws === ws) {
      best.usedAt = now;
      return best;
    }
    // Moving the nearest accumulator costs the slices between; building one costs every slice ≥ ws.
    // Keep a new one when there is room so alternating windows (session vs. last 5 min) stay cheap.
    if (!best || l.accs.length < MAX_ACCUMULATORS) {
      const a: Accumulator = { ws, hist: new Uint32Array(BUCKETS), lo: BUCKETS, hi: -1, count: 0, errors: 0, slowest: null, slowestCall: null, slowestValid: true, usedAt: now, cached: null, cachedVersion: -1, cachedDetail: false };
      for (const s of l.slices) if (s.start >= ws) addSlice(a, s);
      if (l.accs.length >= MAX_ACCUMULATORS) {
        let lru = 0;
        for (let i = 1; i < l.accs.length; i++) if (l.accs[i].usedAt < l.accs[lru].usedAt) lru = i;
        l.accs.splice(lru, 1);
      }
      l.accs.push(a);
      return a;
    }
    moveAcc(best, l.slices, ws);
    best.cached = null;
    best.usedAt = now;
    return best;
  }

  private statsOf(l: Location, ws: number | null, detail: boolean): LocationStats | null {
    const wsKey = ws === null ? -Infinity : ws;
    if (l.answer !== null && l.answerVersion === l.version && l.answerWs === wsKey && l.answerDetail === detail) return l.answer;
    const now = this.now();
    const acc = ws === null ? l.total : this.accumulatorFor(l, ws, now);
    if (acc.count <= 0) return null;
    if (acc.cached && acc.cachedVersion === l.version && acc.cachedDetail === detail) return remember(l, acc.cached, wsKey, detail);
    if (!acc.slowestValid) recomputeSlowest(acc, l.slices);
    const from = ws ?? -Infinity;

    // Are all the window's calls among the recent ones? Then the figures can be exact.
    const ring = l.recent;
    // (only worth looking when the window holds few calls: the ring's refs are scattered in memory)
    let inWindow = -1;
    if (acc.count <= RECENT) {
      inWindow = 0;
      for (let i = 0; i < RECENT; i++) {
        const r = ring[i];
        if (r !== undefined && !r.gone && r.endMs >= from) inWindow++;
      }
    }
    let p50: number;
    let p95: number;
    let max: number;
    let exact = false;
    if (inWindow === acc.count) {
      const d = this.durations.subarray(0, inWindow);
      let j = 0;
      for (let i = 0; i < RECENT; i++) {
        const r = ring[i];
        if (r !== undefined && !r.gone && r.endMs >= from) d[j++] = r.durNs / 1e6;
      }
      d.sort();
      p50 = percentileSorted(d, 0.5);
      p95 = percentileSorted(d, 0.95);
      max = d[d.length - 1];
      exact = true;
    } else {
      const q = this.qScratch;
      percentileBucketsInto(acc.hist, acc.count, PERCENTILES, acc.lo, acc.hi, q);
      const sc = slowestCall(acc);
      max = sc !== null ? sc.durationMs : MID_MS[q[2]];
      // never report a percentile above the slowest call actually seen
      p50 = Math.min(MID_MS[q[0]], max);
      p95 = Math.min(MID_MS[q[1]], max);
    }
    const err = l.lastError !== null && l.lastErrorEndMs >= from ? l.lastError : null;
    const loc = l.loc;
    const stats: LocationStats = {
      key: l.key,
      layer: loc.layer,
      services: l.services as string[],
      operations: l.operations as string[],
      calls: acc.count,
      errors: acc.errors,
      p50Ms: p50,
      p95Ms: p95,
      maxMs: max,
      exact,
      slowest: slowestCall(acc),
      latestError: err ? (l.lastErrorCall === undefined ? (l.lastErrorCall = err.ref.gone ? null : call(err.ref)) : l.lastErrorCall) : null,
      lastSeenMs: l.lastSeenMs,
    };
    if (loc.file !== undefined) stats.file = loc.file;
    if (loc.line !== undefined) stats.line = loc.line;
    if (loc.column !== undefined) stats.column = loc.column;
    if (loc.function !== undefined) stats.function = loc.function;
    if (loc.namespace !== undefined) stats.namespace = loc.namespace;
    if (err) stats.lastError = detail ? errorJson(err, true) : (l.lastErrorJson ??= errorJson(err, false));
    if (detail) {
      // recent calls in the window, newest first
      const recent: LocationCall[] = [];
      for (let i = 1; i <= RECENT && recent.length < 10; i++) {
        const r = ring[(l.recentNext - i + RECENT) % RECENT];
        if (r && !r.gone && r.endMs >= from) recent.push(call(r));
      }
      stats.recent = recent;
      stats.distribution = distribution(acc.hist, acc.lo, acc.hi);
    }
    acc.cached = stats;
    acc.cachedVersion = l.version;
    acc.cachedDetail = detail;
    return remember(l, stats, wsKey, detail);
  }
}

function remember(l: Location, stats: LocationStats, wsKey: number, detail: boolean): LocationStats {
  l.answer = stats;
  l.answerWs = wsKey;
  l.answerVersion = l.version;
  l.answerDetail = detail;
  return stats;
}

function setLastError(l: Location, e: ErrorInfo): void {
  l.lastError = e;
  l.lastErrorEndMs = e.ref.endMs;
  l.lastErrorCall = undefined;
  l.lastErrorJson = undefined;
}

/** the accumulator's slowest call as JSON, null when none is stored */
function slowestCall(a: Accumulator): LocationCall | null {
  if (a.slowestCall !== null) return a.slowestCall;
  const r = a.slowest;
  return r !== null && !r.gone ? (a.slowestCall = call(r)) : null;
}

// ---- accumulator arithmetic -------------------------------------------------------------------------

const LOOKUP_SLOTS = 256;

/** the same location as locationKey sees it (layer is not part of the identity) */
function sameLocation(a: RawLocation, b: RawLocation): boolean {
  return a.line === b.line && a.file === b.file && a.function === b.function && a.column === b.column && a.namespace === b.namespace &&
    a.role === b.role;
}

function addToAcc(a: Accumulator, b: number, ref: Ref): void {
  a.hist[b]++;
  if (b < a.lo) a.lo = b;
  if (b > a.hi) a.hi = b;
  a.count++;
  if (ref.error) a.errors++;
  if (a.slowestValid && (!a.slowest || a.slowest.durNs < ref.durNs)) {
    a.slowest = ref;
    a.slowestCall = null;
  }
}

function removeFromAcc(a: Accumulator, b: number, error: boolean, slowestGone: boolean): void {
  if (a.hist[b] > 0) a.hist[b]--;
  if (a.count > 0) a.count--;
  if (error && a.errors > 0) a.errors--;
  if (slowestGone && a.slowest?.gone) a.slowestValid = false;
}

function addSlice(a: Accumulator, s: Slice): void {
  s.addInto(a.hist, 1);
  if (s.n > 0) {
    if (s.bk[0] < a.lo) a.lo = s.bk[0];
    if (s.bk[s.n - 1] > a.hi) a.hi = s.bk[s.n - 1];
  }
  a.count += s.count;
  a.errors += s.errors;
  if (a.slowestValid && s.slowest && (!a.slowest || a.slowest.durNs < s.slowest.durNs)) {
    a.slowest = s.slowest;
    a.slowestCall = null;
  }
}

function subSlice(a: Accumulator, s: Slice): void {
  s.addInto(a.hist, -1);
  a.count -= s.count;
  a.errors -= s.errors;
  if (a.slowest && s.slowest === a.slowest) a.slowestValid = false;
}

/** Move an accumulator's window start from a.ws to ws by adding or removing the slices in between. */
function moveAcc(a: Accumulator, slices: Slice[], ws: number): void {
  if (ws > a.ws) {
    for (const s of slices) if (s.start >= a.ws && s.start < ws) subSlice(a, s);
  } else {
    for (const s of slices) if (s.start >= ws && s.start < a.ws) addSlice(a, s);
  }
  a.ws = ws;
}

function recomputeSlowest(a: Accumulator, slices: Slice[]): void {
  let best: Ref | null = null;
  for (const s of slices) {
    if (s.start < a.ws || !s.slowest) continue;
    if (!best || best.durNs < s.slowest.durNs) best = s.slowest;
  }
  a.slowest = best;
  a.slowestCall = null;
  a.slowestValid = true;
}

/** The start of the slice that holds sinceMs, as the slices are laid out at `now`. */
export function windowStart(sinceMs: number, now: number): number {
  const coarseBefore = Math.floor((now - FINE_KEEP_MS) / COARSE_MS) * COARSE_MS;
  return sinceMs < coarseBefore ? Math.floor(sinceMs / COARSE_MS) * COARSE_MS : Math.floor(sinceMs / SLICE_MS) * SLICE_MS;
}

// ---- JSON -------------------------------------------------------------------------------------------

// Answers share these JSON pieces (a Ref or an ErrorInfo never changes, except that forget() marks it gone):
// a query of 500 locations then allocates little beyond the per-location figures.
function call(r: Ref): LocationCall {
  return (r.json ??= { traceId: r.traceId, spanId: r.spanId, startMs: r.startMs, durationMs: r.durNs / 1e6, error: r.error });
}

function errorJson(e: ErrorInfo, detail: boolean): LocationError {
  if (e.cachedGone !== e.ref.gone) {
    e.json = e.jsonDetail = undefined;
    e.cachedGone = e.ref.gone;
  }
  return detail ? (e.jsonDetail ??= buildErrorJson(e, true)) : (e.json ??= buildErrorJson(e, false));
}

function buildErrorJson(e: ErrorInfo, detail: boolean): LocationError {
  if (e.throwFrame === undefined) {
    const f = e.stacktrace ? firstUserFrame(e.stacktrace) : null;
    e.throwFrame = f ? { file: f.file, line: f.line, ...(f.column ? { column: f.column } : {}), ...(f.function ? { function: f.function } : {}) } : null;
  }
  const frame = e.throwFrame;
  const out: LocationError = {
    traceId: e.ref.gone ? null : e.ref.traceId,
    spanId: e.ref.gone ? null : e.ref.spanId,
    timeMs: e.ref.endMs,
    type: e.type,
    message: e.message,
    throwFrame: frame ? { ...frame } : null,
  };
  if (detail) {
    out.userFrames = e.stacktrace ? userFrames(e.stacktrace, 5).map((f) => ({ file: f.file, line: f.line, ...(f.column ? { column: f.column } : {}), ...(f.function ? { function: f.function } : {}) })) : [];
  }
  return out;
}

/** a span's name as the trace list shows it: "GET /stock" for a span named "GET" with that route or path */
export function spanLabel(span: Span): string {
  const target = httpTarget(span.name, (key) => getStringAttr(span.attrs, key));
  return target ? `${span.name} ${target}` : span.name;
}

function errorInfo(span: Span, ref: Ref): ErrorInfo {
  let type = '';
  let message = '';
  let stack = '';
  const evs = span.events;
  if (evs) {
    for (let i = evs.length - 1; i >= 0; i--) {
      if (evs[i].name !== 'exception') continue;
      const a = evs[i].attrs;
      for (let j = 0; j < a.length; j += 2) {
        const v = a[j + 1];
        if (typeof v !== 'string') continue;
        if (a[j] === 'exception.type') type = v;
        else if (a[j] === 'exception.message') message = v;
        else if (a[j] === 'exception.stacktrace') stack = v;
      }
      break;
    }
  }
  if (!message) message = span.statusMessage;
  if (!type && !message) {
    // no exception and no status message (an instrumented HTTP/RPC client span): say what the span says
    const a = span.attrs;
    let errorType = '';
    let http = '';
    let rpc = '';
    for (let j = 0; j < a.length; j += 2) {
      const k = a[j];
      const v = a[j + 1];
      if (k === 'error.type' && typeof v === 'string') errorType = v;
      else if ((k === 'http.response.status_code' || k === 'http.status_code') && (typeof v === 'bigint' || typeof v === 'number')) http = String(v);
      else if (k === 'rpc.grpc.status_code' && (typeof v === 'bigint' || typeof v === 'number')) rpc = String(v);
    }
    const name = spanLabel(span);
    if (http) message = `${name}: HTTP ${http}`;
    else if (rpc) message = `${name}: gRPC status ${rpc}`;
    else if (errorType) {
      type = errorType;
      message = `${name} failed`;
    } else message = `${name} failed (no message)`;
  }
  return {
    ref,
    type: type.slice(0, 200),
    message: message.length > MAX_MESSAGE_CHARS ? message.slice(0, MAX_MESSAGE_CHARS) + '…' : message,
    stacktrace: stack.length > MAX_STACK_CHARS ? stack.slice(0, MAX_STACK_CHARS) : stack,
  };
}

/** DIST_BINS counts over the occupied bucket range (for a text sparkline), with its bounds in ms. */
function distribution(hist: Uint32Array, from: number, to: number): { loMs: number; hiMs: number; counts: number[] } {
  let lo = -1;
  let hi = -1;
  for (let b = Math.max(0, from); b <= to; b++) {
    if (hist[b] === 0) continue;
    if (lo < 0) lo = b;
    hi = b;
  }
  if (lo < 0) return { loMs: 0, hiMs: 0, counts: [] };
  const span = hi - lo + 1;
  const bins = Math.min(DIST_BINS, span);
  const counts = new Array<number>(bins).fill(0);
  for (let b = lo; b <= hi; b++) counts[Math.floor(((b - lo) * bins) / span)] += hist[b];
  return { loMs: BUCKET_MID_MS[lo], hiMs: BUCKET_MID_MS[hi], counts };
}
