// The trace store: spans assembled into traces whatever their arrival order, per-trace summaries kept
// current, indexes by trace and service, logs linked to spans, and the location hook (every span goes
// through locationSignal → LocationIndex at ingest). Bounded by span count and approximate memory:
// whole oldest unpinned traces go first, and a 'stats' event with `evicting: true` tells the windows.
//
// Duplicate span ids (documented rule): an exact re-send — same span id, start, end and name as a span
// already in the trace — is dropped (exporters retry after timeouts). A different span with an id already
// present is kept; buildTree marks it Duplicate and children attach to the first one received.
//
// Events are coalesced: changes are collected and emitted at most every `eventIntervalMs` (default 100 ms)
// as one 'traces' event (summaries of every trace that changed, ids of every trace removed), one 'stats'
// event and, when the location index changed, one 'locations' event. `flush()` emits at once.
import type { AttrValue, Attrs, LogRecord, Resource, Scope, Span } from '../model/span';
import { KvList } from '../model/span';
import { EpochNs } from '../model/time';
import type { OtlpTracesData } from '../model/otlpJson';
import type { ReceiverEvent, RunStats, RunSummary, SpanDetail, TraceSummary } from '../protocol/api';
import { locationSignal, logLocates, type RawLocation } from '../source/signal';
import type { LocationIndex } from '../stats/locationIndex';
import type { StoreObserver } from './storeObserver';
import { logToOtlp, resourceToOtlp, scopeToOtlp, spanToOtlp, spansToOtlp } from '../otlp/toOtlpJson';
import { TreeFlag, buildTree } from './tree';
import { estimateLogBytes, estimateResourceBytes, estimateScopeBytes, estimateSpanBytes } from './sizeEstimate';
import { rootTarget } from './rootTarget';
import { type RunInfo, type RunTally, runOf, runStats, tallySpan } from './runs';
import type { ControlOp, RawEncoding, RawEntry, TraceBacking } from './backing';
import { decodeLogs, decodeTraces } from '../otlp/protoDecode';
import { decodeLogsJson, decodeTracesJson } from '../otlp/jsonDecode';

export const DEFAULT_MAX_SPANS = 1_000_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
/** log records without a trace id are kept in a ring of this many */
export const MAX_UNLINKED_LOGS = 10_000;
/**
 * Pinned traces may hold at most this share of each cap (spans and bytes), so pins can never take the whole
 * store: a pin over the share is refused with a message, and when pinned traces grow past it while the
 * store is full, the oldest pins give way (they become ordinary traces, evicted like the others).
 */
export const PIN_SHARE = 0.5;
/**
 * One trace may hold at most this share of each cap in a memory-only store: past it, its further spans are
 * refused (and counted on its summary) rather than the other traces evicted one by one until it holds
 * everything, or the whole trace dropped at the cap with all it had received.
 */
export const TRACE_SHARE = 0.5;
/** decoded groups kept for reading cold traces (a group holds up to 1 MiB of received batches) */
const GROUP_CACHE = 8;
/** traces up to this many spans find duplicates by scanning; bigger ones keep an id map */
const SCAN_LIMIT = 32;
const TRACE_OVERHEAD_BYTES = 400;

export interface TraceStoreOptions {
  maxSpans?: number;
  maxBytes?: number;
  epoch?: EpochNs;
  locationIndex?: LocationIndex;
  /** follows every span stored and every trace that leaves (the service map, src/explore) */
  observer?: StoreObserver;
  /** coalescing interval of change events (ms); default 100 */
  eventIntervalMs?: number;
  /** called when eviction starts (again after a clear): the headless receiver logs it */
  onEvictionStart?: () => void;
  /** called with the traces whose pins gave way because pinned traces outgrew their share of the caps */
  onPinsDropped?: (traceIds: string[], why: string) => void;
  /** called once per trace when it alone holds the caps and its further spans are refused (memory-only) */
  onTraceOverLimits?: (traceId: string, spans: number, maxSpans: number, maxBytes: number) => void;
  /**
   * Keeps every batch on disk (src/store/persist/diskStore.ts). The caps then bound the traces held in
   * memory: older ones stay listed ("cold": summary and the groups holding their data) and are read back
   * when they are opened, queried or receive more spans.
   */
  backing?: TraceBacking;
}

/** the received bytes of a batch (kept as they came), or the group it was read back from when replaying */
export type RawBatch = { encoding: RawEncoding; body: Uint8Array } | { gid: number };

/** a trace held on disk only (one read from a checkpoint builds its parts when first asked for them) */
export interface ColdTrace {
  summary: TraceSummary;
  /** the groups holding its spans and logs, ascending */
  refs: number[];
  runs: RunTally[];
}

/** What a checkpoint keeps of the store (src/store/persist/checkpoint.ts): every trace's summary and groups. */
export interface StoreSnapshot {
  epochSec: number;
  runs: RunInfo[];
  baselines: [string, string][];
  /**
   * the store's own objects for cold traces, read while the checkpoint is encoded (a pin replaces a summary; a
   * group added to a trace meanwhile is one after the checkpoint's, which the log replays); copies for the others
   */
  traces: ColdTrace[];
}

/** A checkpoint's traces as read: listed without building each trace's summary, groups and tallies. */
export interface ColdRows {
  readonly length: number;
  traceId(i: number): string;
  spanCount(i: number): number;
  /** the trace with the groups `live` accepts; undefined when none is left */
  trace(i: number, live: (gid: number) => boolean): ColdTrace | undefined;
}

export interface RestoredSnapshot {
  runs: RunInfo[];
  baselines: [string, string][];
  traces: ColdRows;
}

/** what pin() did: `message` says why a pin was refused, for the user */
export type PinResult = { ok: true } | { ok: false; missing: boolean; message: string };

export interface SpanSource {
  kind: 'otlp' | 'file';
  name?: string;
}

export interface AddResult {
  /** spans stored */
  added: number;
  /** exact re-sends dropped by the duplicate rule */
  duplicates: number;
  /** traces that received spans, in first-seen order */
  traceIds: string[];
  /** spans of this batch evicted at once: its traces alone were over the caps (the store still holds what fits) */
  evicted?: number;
  /** spans refused because their trace alone already holds the caps (its earlier spans stay) */
  refused?: number;
}

export interface StoreStats {
  spans: number;
  traces: number;
  logs: number;
  approxBytes: number;
  maxSpans: number;
  maxBytes: number;
  evictedTraces: number;
  evicting: boolean;
}

/**
 * One canonical resource or scope, shared by every span and log record that carries an equal one. It is
 * charged to the store once, and released with its charge when the last trace (or unlinked log record)
 * holding it goes: evicted and removed traces must not leave their resources behind.
 */
interface Shared<T> {
  readonly value: T;
  readonly key: string;
  readonly bytes: number;
  /** traces (and unlinked log records) referring to it */
  holders: number;
}

