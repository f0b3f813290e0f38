// Windows of rows of big traces (src/protocol/rowWindow.ts): the receiver orders a trace into rows once
// (packed and decoded in place: the same typed arrays the webview reads), keeps the views the panels open on
// it (collapse state, find, focus, critical path) and cuts the rows a panel shows, and the flame graph's boxes
// of a zoom range. The layout, find, critical-path and flame functions are the webview's own pure ones
// (webview/model), so a windowed trace behaves as a whole one. No vscode, no I/O: the API route hands requests in.
import { randomBytes } from 'node:crypto';
import { decodePackedTrace, defaultHasLocation, encodePackedTraceSteps, slicePackedTrace } from '../protocol/packedTrace';
import { runSteps } from '../store/tree';
import type { PackedTrace } from '../protocol/packedTrace';
import type { Span } from '../model/span';
import type { EpochNs } from '../model/time';
import { indexOfRow, keepWithAncestors, visibleRows, withinSubtree } from '../../webview/model/rows';
import { RowLabelsBuilder, findMatches, firstFrom, listRows, stepTo } from '../../webview/model/find';
import type { RowLabels } from '../../webview/model/find';
import { FoldIndex } from './foldIndex';
import { criticalPath } from '../../webview/model/criticalPath';
import { traceStats } from '../../webview/model/stats';
import { rowTarget } from '../../webview/model/rowTarget';
import { MAX_STAT_OPERATIONS, encodeWindow } from '../protocol/rowWindow';
import type { MinimapRuns, WindowMeta, WindowOp, WindowRequest } from '../protocol/rowWindow';
import { SERVICE_COLORS } from '../../webview/model/serviceColors';
import { flameLayoutSteps, nodeMatches } from '../../webview/model/flame';
import type { FlameLayout, FlameMode } from '../../webview/model/flame';
import { flameBoxes } from '../../webview/model/flameWindow';

/** views kept at most (oldest use dropped first); a panel whose view was dropped starts a new one */
const MAX_VIEWS = 16;
/** ordered traces kept at most (each costs about what the packed trace does: ~100 bytes a span) */
const MAX_TRACES = 2;
/** spans read per step while a trace is ordered, and the time the steps run before others are answered */
const ORDER_SLICE = 8192;
const ORDER_RUN_MS = 12;
/** characters of the string table lowercased per step */
const LOWER_SLICE = 1 << 20;

/** a trace being ordered a few steps at a time (prepare), or at once when a window is asked before it is done */
interface OrderJob {
  built: number;
  steps: Generator<void, Ordered>;
  done: Promise<void>;
}

interface Ordered {
  traceId: string;
  /** the summary's span count when it was ordered: a trace that grew is ordered again */
  built: number;
  t: PackedTrace;
  errors: Int32Array;
  services: string[];
  /** the string table lowercased, for find (null where lowercasing changed its length: then string by string) */
  lower: string | null;
  /** each row's label for find, worked out while ordering */
  labels: RowLabels;
  /** the critical path and the statistics, worked out on first use, then shared by every view */
  onPath: Uint8Array | null;
  stats: WindowMeta['stats'] | null;
  /** the last minimap asked for */
  minimap: MinimapRuns | null;
  /** the flame graph's layout per mode, worked out on first use (~70 bytes a span each) */
  flames: Partial<Record<FlameMode, FlameLayout>>;
}

/** a flame layout being worked out a few steps at a time (prepareFlame) */
interface FlameJob {
  o: Ordered;
  steps: Generator<void, FlameLayout>;
  done: Promise<void>;
}

interface View {
  id: string;
  traceId: string;
  built: number;
  /** what collapse hides, without a list of the rows shown */
  folds: FoldIndex;
  query: string;
  hide: boolean;
  focus: number;
  critical: boolean;
  match: Uint8Array | null;
  matchList: Int32Array;
  cp: Uint8Array | null;
  /** the rows shown, listed only while "only matches" filters them (else the fold index answers) */
  rows: Int32Array | null;
  /** the find by flame node, for the mode and find it was worked out for */
  flameMatch: { mode: FlameMode; match: Uint8Array; nodes: Uint8Array } | null;
  used: number;
}

