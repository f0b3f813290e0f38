// The trace list's data, kept in the window from the receiver's summaries and events, and the pure
// function that turns it into what the view shows (filtered, sorted, grouped, capped). No editor API here:
// src/host/traceList.ts renders the result as tree items.
import type { ReceiverEvent, RunSummary, TraceSummary } from '../protocol/api';
import { formatRelative } from './format';
import { matchesSummary, type TraceFilter, EMPTY_FILTER, isEmptyFilter } from './filter';

export type SortBy = 'time' | 'duration' | 'service';
export type GroupBy = 'none' | 'service' | 'time' | 'duration' | 'run';
export const SORT_BY: readonly SortBy[] = ['time', 'duration', 'service'];
export const GROUP_BY: readonly GroupBy[] = ['none', 'service', 'time', 'duration', 'run'];

export class TraceListState {
  private readonly byId = new Map<string, TraceSummary>();
  /** when each trace first arrived, as a count of arrivals (tells new traces from known ones, see hold.ts) */
  private readonly arrival = new Map<string, number>();
  private arrivals = 0;

  /** arrivals so far: every trace listed now has an arrival number at most this */
  get lastArrival(): number {
    return this.arrivals;
  }

  arrivalOf(traceId: string): number | undefined {
    return this.arrival.get(traceId);
  }

  private add(s: TraceSummary): void {
    if (!this.byId.has(s.traceId)) this.arrival.set(s.traceId, ++this.arrivals);
    this.byId.set(s.traceId, s);
  }

  get size(): number {
    return this.byId.size;
  }

  get(traceId: string): TraceSummary | undefined {
    return this.byId.get(traceId);
  }

  all(): IterableIterator<TraceSummary> {
    return this.byId.values();
  }

  /** Replaces everything with a fresh listing (after connecting or reconnecting to the receiver). */
  reset(summaries: readonly TraceSummary[]): void {
    this.byId.clear();
    this.arrival.clear();
    for (const s of summaries) this.add(s);
  }

  /** Applies one receiver event; returns whether the list changed. */
  apply(e: ReceiverEvent): boolean {
    switch (e.type) {
      case 'traces': {
        for (const s of e.upserted) this.add(s);
        let removed = 0;
        for (const id of e.removed) {
          if (this.byId.delete(id)) removed++;
          this.arrival.delete(id);
        }
        return e.upserted.length > 0 || removed > 0;
      }
      case 'cleared': {
        const had = this.byId.size > 0;
        this.byId.clear();
        this.arrival.clear();
        return had;
      }
      default:
        return false;
    }
  }
}

export interface ViewOptions {
  sortBy: SortBy;
  groupBy: GroupBy;
  filter: TraceFilter;
  /**
   * Trace ids that match the filter's attribute terms (answered by the receiver). Undefined when the filter
   * has none; while an answer is pending the host passes the last answer.
   */
  attributeMatches?: ReadonlySet<string>;
  /** Unix ms, for the time groups */
  now: number;
  /** most rows shown per group (the rest are counted in `hidden`) */
  limit: number;
  /** the receiver's runs (GET /api/runs), for the run groups; a run not among them is described from its traces */
  runs?: ReadonlyMap<string, RunSummary>;
}

export interface TraceGroup {
  /** stable id of the group (for tree item ids); '' for the single group of an ungrouped list */
  key: string;
  label: string;
  /** traces in the group that match the filter */
  count: number;
  errorTraces: number;
  traces: TraceSummary[];
  /** matching traces not in `traces` because of the row limit */
  hidden: number;
  /** grouped by run: the run (undefined for traces from a receiver that does not name runs) */
  run?: RunSummary;
}

export interface TraceListView {
  /** all traces known */
  total: number;
  /** traces matching the filter */
  matched: number;
  groups: TraceGroup[];
}

/** Exact comparison of decimal-string nanosecond values ("123" < "1000"). */
export function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