class TraceEntry {
  spans: Span[] = [];
  /** the shared resources and scopes its spans and logs refer to, each once */
  shared: Shared<unknown>[] = [];
  /** the same as a set, once there are many (a hostile trace can give every span its own resource) */
  sharedSet: Set<Shared<unknown>> | null = null;
  /** spanId → first span with it; only for traces above SCAN_LIMIT spans */
  ids: Map<string, Span> | null = null;
  logs: LogRecord[] | null = null;
  pinned = false;
  bytes = TRACE_OVERHEAD_BYTES;
  minStart = Infinity;
  maxEnd = -Infinity;
  errorCount = 0;
  /** spans refused: the trace alone held the store's caps */
  refused = 0;
  /** groups of the backing holding its data, ascending */
  refs: number[] = [];
  services: string[] = [];
  /** the same as a set, once there are many (every span of a hostile trace can name its own service) */
  serviceSet: Set<string> | null = null;
  /** index of the span used as root for the summary (-1 none) */
  root = -1;
  /** spans, errors and times per run the trace touches (src/store/runs.ts) */
  runs: RunTally[] = [];
  summary: TraceSummary | null = null;
  constructor(
    readonly traceId: string,
    readonly source: 'otlp' | 'file',
    readonly sourceName: string | undefined,
  ) {}

  find(spanId: string): Span | undefined {
    if (this.ids) return this.ids.get(spanId);
    const spans = this.spans;
    for (let i = 0; i < spans.length; i++) if (spans[i].spanId === spanId) return spans[i];
    return undefined;
  }
}

export class TraceStore {
  readonly epoch: EpochNs;
  readonly maxSpans: number;
  readonly maxBytes: number;
  private readonly index: LocationIndex | undefined;
  private readonly observer: StoreObserver | undefined;
  private readonly eventIntervalMs: number;
  /** Map order = arrival order of each trace's first span (or log): eviction goes front to back */
  private readonly traces = new Map<string, TraceEntry>();
  private readonly byService = new Map<string, Set<TraceEntry>>();
  private unlinkedLogs: LogRecord[] = [];
  private unlinkedNext = 0;
  private spanCount = 0;
  /** traces holding at least one span (entries with only logs are not traces yet) */
  private traceTotal = 0;
  private logCount = 0;
  private bytes = 0;
  private evicted = 0;
  private evictingNow = false;
  private readonly listeners = new Set<(e: ReceiverEvent) => void>();
  private pendingUpserts = new Set<TraceEntry>();
  private pendingRemoved = new Set<string>();
  private statsDirty = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly onEvictionStart: (() => void) | undefined;
  private readonly onPinsDropped: ((traceIds: string[], why: string) => void) | undefined;
  private readonly onTraceOverLimits: ((traceId: string, spans: number, maxSpans: number, maxBytes: number) => void) | undefined;
  /** one Resource / Scope object per distinct value, shared by every span from every request */
  private resources = new Map<string, Shared<Resource>>();
  private scopes = new Map<string, Shared<Scope>>();
  /** entries created by the current add call: released again if nothing came to hold them */
  private readonly fresh: Shared<unknown>[] = [];
  /** per slot of unlinkedLogs: the resource and scope entries it holds */
  private unlinkedShared: Shared<unknown>[] = [];
  /** every run seen (kept while the store holds traces of it; cleared with the store) */
  private runInfo = new Map<string, RunInfo>();
  /** service → its baseline run */
  private baselineRuns = new Map<string, string>();
  private readonly backing: TraceBacking | undefined;
  /** traces held on disk only (with a backing), in the order they left memory */
  private cold = new Map<string, ColdTrace>();
  private coldSpans = 0;
  /** cold traces whose summary changed (a pin), for the next 'traces' event */
  private pendingColdUpserts = new Set<string>();
  /** applying the backing's own entries: nothing is appended again */
  private replaying = false;
  /** decoded groups, least recently used first: a scan over cold traces (a search, run statistics) decodes each group once */
  private groupCache = new Map<number, Map<string, { spans: Span[]; logs: LogRecord[] }>>();
  /** the cold trace read last (opening a trace asks for its spans, then its logs and details) */
  private transient: { entry: TraceEntry; refs: number[]; refCount: number } | undefined;

  constructor(options: TraceStoreOptions = {}) {
    this.epoch = options.epoch ?? EpochNs.now();
    this.maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.index = options.locationIndex;
    this.observer = options.observer;
    this.eventIntervalMs = options.eventIntervalMs ?? 100;
    this.onEvictionStart = options.onEvictionStart;
    this.onPinsDropped = options.onPinsDropped;
    this.onTraceOverLimits = options.onTraceOverLimits;
    this.backing = options.backing;
  }

  get locationIndex(): LocationIndex | undefined {
    return this.index;
  }

  /** Adds decoded spans (their times must be offsets from this store's epoch). */
  addSpans(spans: Span[], source: SpanSource = { kind: 'otlp' }, raw?: RawBatch): AddResult {
    let gid = -1;
    if (this.backing && spans.length) {
      if (raw && 'gid' in raw) gid = raw.gid;
      else {
        // without the received bytes (a caller inside the receiver), the spans are kept as OTLP JSON
        const body = raw ? raw.body : Buffer.from(JSON.stringify(spansToOtlp(spans, this.epoch)));
        const entry: RawEntry = { kind: 'traces', encoding: raw ? raw.encoding : 'json', body, source: source.kind };
        if (source.name !== undefined) entry.name = source.name;
        gid = this.backing.append(entry);
      }
      if (this.cold.size) this.hydrateFor(spans);
    }
    return this.insert(spans, source, gid, true);
  }

  /** cold traces that receive spans come back into memory first, so their summary counts every span */
  private hydrateFor(spans: { traceId: string }[]): void {
    let prev = '';
    for (const s of spans) {
      if (s.traceId === prev) continue;
      prev = s.traceId;
      if (this.cold.has(prev) && !this.traces.has(prev)) this.hydrate(prev);
    }
  }