export interface TraceSource {
  /** the span count, asked on every window request (a cold trace's spans are read from disk: only when its
   *  count changed or it was never ordered) */
  summary(traceId: string): { spanCount: number } | undefined;
  spans(traceId: string): Span[] | undefined;
  spansPlacedByLogs(traceId: string): Set<string> | null;
  readonly epoch: EpochNs;
}

export class TraceWindows {
  private readonly traces = new Map<string, Ordered>();
  private readonly views = new Map<string, View>();
  private readonly jobs = new Map<string, OrderJob>();
  /** by trace id and mode */
  private readonly flameJobs = new Map<string, FlameJob>();
  /** the last ordering done by prepare: its time and the longest it kept the event loop (ms) */
  lastOrder: { ms: number; longestBlockMs: number } | null = null;
  /** the same for the last flame layout prepareFlame worked out */
  lastFlame: { ms: number; longestBlockMs: number } | null = null;

  /** `order`: spans per step and the milliseconds the steps run before others are answered (tests shrink them) */
  constructor(
    private readonly store: TraceSource,
    private readonly order = { slice: ORDER_SLICE, runMs: ORDER_RUN_MS },
  ) {}

  /** undefined when the store does not hold the trace */
  window(traceId: string, req: WindowRequest): Uint8Array | undefined {
    const o = this.ordered(traceId);
    if (!o) return undefined;
    const t = o.t;
    let v = req.view ? this.views.get(req.view) : undefined;
    if (!v || v.traceId !== traceId || v.built !== o.built) v = this.newView(o, v);
    v.used = Date.now();
    for (const op of req.ops ?? []) this.apply(o, v, op);
    let target: WindowMeta['target'];
    const nav = req.nav;
    if (nav) {
      let row = -1;
      if (nav.kind === 'match') row = stepTo(v.matchList, nav.from, nav.dir);
      else if (nav.kind === 'firstMatch') row = firstFrom(v.matchList, nav.from);
      else if (nav.kind === 'error') row = stepTo(o.errors, nav.from, nav.dir);
      else if (nav.kind === 'span') row = t.rowOf(nav.spanId);
      else if (nav.kind === 'row' && nav.row < t.spanCount) row = nav.row;
      if (row >= 0) {
        // a row outside the focused subtree or hidden by "only matches" brings the whole trace back
        if (v.focus >= 0 && (row < v.focus || row >= t.subtreeEnd[v.focus])) v.focus = -1;
        if (v.hide && v.match && !v.match[row]) v.hide = false;
        v.folds.reveal(row);
        v.rows = null;
        target = { row, index: this.shown(v, t).indexOf(row), matchIndex: v.match?.[row] ? indexOfRow(v.matchList, row) + 1 : 0 };
      }
    }
    const shown = this.shown(v, t);
    const wanted = req.aroundTarget && target && target.index >= 0 && req.count > 0 ? Math.floor(target.index / req.count) * req.count : req.from;
    const from = Math.min(wanted, Math.max(0, shown.total - 1));
    const picked = shown.pick(from, Math.max(0, Math.min(shown.total - from, req.count)));
    const meta: WindowMeta = {
      view: v.id,
      spanCount: t.spanCount,
      total: shown.total,
      from,
      rows: Array.from(picked),
      childCount: Array.from(picked, (r) => t.childCount[r]),
      descendants: Array.from(picked, (r) => t.subtreeEnd[r] - r - 1),
      collapsed: Array.from(picked, (r) => (v.folds.isCollapsed(r) ? 1 : 0)),
      match: Array.from(picked, (r) => (v.match ? v.match[r] : 0)),
      critical: Array.from(picked, (r) => (v.cp ? v.cp[r] : 0)),
      matchCount: v.matchList.length,
      errorCount: o.errors.length,
      target,
      services: o.services,
      rootName: t.spanCount ? t.str(t.name[0]) : '',
      stats: req.stats ? (o.stats ??= statsOf(t)) : undefined,
      minimap: req.minimap ? this.minimap(o, req.minimap.rows, req.minimap.cols) : undefined,
      flame: req.flame ? flameBoxes(this.flame(o, req.flame.mode), req.flame, this.flameMatch(o, v, req.flame.mode)) : undefined,
      durationNs: t.durationNs,
    };
    // (a flame request asks no rows: its boxes' rows go in their place)
    return encodeWindow(meta, slicePackedTrace(t, meta.flame ? meta.flame.rows : picked));
  }