// The ms numbers order like the exact ns strings (both come from the same value), so they decide first and
// the strings only break ties within a millisecond: comparing numbers is what keeps 100,000 rows fast.
const newestFirst = (a: TraceSummary, b: TraceSummary): number =>
  b.startMs - a.startMs || compareDecimal(b.startTimeUnixNano, a.startTimeUnixNano) || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0);

function comparator(sortBy: SortBy): (a: TraceSummary, b: TraceSummary) => number {
  switch (sortBy) {
    case 'time':
      return newestFirst;
    case 'duration':
      return (a, b) => b.durationMs - a.durationMs || compareDecimal(b.durationNano, a.durationNano) || newestFirst(a, b);
    case 'service':
      return (a, b) => a.rootService.localeCompare(b.rootService) || newestFirst(a, b);
  }
}

interface Bucket {
  key: string;
  label: string;
  order: number;
}

const TIME_BUCKETS: ReadonlyArray<{ maxAgeMs: number; key: string; label: string }> = [
  { maxAgeMs: 60_000, key: 'time:1m', label: 'Last minute' },
  { maxAgeMs: 5 * 60_000, key: 'time:5m', label: 'Last 5 minutes' },
  { maxAgeMs: 60 * 60_000, key: 'time:1h', label: 'Last hour' },
  { maxAgeMs: 24 * 60 * 60_000, key: 'time:1d', label: 'Today' },
  { maxAgeMs: Infinity, key: 'time:older', label: 'Older' },
];

const DURATION_BUCKETS: ReadonlyArray<{ minMs: number; key: string; label: string }> = [
  { minMs: 1000, key: 'dur:1s', label: '1 s and longer' },
  { minMs: 100, key: 'dur:100ms', label: '100 ms – 1 s' },
  { minMs: 10, key: 'dur:10ms', label: '10 – 100 ms' },
  { minMs: -Infinity, key: 'dur:fast', label: 'Under 10 ms' },
];

function bucketOf(s: TraceSummary, groupBy: GroupBy, now: number): Bucket {
  switch (groupBy) {
    case 'none':
      return { key: '', label: '', order: 0 };
    case 'service': {
      const name = s.rootService || 'unknown_service';
      return { key: `svc:${name}`, label: name, order: 0 };
    }
    case 'time': {
      // a trace stamped in the future (clock skew between machines) counts as the newest
      const age = Math.max(0, now - s.startMs);
      const i = TIME_BUCKETS.findIndex((b) => age < b.maxAgeMs);
      return { ...TIME_BUCKETS[i], order: i };
    }
    case 'duration': {
      const i = DURATION_BUCKETS.findIndex((b) => s.durationMs >= b.minMs);
      return { ...DURATION_BUCKETS[i], order: i };
    }
    case 'run':
      // label and order (newest run first) once the group's traces are known: see runGroup()
      return { key: `run:${s.runId ?? ''}`, label: '', order: 0 };
  }
}

/** A run group's run (from the receiver's list, else from its traces), label and order: newest start first. */
function runGroup(b: Bucket, traces: TraceSummary[], o: ViewOptions): RunSummary | undefined {
  const runId = b.key.slice(4);
  if (!runId) {
    b.label = 'No run (traces from a receiver that does not name runs)';
    b.order = Infinity;
    return undefined;
  }
  let run = o.runs?.get(runId);
  if (!run) {
    let first = Infinity;
    let last = -Infinity;
    let spans = 0;
    let errors = 0;
    for (const t of traces) {
      first = Math.min(first, t.startMs);
      last = Math.max(last, t.startMs + t.durationMs);
      spans += t.spanCount;
      errors += t.errorCount;
    }
    run = { runId, service: traces[0].rootService, startedMs: first, lastMs: last, traceCount: traces.length, spanCount: spans, errorCount: errors, baseline: false };
  }
  b.label = `${run.service || 'unknown_service'} · started ${formatRelative(run.startedMs, o.now)}`;
  b.order = -run.startedMs;
  return run;
}