  private insert(spans: Span[], source: SpanSource, gid: number, record: boolean): AddResult {
    const result: AddResult = { added: 0, duplicates: 0, traceIds: [] };
    let last: TraceEntry | undefined;
    const touched = new Set<TraceEntry>();
    let rawRes: Resource | undefined;
    let res: Shared<Resource> | undefined;
    let rawScope: Scope | undefined;
    let scope: Shared<Scope> | undefined;
    let heldBy: TraceEntry | undefined;
    let heldRes: Shared<Resource> | undefined;
    let heldScope: Shared<Scope> | undefined;
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i];
      if (s.resource !== rawRes) {
        rawRes = s.resource;
        res = this.canonicalResource(rawRes);
      }
      if (s.scope !== rawScope) {
        rawScope = s.scope;
        scope = this.canonicalScope(rawScope);
      }
      s.resource = res!.value;
      s.scope = scope!.value;
      let e = last !== undefined && last.traceId === s.traceId ? last : this.traces.get(s.traceId);
      if (!e) {
        e = new TraceEntry(s.traceId, source.kind, source.name);
        this.traces.set(s.traceId, e);
        this.bytes += e.bytes;
      }
      if (gid >= 0 && e !== last) addRef(e.refs, gid);
      last = e;
      s.traceId = e.traceId; // one string instance per trace
      const prev = e.find(s.spanId);
      if (prev && prev.start === s.start && prev.end === s.end && prev.name === s.name) {
        result.duplicates++;
        continue;
      }
      if (this.overOnItsOwn(e, s)) {
        // one trace may not take the store over (TRACE_SHARE)
        result.refused = (result.refused ?? 0) + 1;
        this.markChanged(e); // its summary counts them
        if (e.refused++ === 0) {
          this.onTraceOverLimits?.(e.traceId, e.spans.length, this.maxSpans, this.maxBytes);
        }
        continue;
      }
      if (!touched.has(e)) {
        touched.add(e);
        result.traceIds.push(e.traceId);
      }
      if (e !== heldBy || res !== heldRes || scope !== heldScope) {
        hold(e, res!);
        hold(e, scope!);
        heldBy = e;
        heldRes = res;
        heldScope = scope;
      }
      this.addToEntry(e, s, prev === undefined);
      result.added++;
      if (this.index && record) this.recordLocation(s, e);
      if (this.observer && record) this.observe(s, e);
    }
    for (const e of touched) this.markChanged(e);
    this.releaseUnheld();
    const lost = this.evictIfNeeded(touched);
    if (lost.size) {
      let n = 0;
      for (const s of spans) if (lost.has(s.traceId)) n++;
      result.evicted = Math.min(n, result.added);
    }
    return result;
  }

  /**
   * Memory-only stores: whether this span would take its trace past TRACE_SHARE of a cap (a trace that already
   * holds spans; a first span over the caps is the eviction's to refuse). With a store on disk the caps only
   * choose what stays in memory, so a trace may grow past them there.
   */
  private overOnItsOwn(e: TraceEntry, s: Span): boolean {
    if (this.backing || e.spans.length === 0) return false;
    if (e.spans.length + 1 > Math.max(1, Math.floor(this.maxSpans * TRACE_SHARE))) return true;
    const maxBytes = this.maxBytes * TRACE_SHARE;
    // the size estimate is only worth computing near the share
    return e.bytes * 2 > maxBytes && e.bytes + estimateSpanBytes(s) > maxBytes;
  }

  private addToEntry(e: TraceEntry, s: Span, firstWithId: boolean): void {
    const idx = e.spans.length;
    if (idx === 0) this.traceTotal++;
    e.spans.push(s);
    if (firstWithId) {
      if (e.ids) e.ids.set(s.spanId, s);
      else if (e.spans.length > SCAN_LIMIT) {
        e.ids = new Map();
        for (const x of e.spans) if (!e.ids.has(x.spanId)) e.ids.set(x.spanId, x);
      }
    }
    if (s.start < e.minStart) e.minStart = s.start;
    if (s.end > e.maxEnd) e.maxEnd = s.end;
    if (s.statusCode === 2) e.errorCount++;
    const run = runOf(s.resource);
    if (!this.runInfo.has(run.runId)) this.runInfo.set(run.runId, run);
    tallySpan(e.runs, run.runId, s);
    const svc = s.resource.serviceName;
    if (e.serviceSet ? !e.serviceSet.has(svc) : !e.services.includes(svc)) {
      e.services.push(svc);
      if (e.serviceSet) e.serviceSet.add(svc);
      else if (e.services.length > 16) e.serviceSet = new Set(e.services);
      let set = this.byService.get(svc);
      if (!set) this.byService.set(svc, (set = new Set()));
      set.add(e);
    }
    // root for the summary: the earliest span without a parent; failing that, the earliest span
    const r = e.root === -1 ? undefined : e.spans[e.root];
    if (!r) e.root = idx;
    else {
      const sRoot = s.parentSpanId === '';
      const rRoot = r.parentSpanId === '';
      if ((sRoot && !rRoot) || (sRoot === rRoot && s.start < r.start)) e.root = idx;
    }
    const b = estimateSpanBytes(s) + (e.ids ? 64 : 0);
    e.bytes += b;
    this.bytes += b;
    this.spanCount++;
  }

  private recordLocation(s: Span, e: TraceEntry): void {
    try {
      const loc = this.locate(s, e);
      if (loc) this.index!.record(s, loc, this.epoch);
    } catch (err) {
      // the statistics hook must never cost a span: the span is stored, only its statistic is missing
      this.hookErrors++;
      if (this.hookErrors === 1) this.lastHookError = String((err as Error)?.stack ?? err);
    }
  }

  private observe(s: Span, e: TraceEntry): void {
    try {
      this.observer!.spanAdded(s, (id) => e.find(id), this.epoch);
    } catch (err) {
      this.hookErrors++;
      if (this.hookErrors === 1) this.lastHookError = String((err as Error)?.stack ?? err);
    }
  }

  /** failures of the location hook (counted, first one kept) — they never stop ingest */
  hookErrors = 0;
  lastHookError = '';

  private canonicalResource(r: Resource): Shared<Resource> {
    const key = `${r.schemaUrl}\u0002${r.droppedAttributesCount}\u0002${attrsKey(r.attrs)}`;
    const hit = this.resources.get(key);
    if (hit) return hit;
    const entry: Shared<Resource> = { value: r, key, bytes: estimateResourceBytes(r, key.length), holders: 0 };
    this.resources.set(key, entry);
    this.bytes += entry.bytes;
    this.fresh.push(entry);
    return entry;
  }

  private canonicalScope(sc: Scope): Shared<Scope> {
    const key = `${sc.name}\u0002${sc.version}\u0002${sc.schemaUrl}\u0002${sc.droppedAttributesCount}\u0002${attrsKey(sc.attrs)}`;
    const hit = this.scopes.get(key);
    if (hit) return hit;
    const entry: Shared<Scope> = { value: sc, key, bytes: estimateScopeBytes(sc, key.length), holders: 0 };
    this.scopes.set(key, entry);
    this.bytes += entry.bytes;
    this.fresh.push(entry);
    return entry;
  }

  /** one holder fewer; the last one takes the entry out of its table and its bytes off the total */
  private release(x: Shared<unknown>): void {
    if (--x.holders > 0) return;
    const table = (this.resources.get(x.key) === x ? this.resources : this.scopes) as Map<string, Shared<unknown>>;
    if (table.get(x.key) === x) table.delete(x.key);
    this.bytes -= x.bytes;
  }

  /** entries this add call created that no stored item came to hold (every span in it was a re-send) */
  private releaseUnheld(): void {
    for (const x of this.fresh) {
      if (x.holders === 0) {
        x.holders = 1;
        this.release(x);
      }
    }
    this.fresh.length = 0;
  }

  /** the location of a span as the index records it (the same rule at record and at forget time) */
  private locate(s: Span, e: TraceEntry): RawLocation | null {
    const loc = locationSignal(s);
    if (loc || !e.logs) return loc;
    const logs = logsOf(e, s.spanId);
    return logs.length ? locationSignal(s, logs) : null;
  }

  addLogs(logs: LogRecord[], raw?: RawBatch): void {
    let gid = -1;
    if (this.backing && logs.length) {
      if (raw && 'gid' in raw) gid = raw.gid;
      else {
        const body = raw ? raw.body : Buffer.from(JSON.stringify(logsToOtlpData(logs, this.epoch)));
        gid = this.backing.append({ kind: 'logs', encoding: raw ? raw.encoding : 'json', body });
      }
    }
    this.insertLogs(logs, gid, true);
  }

  private insertLogs(logs: LogRecord[], gid: number, record: boolean): void {
    const touched = new Set<TraceEntry>();
    // spans that gain logs: a span with no location of its own may get one from its logs
    const relocate = this.index && record ? new Map<Span, LogRecord[]>() : undefined;
    let rawRes: Resource | undefined;
    let res: Shared<Resource> | undefined;
    let rawScope: Scope | undefined;
    let scope: Shared<Scope> | undefined;
    for (const l of logs) {
      if (l.resource !== rawRes) {
        rawRes = l.resource;
        res = this.canonicalResource(rawRes);
      }
      if (l.scope !== rawScope) {
        rawScope = l.scope;
        scope = this.canonicalScope(rawScope);
      }
      if (l.traceId && gid >= 0 && !this.traces.has(l.traceId)) {
        // a cold trace's log stays on disk: noted in the trace's groups, read with it
        const c = this.cold.get(l.traceId);
        if (c) {
          addRef(c.refs, gid);
          continue;
        }
      }
      l.resource = res!.value;
      l.scope = scope!.value;
      const b = estimateLogBytes(l);
      this.bytes += b;
      this.logCount++;
      if (!l.traceId) {
        res!.holders++;
        scope!.holders++;
        if (this.unlinkedLogs.length < MAX_UNLINKED_LOGS) {
          this.unlinkedLogs.push(l);
          this.unlinkedShared.push(res!, scope!);
        } else {
          const slot = this.unlinkedNext;
          const old = this.unlinkedLogs[slot];
          this.bytes -= estimateLogBytes(old);
          this.logCount--;
          this.release(this.unlinkedShared[2 * slot]);
          this.release(this.unlinkedShared[2 * slot + 1]);
          this.unlinkedLogs[slot] = l;
          this.unlinkedShared[2 * slot] = res!;
          this.unlinkedShared[2 * slot + 1] = scope!;
          this.unlinkedNext = (slot + 1) % MAX_UNLINKED_LOGS;
        }
        continue;
      }
      let e = this.traces.get(l.traceId);
      if (!e) {
        e = new TraceEntry(l.traceId, 'otlp', undefined);
        this.traces.set(l.traceId, e);
        this.bytes += e.bytes;
      }
      l.traceId = e.traceId;
      if (gid >= 0) addRef(e.refs, gid);
      e.bytes += b;
      hold(e, res!);
      hold(e, scope!);
      if (relocate && l.spanId) {
        const s = e.find(l.spanId);
        if (s && !relocate.has(s)) relocate.set(s, logsOf(e, l.spanId));
      }
      (e.logs ??= []).push(l);
      touched.add(e);
    }
    if (relocate && this.index) {
      for (const [s, before] of relocate) {
        try {
          if (locationSignal(s)) continue; // located by its own attributes: already recorded
          if (before.length && locationSignal(s, before)) continue; // recorded when earlier logs came
          const loc = locationSignal(s, logsOf(this.traces.get(s.traceId)!, s.spanId));
          if (loc) this.index.record(s, loc, this.epoch);
        } catch {
          this.hookErrors++;
        }
      }
    }
    for (const e of touched) if (e.spans.length) this.markChanged(e);
    this.releaseUnheld();
    this.statsDirty = true;
    this.schedule();
    this.evictIfNeeded(touched);
  }

  /** Trace summaries, newest (by start time) first. */
  summaries(): TraceSummary[] {
    const out: TraceSummary[] = [];
    for (const e of this.traces.values()) if (e.spans.length) out.push(this.summaryOf(e));
    for (const [id, c] of this.cold) if (!this.traces.has(id)) out.push(c.summary);
    out.sort((a, b) => b.startMs - a.startMs || (a.traceId < b.traceId ? -1 : 1));
    return out;
  }

  summary(traceId: string): TraceSummary | undefined {
    const e = this.traces.get(traceId);
    if (e && e.spans.length) return this.summaryOf(e);
    return this.cold.get(traceId)?.summary;
  }

  /**
   * The trace's entry: in memory, or for a cold trace one read from the backing for this question (it stays
   * cold: reading every trace of a search must not churn the memory set).
   */
  private entry(traceId: string): TraceEntry | undefined {
    const e = this.traces.get(traceId);
    if (e) return e;
    const c = this.cold.get(traceId);
    if (!c) return undefined;
    const t = this.transient;
    if (t && t.entry.traceId === traceId && t.refs === c.refs && t.refCount === c.refs.length) return t.entry;
    const got = this.readMany(new Map([[traceId, c.refs]])).get(traceId);
    if (!got || !got.spans.length) return undefined;
    const x = new TraceEntry(traceId, c.summary.source, c.summary.sourceName);
    x.pinned = c.summary.pinned;
    x.refs = c.refs;
    x.ids = new Map();
    for (const s of got.spans) {
      const prev = x.ids.get(s.spanId);
      if (prev && prev.start === s.start && prev.end === s.end && prev.name === s.name) continue;
      if (!prev) x.ids.set(s.spanId, s);
      x.spans.push(s);
    }
    if (got.logs.length) x.logs = got.logs;
    this.transient = { entry: x, refs: c.refs, refCount: c.refs.length };
    return x;
  }

  /** All stored spans of a trace in arrival order (the store's own array: do not modify). */
  spans(traceId: string): Span[] | undefined {
    const e = this.entry(traceId);
    return e && e.spans.length ? e.spans : undefined;
  }

  /** Trace ids holding spans of a service (index by service). */
  traceIdsForService(service: string): string[] {
    const set = this.byService.get(service);
    const out = set ? [...set].filter((e) => e.spans.length).map((e) => e.traceId) : [];
    for (const [id, c] of this.cold) if (!this.traces.has(id) && c.summary.services.includes(service)) out.push(id);
    return out;
  }

  services(): string[] {
    const all = new Set(this.byService.keys());
    for (const c of this.cold.values()) for (const svc of c.summary.services) all.add(svc);
    return [...all].sort();
  }

  /** Span ids of a trace that linked log records can place in the code (Python's logging handler), or null. */
  spansPlacedByLogs(traceId: string): Set<string> | null {
    const e = this.entry(traceId);
    if (!e || !e.logs) return null;
    let out: Set<string> | null = null;
    for (const l of e.logs) if (l.spanId && logLocates(l)) (out ??= new Set()).add(l.spanId);
    return out;
  }

  logsForSpan(traceId: string, spanId: string): LogRecord[] {
    const e = this.entry(traceId);
    return e ? logsOf(e, spanId) : [];
  }

  toOtlp(traceId: string): OtlpTracesData | undefined {
    const spans = this.spans(traceId);
    return spans ? spansToOtlp(spans, this.epoch) : undefined;
  }

  spanDetail(traceId: string, spanId: string): SpanDetail | undefined {
    const e = this.entry(traceId);
    const s = e?.find(spanId);
    if (!e || !s) return undefined;
    return {
      traceId: e.traceId,
      spanId: s.spanId,
      serviceName: s.resource.serviceName,
      span: spanToOtlp(s, this.epoch),
      resource: resourceToOtlp(s.resource),
      scope: scopeToOtlp(s.scope),
      logs: logsOf(e, spanId).map((l) => logToOtlp(l, this.epoch)),
    };
  }

  /**
   * Pinned traces are not evicted while they stay within PIN_SHARE of the caps. A pin that would take the
   * pinned traces over that share is refused, with a message saying so.
   */
  pin(traceId: string, pinned: boolean): PinResult {
    const e = this.traces.get(traceId);
    const c = e ? undefined : this.cold.get(traceId);
    if (c) {
      // on disk only: the memory caps do not apply, and the disk's eviction never takes a pinned trace
      if (c.summary.pinned !== pinned) {
        c.summary = { ...c.summary, pinned };
        this.control({ op: 'pin', traceId, pinned });
        this.pendingColdUpserts.add(traceId);
        this.statsDirty = true;
        this.schedule();
      }
      return { ok: true };
    }
    if (!e || !e.spans.length) return { ok: false, missing: true, message: `trace ${traceId} is not held` };
    if (pinned && !e.pinned) {
      const p = this.pinnedTotals();
      if (p.spans + e.spans.length > this.pinnedMaxSpans() || p.bytes + e.bytes > this.pinnedMaxBytes()) {
        return {
          ok: false,
          missing: false,
          message: `trace ${traceId} (${e.spans.length} spans, ~${mb(e.bytes)}) cannot be pinned: ${this.pinLimitText(p)}. ` +
            'Unpin other traces, or raise traceExplorer.store.maxSpans / maxMemoryMB (--max-spans / --max-bytes).',
        };
      }
    }
    if (e.pinned !== pinned) {
      e.pinned = pinned;
      this.control({ op: 'pin', traceId, pinned });
      this.markChanged(e);
    }
    return { ok: true };
  }

  private pinnedMaxSpans(): number {
    return Math.floor(this.maxSpans * PIN_SHARE);
  }

  private pinnedMaxBytes(): number {
    return this.maxBytes * PIN_SHARE;
  }

  private pinnedTotals(): { spans: number; bytes: number } {
    let spans = 0;
    let bytes = 0;
    for (const x of this.traces.values()) {
      if (x.pinned) {
        spans += x.spans.length;
        bytes += x.bytes;
      }
    }
    return { spans, bytes };
  }

  private pinLimitText(p: { spans: number; bytes: number }): string {
    return `pinned traces may hold at most half of the store's limits (${this.pinnedMaxSpans()} spans, ~${mb(this.pinnedMaxBytes())}), ` +
      `and hold ${p.spans} spans, ~${mb(p.bytes)} already`;
  }

  remove(traceId: string): boolean {
    const e = this.traces.get(traceId);
    const c = this.cold.get(traceId);
    if (!e && !c) return false;
    this.control({ op: 'remove', traceId });
    if (c) this.dropCold(traceId, c);
    if (e) this.drop(e);
    this.statsDirty = true;
    this.schedule();
    return true;
  }

  clear(): void {
    this.traces.clear();
    this.cold = new Map();
    this.coldSpans = 0;
    this.pendingColdUpserts.clear();
    this.groupCache.clear();
    this.transient = undefined;
    this.backing?.clear();
    this.resources = new Map();
    this.scopes = new Map();
    this.byService.clear();
    this.runInfo = new Map();
    this.baselineRuns = new Map();
    this.unlinkedLogs = [];
    this.unlinkedShared = [];
    this.unlinkedNext = 0;
    this.spanCount = 0;
    this.traceTotal = 0;
    this.logCount = 0;
    this.bytes = 0;
    this.evicted = 0;
    this.evictingNow = false;
    this.index?.clear();
    this.index?.takeChangedKeys();
    this.observer?.cleared();
    this.pendingUpserts.clear();
    this.pendingRemoved.clear();
    this.emit({ type: 'cleared' });
    this.statsDirty = true;
    this.schedule();
  }

  // ---- the backing (src/store/persist/): cold traces, snapshots, replay, disk eviction -------------------

  /** a trace the store lists (in memory or on disk only) */
  holds(traceId: string): boolean {
    const e = this.traces.get(traceId);
    return (e !== undefined && e.spans.length > 0) || this.cold.has(traceId);
  }

  /** traces held on disk only */
  coldCount(): number {
    return this.cold.size;
  }

  private control(op: ControlOp): void {
    if (this.backing && !this.replaying) this.backing.append({ kind: 'control', op });
  }

  private dropCold(traceId: string, c: ColdTrace): void {
    this.cold.delete(traceId);
    this.coldSpans -= c.summary.spanCount;
    this.pendingColdUpserts.delete(traceId);
    this.pendingRemoved.add(traceId);
    this.statsDirty = true;
    this.schedule();
  }

  /** brings a cold trace back into memory from its groups (its statistics were counted when it came) */
  private hydrate(traceId: string): void {
    const c = this.cold.get(traceId);
    if (!c) return;
    this.cold.delete(traceId);
    this.coldSpans -= c.summary.spanCount;
    this.pendingColdUpserts.delete(traceId);
    const got = this.readMany(new Map([[traceId, c.refs]])).get(traceId);
    if (!got || !got.spans.length) {
      // its data is gone (a damaged or deleted group): no longer listed
      this.pendingRemoved.add(traceId);
      this.statsDirty = true;
      this.schedule();
      return;
    }
    const e = new TraceEntry(traceId, c.summary.source, c.summary.sourceName);
    e.refs = c.refs;
    e.pinned = c.summary.pinned;
    this.traces.set(traceId, e);
    this.bytes += e.bytes;
    this.insert(got.spans, { kind: e.source, name: e.sourceName }, -1, false);
    if (got.logs.length && this.traces.get(traceId) === e) this.insertLogs(got.logs, -1, false);
  }

  /** the spans and logs of traces read from their groups, each group decoded once */
  private readMany(want: Map<string, number[]>): Map<string, { spans: Span[]; logs: LogRecord[] }> {
    const out = new Map<string, { spans: Span[]; logs: LogRecord[] }>();
    if (!this.backing) return out;
    const byGroup = new Map<number, string[]>();
    for (const [id, refs] of want) {
      for (const g of refs) {
        let l = byGroup.get(g);
        if (!l) byGroup.set(g, (l = []));
        l.push(id);
      }
    }
    const slot = (id: string) => {
      let x = out.get(id);
      if (!x) out.set(id, (x = { spans: [], logs: [] }));
      return x;
    };
    for (const g of [...byGroup.keys()].sort((a, b) => a - b)) {
      const decoded = this.decodedGroup(g);
      if (!decoded) continue;
      for (const id of byGroup.get(g)!) {
        const x = decoded.get(id);
        if (!x) continue;
        const o = slot(id);
        for (const sp of x.spans) o.spans.push(sp);
        for (const l of x.logs) o.logs.push(l);
      }
    }
    return out;
  }

  /** a group's spans and logs by trace (cached once it is written) */
  private decodedGroup(g: number): Map<string, { spans: Span[]; logs: LogRecord[] }> | undefined {
    const hit = this.groupCache.get(g);
    if (hit) {
      this.groupCache.delete(g);
      this.groupCache.set(g, hit);
      return hit;
    }
    const entries = this.backing?.readGroup(g);
    if (!entries) return undefined;
    const m = new Map<string, { spans: Span[]; logs: LogRecord[] }>();
    const slot = (id: string) => {
      let x = m.get(id);
      if (!x) m.set(id, (x = { spans: [], logs: [] }));
      return x;
    };
    for (const en of entries) {
      try {
        if (en.kind === 'traces') {
          const b = en.encoding === 'protobuf' ? decodeTraces(en.body, this.epoch) : decodeTracesJson(en.body, this.epoch);
          for (const sp of b.spans) slot(sp.traceId).spans.push(sp);
        } else if (en.kind === 'logs') {
          const b = en.encoding === 'protobuf' ? decodeLogs(en.body, this.epoch) : decodeLogsJson(en.body, this.epoch);
          for (const l of b.logs) if (l.traceId) slot(l.traceId).logs.push(l);
        }
      } catch {
        // an entry that no longer decodes costs only its own spans
      }
    }
    if (this.backing!.sealed(g)) {
      this.groupCache.set(g, m);
      if (this.groupCache.size > GROUP_CACHE) this.groupCache.delete(this.groupCache.keys().next().value!);
    }
    return m;
  }

  /** What a checkpoint keeps: every listed trace with its summary and groups, the runs and baselines. */
  snapshot(): StoreSnapshot {
    const traces: ColdTrace[] = [];
    // forEach: no [id, c] pair built per trace (at a million spans this runs in one turn of the event loop)
    this.cold.forEach((c, id) => {
      if (!this.traces.has(id)) traces.push(c);
    });
    // traces in memory keep changing while a checkpoint is encoded: their parts are copied
    for (const e of this.traces.values()) {
      if (e.spans.length && e.refs.length) traces.push({ summary: this.summaryOf(e), refs: e.refs.slice(), runs: e.runs.map((t) => ({ ...t })) });
    }
    return { epochSec: this.epoch.sec, runs: [...this.runInfo.values()], baselines: [...this.baselineRuns], traces };
  }

  /** Lists a checkpoint's traces (cold: read back when used); groups `live` rejects are gone. */
  restore(snap: RestoredSnapshot, live: (gid: number) => boolean): void {
    for (const r of snap.runs) this.runInfo.set(r.runId, r);
    for (const [svc, run] of snap.baselines) this.baselineRuns.set(svc, run);
    const rows = snap.traces;
    for (let i = 0; i < rows.length; i++) {
      const id = rows.traceId(i);
      if (this.cold.has(id)) continue;
      const c = rows.trace(i, live);
      if (!c) continue;
      this.cold.set(id, c);
      this.coldSpans += rows.spanCount(i);
    }
    this.statsDirty = true;
    this.schedule();
  }

  /** Applies a group the backing wrote before (after its checkpoint): as received, nothing appended again. */
  replayGroup(gid: number, entries: RawEntry[]): void {
    this.replaying = true;
    try {
      for (const en of entries) {
        try {
          if (en.kind === 'traces') {
            const b = en.encoding === 'protobuf' ? decodeTraces(en.body, this.epoch) : decodeTracesJson(en.body, this.epoch);
            const src: SpanSource = { kind: en.source };
            if (en.name !== undefined) src.name = en.name;
            if (b.spans.length) this.addSpans(b.spans, src, { gid });
          } else if (en.kind === 'logs') {
            const b = en.encoding === 'protobuf' ? decodeLogs(en.body, this.epoch) : decodeLogsJson(en.body, this.epoch);
            if (b.logs.length) this.addLogs(b.logs, { gid });
          } else this.applyControl(en.op);
        } catch {
          // an entry that no longer decodes costs only its own spans
        }
      }
    } finally {
      this.replaying = false;
    }
  }

  private applyControl(op: ControlOp): void {
    if (op.op === 'pin') this.pin(op.traceId, op.pinned);
    else if (op.op === 'remove') this.remove(op.traceId);
    else if (op.runId === null) this.baselineRuns.delete(op.service);
    else this.baselineRuns.set(op.service, op.runId);
  }

  /**
   * The backing is about to delete its groups below `minGid` (size or age limit): every trace with data
   * there goes whole, except pinned ones, which are written again (as OTLP JSON) into the newest group
   * first. Returns how many traces went.
   */
  evictGroupsBefore(minGid: number): number {
    const rewrite: string[] = [];
    const gone: string[] = [];
    for (const e of this.traces.values()) if (e.spans.length && e.refs.length && e.refs[0] < minGid) (e.pinned ? rewrite : gone).push(e.traceId);
    for (const [id, c] of this.cold) if (!this.traces.has(id) && c.refs[0] < minGid) (c.summary.pinned ? rewrite : gone).push(id);
    for (const id of rewrite) this.rewrite(id);
    for (const g of [...this.groupCache.keys()]) if (g < minGid) this.groupCache.delete(g);
    this.transient = undefined;
    for (const id of gone) {
      const c = this.cold.get(id);
      const e = this.traces.get(id);
      if (c) this.dropCold(id, c);
      if (e) this.drop(e);
      this.control({ op: 'remove', traceId: id });
      this.evicted++;
    }
    if (gone.length && !this.evictingNow) {
      this.evictingNow = true;
      this.onEvictionStart?.();
    }
    this.statsDirty = true;
    this.schedule();
    return gone.length;
  }

  private rewrite(traceId: string): void {
    const e = this.entry(traceId);
    if (!e || !this.backing) return;
    const entry: RawEntry = { kind: 'traces', encoding: 'json', body: Buffer.from(JSON.stringify(spansToOtlp(e.spans, this.epoch))), source: e.source };
    if (e.sourceName !== undefined) entry.name = e.sourceName;
    const refs = [this.backing.append(entry)];
    if (e.logs?.length) addRef(refs, this.backing.append({ kind: 'logs', encoding: 'json', body: Buffer.from(JSON.stringify(logsToOtlpData(e.logs, this.epoch))) }));
    const c = this.traces.has(traceId) ? undefined : this.cold.get(traceId);
    if (c) c.refs = refs;
    else e.refs = refs;
  }

  /**
   * Counts spans read back from the backing in the location statistics and the observer (their rebuild
   * after a restart: neither is kept on disk). Parents are looked up among the same batch.
   */
  recordLocations(spans: Span[]): void {
    const byId = this.observer ? new Map<string, Span>() : undefined;
    if (byId) for (const s of spans) if (!byId.has(s.traceId + s.spanId)) byId.set(s.traceId + s.spanId, s);
    for (const s of spans) {
      if (!this.holds(s.traceId)) continue;
      try {
        const loc = this.index ? locationSignal(s) : null;
        if (loc) this.index!.record(s, loc, this.epoch);
        if (byId) this.observer!.spanAdded(s, (id) => byId.get(s.traceId + id), this.epoch);
      } catch {
        this.hookErrors++;
      }
    }
  }

  // ---- runs (src/store/runs.ts) ---------------------------------------------------------------------

  /** The runs the store holds traces of, newest (by first span) first; optionally of one service only. */
  runs(service?: string): RunSummary[] {
    const acc = new Map<string, { min: number; max: number; traces: number; spans: number; errors: number }>();
    const tallies: RunTally[][] = [];
    for (const e of this.traces.values()) if (e.spans.length) tallies.push(e.runs);
    for (const [id, c] of this.cold) if (!this.traces.has(id)) tallies.push(c.runs);
    for (const runs of tallies) {
      for (const t of runs) {
        const a = acc.get(t.runId);
        if (!a) acc.set(t.runId, { min: t.minStart, max: t.maxEnd, traces: 1, spans: t.spans, errors: t.errors });
        else {
          if (t.minStart < a.min) a.min = t.minStart;
          if (t.maxEnd > a.max) a.max = t.maxEnd;
          a.traces++;
          a.spans += t.spans;
          a.errors += t.errors;
        }
      }
    }
    const out: RunSummary[] = [];
    for (const [runId, a] of acc) {
      const info = this.runInfo.get(runId);
      if (!info || (service !== undefined && info.service !== service)) continue;
      const r: RunSummary = {
        ...info,
        startedMs: this.epoch.toUnixMs(a.min),
        lastMs: this.epoch.toUnixMs(a.max),
        traceCount: a.traces,
        spanCount: a.spans,
        errorCount: a.errors,
        baseline: this.baselineRuns.get(info.service) === runId,
      };
      out.push(r);
    }
    out.sort((a, b) => b.startedMs - a.startedMs || (a.runId < b.runId ? -1 : 1));
    return out;
  }

  /** Per operation and per code location statistics of one run, or undefined when no trace holds it. */
  runStats(runId: string): RunStats | undefined {
    if (!this.runInfo.has(runId)) return undefined;
    const traces: Span[][] = [];
    for (const e of this.traces.values()) if (e.spans.length && e.runs.some((t) => t.runId === runId)) traces.push(e.spans);
    // cold traces are read without coming back into memory (a run can hold more than memory does)
    const cold = new Map<string, number[]>();
    for (const [id, c] of this.cold) if (!this.traces.has(id) && c.runs.some((t) => t.runId === runId)) cold.set(id, c.refs);
    if (cold.size) for (const got of this.readMany(cold).values()) traces.push(got.spans);
    if (!traces.length) return undefined;
    return runStats(runId, traces);
  }

  /** Makes a run its service's baseline; false when the store holds no such run (or it is of another service). */
  setBaseline(service: string, runId: string): boolean {
    const info = this.runInfo.get(runId);
    if (!info || info.service !== service) return false;
    if (this.baselineRuns.get(service) !== runId) this.control({ op: 'baseline', service, runId });
    this.baselineRuns.set(service, runId);
    return true;
  }

  clearBaseline(service: string): void {
    if (this.baselineRuns.delete(service)) this.control({ op: 'baseline', service, runId: null });
  }

  /** service → baseline run id */
  baselines(): Record<string, string> {
    return Object.fromEntries(this.baselineRuns);
  }

  stats(): StoreStats {
    return {
      spans: this.spanCount + this.coldSpans,
      traces: this.traceTotal + this.cold.size,
      logs: this.logCount,
      approxBytes: this.bytes,
      maxSpans: this.maxSpans,
      maxBytes: this.maxBytes,
      evictedTraces: this.evicted,
      evicting: this.evictingNow,
    };
  }

  /** Subscribes to change events; returns the unsubscribe function. */
  onChange(fn: (e: ReceiverEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Emits the pending change events now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const upserts = this.pendingUpserts;
    const removed = this.pendingRemoved;
    const coldUpserts = this.pendingColdUpserts;
    this.pendingUpserts = new Set();
    this.pendingRemoved = new Set();
    this.pendingColdUpserts = new Set();
    const keys = this.index ? this.index.takeChangedKeys() : [];
    if (this.listeners.size === 0) {
      this.statsDirty = false;
      return;
    }
    if (upserts.size || removed.size || coldUpserts.size) {
      const upserted: TraceSummary[] = [];
      for (const e of upserts) if (e.spans.length && this.traces.get(e.traceId) === e) upserted.push(this.summaryOf(e));
      for (const id of coldUpserts) {
        const c = this.traces.has(id) ? undefined : this.cold.get(id);
        if (c) upserted.push(c.summary);
      }
      this.emit({ type: 'traces', upserted, removed: [...removed] });
    }
    if (this.statsDirty) {
      this.statsDirty = false;
      const s = this.stats();
      this.emit({ type: 'stats', spans: s.spans, traces: s.traces, logs: s.logs, evicting: s.evicting, evictedTraces: s.evictedTraces });
    }
    if (keys.length) this.emit({ type: 'locations', keys });
  }

  /** Stops the event timer (pending events are dropped). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  // ---- internals ------------------------------------------------------------------------------------

  private emit(e: ReceiverEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch {
        // a listener's failure must not break ingest or the other listeners
      }
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.eventIntervalMs);
    this.timer.unref?.();
  }

  private markChanged(e: TraceEntry): void {
    e.summary = null;
    this.pendingUpserts.add(e);
    this.statsDirty = true;
    this.schedule();
  }

  private summaryOf(e: TraceEntry): TraceSummary {
    if (e.summary) return e.summary;
    const root = e.spans[e.root];
    const broken = brokenParents(e.spans);
    const durNs = Math.max(0, e.maxEnd - e.minStart);
    const s: TraceSummary = {
      traceId: e.traceId,
      rootName: root.name,
      rootService: root.resource.serviceName,
      services: [...e.services],
      spanCount: e.spans.length,
      errorCount: e.errorCount,
      startTimeUnixNano: this.epoch.toDecimal(e.minStart),
      durationNano: String(durNs),
      startMs: this.epoch.toUnixMs(e.minStart),
      durationMs: durNs / 1e6,
      pinned: e.pinned,
      source: e.source,
      brokenParents: broken,
    };
    if (e.sourceName !== undefined) s.sourceName = e.sourceName;
    if (e.refused) s.refusedSpans = e.refused;
    s.runId = runOf(root.resource).runId;
    const target = rootTarget(root.name, root.attrs);
    if (target !== undefined) s.rootTarget = target;
    e.summary = s;
    return s;
  }

  /** `toCold`: the trace stays listed from the backing, its statistics stay counted */
  private drop(e: TraceEntry, toCold = false): void {
    this.traces.delete(e.traceId);
    for (const svc of e.services) {
      const set = this.byService.get(svc);
      if (set) {
        set.delete(e);
        if (set.size === 0) this.byService.delete(svc);
      }
    }
    if (this.index && !toCold && !this.backing) {
      for (const s of e.spans) {
        try {
          const loc = this.locate(s, e);
          if (loc) this.index.forget(s, loc, this.epoch);
        } catch {
          this.hookErrors++;
        }
      }
    }
    if (this.observer && e.spans.length && !toCold) {
      try {
        this.observer.traceDropped(e.traceId, e.spans, this.epoch);
      } catch {
        this.hookErrors++;
      }
    }
    this.spanCount -= e.spans.length;
    if (e.spans.length) this.traceTotal--;
    this.logCount -= e.logs ? e.logs.length : 0;
    this.bytes -= e.bytes;
    for (const x of e.shared) this.release(x);
    e.shared = [];
    e.sharedSet = null;
    this.pendingUpserts.delete(e);
    if (e.spans.length && !toCold) this.pendingRemoved.add(e.traceId);
  }

  /**
   * Drops whole traces, oldest first, pinned ones never, until both caps hold. The traces `justTouched` (an
   * app's newest, as they arrive) are spared, unless they are over the caps on their own: then the oldest of
   * them go first, and older traces only if that is still not enough (dropping those could not have made
   * room). Returns the ids of the touched traces that went.
   */
  private evictIfNeeded(justTouched: Set<TraceEntry>): Set<string> {
    const lost = new Set<string>();
    const over = () => this.spanCount > this.maxSpans || this.bytes > this.maxBytes;
    if (!over()) return lost;
    this.unpinOverShare();
    let keptSpans = 0;
    let keptBytes = 0;
    for (const e of this.traces.values()) {
      if (e.pinned || justTouched.has(e)) {
        keptSpans += e.spans.length;
        keptBytes += e.bytes;
      }
    }
    for (const e of this.traces.values()) {
      if (keptSpans <= this.maxSpans && keptBytes <= this.maxBytes) break;
      if (e.pinned || !justTouched.has(e)) continue;
      keptSpans -= e.spans.length;
      keptBytes -= e.bytes;
      if (!this.backing) lost.add(e.traceId);
      this.evict(e);
    }
    for (const e of this.traces.values()) {
      if (!over()) break;
      if (!e.pinned && !justTouched.has(e)) this.evict(e);
    }
    this.statsDirty = true;
    this.schedule();
    return lost;
  }

  /** when pinned traces have grown past their share (spans kept arriving), the oldest pins give way */
  private unpinOverShare(): void {
    const p = this.pinnedTotals();
    if (p.spans <= this.pinnedMaxSpans() && p.bytes <= this.pinnedMaxBytes()) return;
    const why = this.pinLimitText(p);
    const dropped: string[] = [];
    for (const e of this.traces.values()) {
      if (p.spans <= this.pinnedMaxSpans() && p.bytes <= this.pinnedMaxBytes()) break;
      if (!e.pinned) continue;
      e.pinned = false;
      p.spans -= e.spans.length;
      p.bytes -= e.bytes;
      dropped.push(e.traceId);
      this.markChanged(e);
    }
    this.onPinsDropped?.(dropped, why);
  }

  private evict(e: TraceEntry): void {
    if (this.backing) {
      // out of memory, still on disk: listed from its summary, read back when opened
      if (e.spans.length) {
        const c: ColdTrace = { summary: this.summaryOf(e), refs: e.refs, runs: e.runs };
        this.cold.delete(e.traceId); // re-inserted at the end: the newest to leave memory
        this.cold.set(e.traceId, c);
        this.coldSpans += e.spans.length;
      }
      this.drop(e, true);
      return;
    }
    this.drop(e);
    if (e.spans.length) this.evicted++;
    if (!this.evictingNow) {
      this.evictingNow = true;
      this.onEvictionStart?.();
    }
  }
}