  /**
   * Orders the trace (when it is not yet, or grew) a few milliseconds at a time, so that ingest and other
   * queries are answered meanwhile; resolves once window() answers without ordering. A trace not held
   * resolves too (window() then answers undefined).
   */
  prepare(traceId: string): Promise<void> {
    const count = this.store.summary(traceId)?.spanCount;
    if (count === undefined || this.traces.get(traceId)?.built === count) return Promise.resolve();
    const running = this.jobs.get(traceId);
    if (running && running.built === count) return running.done;
    const spans = this.store.spans(traceId);
    if (!spans) return Promise.resolve();
    const steps = this.orderSteps(traceId, count, spans);
    const job: OrderJob = { built: count, steps, done: Promise.resolve() };
    this.jobs.set(traceId, job);
    job.done = (async () => {
      const t0 = performance.now();
      let longest = 0;
      for (;;) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        // (a window asked meanwhile may have run the steps to their end, or the trace was dropped)
        if (this.jobs.get(traceId) !== job) return;
        const s0 = performance.now();
        let r: IteratorResult<void, Ordered>;
        try {
          r = steps.next();
          while (!r.done && performance.now() - s0 < this.order.runMs) r = steps.next();
        } catch (e) {
          // (the next request starts afresh instead of getting this failure again)
          this.jobs.delete(traceId);
          throw e;
        }
        longest = Math.max(longest, performance.now() - s0);
        if (r.done) {
          this.jobs.delete(traceId);
          this.install(r.value);
          this.lastOrder = { ms: performance.now() - t0, longestBlockMs: longest };
          return;
        }
      }
    })();
    return job.done;
  }

  /**
   * Works out the flame layout of an ordered trace in `mode` a few milliseconds at a time (over a second for a
   * million spans in 'operations' mode), as prepare orders it; resolves once window() answers a flame request
   * without laying out. Call after prepare.
   */
  prepareFlame(traceId: string, mode: FlameMode): Promise<void> {
    const o = this.traces.get(traceId);
    if (!o || o.built !== this.store.summary(traceId)?.spanCount || o.flames[mode]) return Promise.resolve();
    const key = `${traceId} ${mode}`;
    const running = this.flameJobs.get(key);
    if (running && running.o === o) return running.done;
    const job: FlameJob = { o, steps: flameLayoutSteps(o.t, mode, (r) => rowTarget(o.t, r), this.order.slice), done: Promise.resolve() };
    this.flameJobs.set(key, job);
    job.done = (async () => {
      const t0 = performance.now();
      let longest = 0;
      for (;;) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        // (a flame request meanwhile may have run the steps to their end, or the trace was dropped)
        if (this.flameJobs.get(key) !== job) return;
        const s0 = performance.now();
        let r: IteratorResult<void, FlameLayout>;
        try {
          r = job.steps.next();
          while (!r.done && performance.now() - s0 < this.order.runMs) r = job.steps.next();
        } catch (e) {
          this.flameJobs.delete(key);
          throw e;
        }
        longest = Math.max(longest, performance.now() - s0);
        if (r.done) {
          this.flameJobs.delete(key);
          o.flames[mode] = r.value;
          this.lastFlame = { ms: performance.now() - t0, longestBlockMs: longest };
          return;
        }
      }
    })();
    return job.done;
  }

  /** forgets what was built for a trace (removed, or cleared) */
  drop(traceId?: string): void {
    for (const k of [...this.jobs.keys()]) if (traceId === undefined || k === traceId) this.jobs.delete(k);
    for (const [k, j] of this.flameJobs) if (traceId === undefined || j.o.traceId === traceId) this.flameJobs.delete(k);
    for (const [k, o] of this.traces) if (traceId === undefined || o.traceId === traceId) this.traces.delete(k);
    for (const [k, v] of this.views) if (traceId === undefined || v.traceId === traceId) this.views.delete(k);
  }

  private ordered(traceId: string): Ordered | undefined {
    const count = this.store.summary(traceId)?.spanCount;
    if (count === undefined) {
      this.drop(traceId);
      return undefined;
    }
    const have = this.traces.get(traceId);
    if (have && have.built === count) {
      // most recently used last
      this.traces.delete(traceId);
      this.traces.set(traceId, have);
      return have;
    }
    // a window asked while prepare orders the trace: the rest of the steps at once
    const job = this.jobs.get(traceId);
    if (job && job.built === count) {
      this.jobs.delete(traceId);
      return this.install(runSteps(job.steps));
    }
    const spans = this.store.spans(traceId);
    if (!spans) {
      this.drop(traceId);
      return undefined;
    }
    return this.install(runSteps(this.orderSteps(traceId, count, spans)));
  }

  private install(o: Ordered): Ordered {
    this.traces.delete(o.traceId);
    this.traces.set(o.traceId, o);
    while (this.traces.size > MAX_TRACES) this.traces.delete(this.traces.keys().next().value as string);
    return o;
  }

  /** the trace ordered into rows, packed and decoded in place, with what find and next error read */
  private *orderSteps(traceId: string, count: number, spans: Span[]): Generator<void, Ordered> {
    const byLogs = this.store.spansPlacedByLogs(traceId);
    const options = byLogs ? { hasLocation: (s: Span) => defaultHasLocation(s) || byLogs.has(s.spanId) } : {};
    const { slice } = this.order;
    const bytes = yield* encodePackedTraceSteps(spans, this.store.epoch, options, slice);
    yield;
    const t = decodePackedTrace(bytes);
    yield;
    let ne = 0;
    for (let r = 0; r < t.spanCount; r++) if (t.status[r] === 2) ne++;
    const errors = new Int32Array(ne);
    ne = 0;
    for (let r = 0; r < t.spanCount; r++) if (t.status[r] === 2) errors[ne++] = r;
    // the table lowercased a slice at a time (a slice never ends inside a surrogate pair)
    const text = t.table().text;
    const pieces: string[] = [];
    let sameLength = true;
    for (let at = 0; at < text.length; ) {
      let to = Math.min(text.length, at + LOWER_SLICE);
      const c = text.charCodeAt(to - 1);
      if (to < text.length && c >= 0xd800 && c <= 0xdbff) to++;
      const piece = text.slice(at, to).toLowerCase();
      if (piece.length !== to - at) sameLength = false;
      pieces.push(piece);
      at = to;
      yield;
    }
    // the labels rows show ("GET /checkout") for find, a slice of rows at a time
    const labels = new RowLabelsBuilder(t.spanCount);
    for (let r = 0; r < t.spanCount; r += slice) {
      labels.add(t, r, Math.min(t.spanCount, r + slice));
      yield;
    }
    return {
      traceId, built: count, t, errors, services: t.services.map((s) => t.str(s)), lower: sameLength ? pieces.join('') : null, labels,
      onPath: null, stats: null, minimap: null, flames: {},
    };
  }

  /** a new view, everything expanded — or the state of the expired/outgrown `old` carried over by span id */
  private newView(o: Ordered, old: View | undefined): View {
    const v: View = {
      id: old?.id ?? randomBytes(9).toString('base64url'),
      traceId: o.traceId,
      built: o.built,
      folds: new FoldIndex(o.t),
      query: '',
      hide: false,
      focus: -1,
      critical: false,
      match: null,
      matchList: new Int32Array(0),
      cp: null,
      rows: null,
      flameMatch: null,
      used: Date.now(),
    };
    if (old && old.traceId === o.traceId) {
      // the trace grew: its rows moved; the find and critical path are recomputed, collapse starts afresh
      if (old.query) this.apply(o, v, { kind: 'find', query: old.query, hide: old.hide });
      if (old.critical) this.apply(o, v, { kind: 'critical', on: true });
    }
    this.views.set(v.id, v);
    while (this.views.size > MAX_VIEWS) {
      let oldest: View | undefined;
      for (const x of this.views.values()) if (!oldest || x.used < oldest.used) oldest = x;
      this.views.delete(oldest!.id);
    }
    return v;
  }

  private apply(o: Ordered, v: View, op: WindowOp): void {
    const t = o.t;
    switch (op.kind) {
      case 'toggle':
        if (op.row >= t.spanCount) return;
        if (op.subtree) v.folds.setSubtree(op.row, !v.folds.isCollapsed(op.row));
        else v.folds.set(op.row, !v.folds.isCollapsed(op.row));
        break;
      case 'collapseAll':
        v.folds.collapseAll();
        break;
      case 'expandAll':
        v.folds.expandAll();
        break;
      case 'level':
        v.folds.expandToLevel(op.n);
        break;
      case 'find':
        if (op.query !== v.query) {
          v.query = op.query;
          const strings = o.lower === null ? undefined : (needle: string) => stringsContaining(o.lower!, t.table().offsets, needle);
          v.match = findMatches(t, op.query, strings, () => o.labels);
          v.matchList = v.match ? listRows(v.match) : new Int32Array(0);
        }
        v.hide = op.hide;
        break;
      case 'focus':
        v.focus = op.row < t.spanCount ? op.row : -1;
        break;
      case 'critical':
        v.critical = op.on;
        // (the path is the trace's: worked out once, for every view)
        v.cp = op.on ? (o.onPath ??= criticalPath(t).onPath) : null;
        return;
    }
    v.rows = null;
  }

  /** the trace's flame layout in `mode`: the rest of prepareFlame's steps at once when it is still working */
  private flame(o: Ordered, mode: FlameMode): FlameLayout {
    const have = o.flames[mode];
    if (have) return have;
    const key = `${o.traceId} ${mode}`;
    const job = this.flameJobs.get(key);
    this.flameJobs.delete(key);
    const steps = job && job.o === o ? job.steps : flameLayoutSteps(o.t, mode, (r) => rowTarget(o.t, r), Infinity);
    return (o.flames[mode] = runSteps(steps));
  }

  /** the view's find by flame node (kept while the find and mode stay) */
  private flameMatch(o: Ordered, v: View, mode: FlameMode): Uint8Array | null {
    if (!v.match) return null;
    const m = v.flameMatch;
    if (m?.mode === mode && m.match === v.match) return m.nodes;
    v.flameMatch = { mode, match: v.match, nodes: nodeMatches(this.flame(o, mode), v.match)! };
    return v.flameMatch.nodes;
  }

  private minimap(o: Ordered, rows: number, cols: number): MinimapRuns {
    if (o.minimap?.rows !== rows || o.minimap.cols !== cols) o.minimap = minimapOf(o, rows, cols);
    return o.minimap;
  }

  /** the rows the view shows: counted through its fold index, or listed while only matches show */
  private shown(v: View, t: PackedTrace): Shown {
    const focus = v.focus >= 0 && v.focus < t.spanCount ? v.focus : -1;
    if (v.hide && v.match) {
      if (!v.rows) {
        const all = visibleRows(t, v.folds.collapsedFlags(), keepWithAncestors(t, v.match));
        v.rows = focus >= 0 ? withinSubtree(t, all, focus) : all;
      }
      const rows = v.rows;
      return { total: rows.length, indexOf: (r) => indexOfRow(rows, r), pick: (from, count) => rows.subarray(from, from + count) };
    }
    const f = v.folds;
    const base = focus >= 0 ? f.shownBefore(focus) : 0;
    const total = focus >= 0 ? f.shownBefore(t.subtreeEnd[focus]) - base : f.total;
    return {
      total,
      indexOf: (r) => {
        const i = f.indexOf(r);
        return i < base || i >= base + total ? -1 : i - base;
      },
      pick: (from, count) => {
        const out = new Int32Array(count);
        for (let j = 0, r = count ? f.rowAt(base + from) : 0; j < count; j++, r = f.next(r)) out[j] = r;
        return out;
      },
    };
  }
}