/**
 * The `k` smallest items by `cmp`, sorted — O(n log k) with a bounded max-heap, so a store of 100,000 traces
 * does not need a full sort to show its newest 500.
 */
export function smallestK<T>(items: readonly T[], k: number, cmp: (a: T, b: T) => number): T[] {
  if (items.length <= k) return [...items].sort(cmp);
  if (k <= 0) return [];
  const heap: T[] = []; // max-heap by cmp: heap[0] is the worst of the best k so far
  const up = (i: number) => {
    const x = heap[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (cmp(x, heap[p]) <= 0) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = x;
  };
  const down = (i: number) => {
    const x = heap[i];
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && cmp(heap[r], heap[l]) > 0 ? r : l;
      if (cmp(heap[c], x) <= 0) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = x;
  };
  for (const x of items) {
    if (heap.length < k) {
      heap.push(x);
      up(heap.length - 1);
    } else if (cmp(x, heap[0]) < 0) {
      heap[0] = x;
      down(0);
    }
  }
  return heap.sort(cmp);
}

/** Whether a trace passes the view's filter (summary terms, and the receiver's answer for attribute terms). */
export function matchesView(o: Pick<ViewOptions, 'filter' | 'attributeMatches'>, s: TraceSummary): boolean {
  const filter = o.filter ?? EMPTY_FILTER;
  if (isEmptyFilter(filter)) return true;
  if (!matchesSummary(filter, s)) return false;
  return filter.attributes.length === 0 || (o.attributeMatches?.has(s.traceId) ?? false);
}

export function computeView(traces: Iterable<TraceSummary>, o: ViewOptions): TraceListView {
  const filter = o.filter ?? EMPTY_FILTER;
  const useAttrs = filter.attributes.length > 0;
  const filtering = !isEmptyFilter(filter);
  let total = 0;
  const matched: TraceSummary[] = [];
  for (const s of traces) {
    total++;
    if (filtering) {
      if (!matchesSummary(filter, s)) continue;
      if (useAttrs && !(o.attributeMatches?.has(s.traceId) ?? false)) continue;
    }
    matched.push(s);
  }
  const cmp = comparator(o.sortBy);
  const groups = new Map<string, { bucket: Bucket; traces: TraceSummary[]; errorTraces: number }>();
  const single: Bucket = { key: '', label: '', order: 0 };
  for (const s of matched) {
    const b = o.groupBy === 'none' ? single : bucketOf(s, o.groupBy, o.now);
    let g = groups.get(b.key);
    if (!g) groups.set(b.key, (g = { bucket: b, traces: [], errorTraces: 0 }));
    g.traces.push(s);
    if (s.errorCount > 0) g.errorTraces++;
  }
  const runs = new Map<string, RunSummary | undefined>();
  if (o.groupBy === 'run') for (const g of groups.values()) runs.set(g.bucket.key, runGroup(g.bucket, g.traces, o));
  const ordered = [...groups.values()].sort((a, b) =>
    a.bucket.order - b.bucket.order || a.bucket.label.localeCompare(b.bucket.label));
  return {
    total,
    matched: matched.length,
    groups: ordered.map((g) => {
      const group: TraceGroup = {
        key: g.bucket.key,
        label: g.bucket.label,
        count: g.traces.length,
        errorTraces: g.errorTraces,
        // traces arrive roughly in start order, which TimSort handles in near-linear time; other orders are
        // random relative to arrival, where a bounded heap beats a full sort
        traces: o.sortBy === 'time' ? g.traces.sort(cmp).slice(0, o.limit) : smallestK(g.traces, o.limit, cmp),
        hidden: Math.max(0, g.traces.length - o.limit),
      };
      const run = runs.get(g.bucket.key);
      if (run) group.run = run;
      return group;
    }),
  };
}