/** a group number into a trace's ascending list, once */
function addRef(refs: number[], gid: number): void {
  const n = refs.length;
  if (n === 0 || refs[n - 1] < gid) refs.push(gid);
  else if (!refs.includes(gid)) {
    refs.push(gid);
    refs.sort((a, b) => a - b);
  }
}

/** log records as an OTLP JSON logs document (one resource and scope entry per record: rare, small) */
function logsToOtlpData(logs: LogRecord[], epoch: EpochNs): unknown {
  return {
    resourceLogs: logs.map((l) => ({ resource: resourceToOtlp(l.resource), scopeLogs: [{ scope: scopeToOtlp(l.scope), logRecords: [logToOtlp(l, epoch)] }] })),
  };
}

/** the trace refers to a shared resource or scope (counted once per trace) */
function hold(e: TraceEntry, x: Shared<unknown>): void {
  if (e.sharedSet) {
    if (e.sharedSet.has(x)) return;
    e.sharedSet.add(x);
  } else {
    if (e.shared.includes(x)) return;
    if (e.shared.length >= 16) e.sharedSet = new Set([...e.shared, x]);
  }
  e.shared.push(x);
  x.holders++;
}

/** an exact identity string for an attribute list (types kept apart: 1 int ≠ 1 double ≠ "1") */
export function attrsKey(attrs: Attrs): string {
  let k = '';
  for (let i = 0; i < attrs.length; i += 2) k += `${attrs[i] as string}\u0000${valueKey(attrs[i + 1] as AttrValue)}\u0001`;
  return k;
}