/** the rows a view shows: how many, where a row is among them (-1: not shown), and `count` of them from `from` */
interface Shown {
  total: number;
  indexOf(row: number): number;
  pick(from: number, count: number): Int32Array;
}

/**
 * The minimap's runs (MinimapRuns): each span adds +1 at its first cell and -1 past its last in its grid row
 * and colour slot, so a span costs the same however many cells it covers; one pass over the sums finds the runs.
 * Colours by the order of first appearance of the services, as the windows' rows are coloured.
 */
function minimapOf(o: Ordered, rows: number, cols: number): MinimapRuns {
  const t = o.t;
  const n = t.spanCount;
  const slots = SERVICE_COLORS.length;
  const slotOf = new Int32Array(t.stringCount);
  t.services.forEach((s, i) => (slotOf[s] = i % slots));
  const width = cols + 1;
  const diff = new Int32Array(rows * (slots + 1) * width);
  const total = Math.max(1, t.durationNs);
  for (let r = 0; r < n; r++) {
    const y = Math.floor((r * rows) / n);
    const x0 = Math.min(cols - 1, Math.floor((Math.max(0, t.start[r]) * cols) / total));
    const x1 = Math.min(cols, Math.max(x0 + 1, Math.ceil((Math.min(total, t.end[r]) * cols) / total)));
    let at = (y * (slots + 1) + slotOf[t.service[r]]) * width;
    diff[at + x0]++;
    diff[at + x1]--;
    if (t.status[r] === 2) {
      at = (y * (slots + 1) + slots) * width;
      diff[at + x0]++;
      diff[at + x1]--;
    }
  }
  const runs: number[] = [];
  for (let y = 0; y < rows; y++) {
    for (let s = 0; s <= slots; s++) {
      const at = (y * (slots + 1) + s) * width;
      let sum = 0;
      let from = -1;
      for (let x = 0; x <= cols; x++) {
        sum += diff[at + x];
        if (sum > 0 && from < 0) from = x;
        else if (sum <= 0 && from >= 0) {
          runs.push(y, s, from, x);
          from = -1;
        }
      }
    }
  }
  return { rows, cols, slots, runs };
}