function valueKey(v: AttrValue): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'boolean':
      return v ? 't' : 'f';
    case 'bigint':
      return `i${v}`;
    case 'number':
      return `d${v}`;
  }
  if (v instanceof Uint8Array) return `b${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}`;
  if (v instanceof KvList) return `k{${attrsKey(v.kv)}}`;
  return `a[${v.map(valueKey).join('\u0003')}]`;
}

/** spans whose parent is missing, themselves, or part of a parent cycle (as buildTree flags them) */
export function brokenParents(spans: Span[]): number {
  const n = spans.length;
  if (n > SCAN_LIMIT) {
    const tree = buildTree(spans);
    const bad = TreeFlag.Orphan | TreeFlag.SelfParent | TreeFlag.Cycle;
    let broken = 0;
    for (let i = 0; i < n; i++) if (tree.flags[i] & bad) broken++;
    return broken;
  }
  // small traces (most of them): linear scans, no allocation beyond one small array
  const parent: number[] = new Array<number>(n);
  let broken = 0;
  for (let i = 0; i < n; i++) {
    const p = spans[i].parentSpanId;
    parent[i] = -1;
    if (p === '') continue;
    if (p === spans[i].spanId) {
      broken++;
      continue;
    }
    let j = 0;
    while (j < n && spans[j].spanId !== p) j++;
    if (j === n) broken++;
    else parent[i] = j;
  }
  // a span is in a cycle when walking up from it comes back to it
  for (let i = 0; i < n; i++) {
    let j = parent[i];
    for (let steps = 0; j !== -1 && j !== i && steps < n; steps++) j = parent[j];
    if (j === i) broken++;
  }
  return broken;
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

function logsOf(e: TraceEntry, spanId: string): LogRecord[] {
  if (!e.logs) return [];
  const out: LogRecord[] = [];
  for (const l of e.logs) if (l.spanId === spanId) out.push(l);
  return out;
}