/** the statistics the panel's Statistics tab shows, over every span; the operations with the most self time */
function statsOf(t: PackedTrace): NonNullable<WindowMeta['stats']> {
  const s = traceStats(t, (r) => rowTarget(t, r));
  const operations = s.operations.length > MAX_STAT_OPERATIONS ? [...s.operations].sort((a, b) => b.selfNs - a.selfNs).slice(0, MAX_STAT_OPERATIONS) : s.operations;
  return { services: s.services, operations, operationsLeftOff: s.operations.length - operations.length };
}

/**
 * Which strings of a table contain `needle` (lowercase), by one scan of the lowercased table: each hit is
 * placed in its string by a binary search of the offsets, then the scan skips to that string's end. A hit that
 * runs past its string's end (across two strings) is no match. 1 yes, 2 no, per string.
 */
export function stringsContaining(lower: string, offsets: Uint32Array, needle: string): Uint8Array {
  const count = offsets.length - 1;
  const out = new Uint8Array(count).fill(2);
  let from = 0;
  for (;;) {
    const at = lower.indexOf(needle, from);
    if (at < 0) break;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    if (at + needle.length <= offsets[lo + 1]) {
      out[lo] = 1;
      from = offsets[lo + 1];
    } else from = at + 1;
  }
  return out;
}
