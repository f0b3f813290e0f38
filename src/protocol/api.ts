// JSON shapes of the receiver's query API (served by src/receiver/api.ts, read by src/receiver/apiClient.ts).
// Plain JSON only (no bigint, no Map): 64-bit values are decimal strings. Importable from the webview too.
import type { OtlpLogRecord, OtlpResource, OtlpScope, OtlpSpan } from '../model/otlpJson';

/**
 * `GET /api/traces/{id}/packed?head=N` answers frames of this type: each frame a u32 little-endian byte
 * length, then a packed trace (src/protocol/packedTrace.ts). When the trace has more than N rows the first
 * frame is its head (the first N rows, flagged partial); the last frame is always the whole trace. With
 * `&rest=0` the answer ends after the head (the whole trace is then asked for with a plain `/packed`).
 */
export const PACKED_FRAMES_TYPE = 'application/vnd.trace-explorer.packed-frames';

export interface TraceSummary {
  traceId: string;
  rootName: string;
  /** when the root span is named by its HTTP method alone ("GET"): its http.route, else its path */
  rootTarget?: string;
  rootService: string;
  services: string[];
  spanCount: number;
  errorCount: number;
  /** Unix ns, decimal string */
  startTimeUnixNano: string;
  /** ns, decimal string */
  durationNano: string;
  /** convenience for display and sorting (not exact) */
  startMs: number;
  durationMs: number;
  pinned: boolean;
  /** 'otlp' = received by the receiver; 'file' = opened from a trace file */
  source: 'otlp' | 'file';
  sourceName?: string;
  /** spans whose parent is missing, self-parented or in a cycle */
  brokenParents: number;
  /** the run (src/store/runs.ts) of the trace's root span */
  runId?: string;
  /** spans not kept because this trace alone held the store's limits (memory-only store) */
  refusedSpans?: number;
}

// ---- runs: GET /api/runs, GET /api/runs/{runId}/stats, PUT|DELETE /api/runs/baseline ------------------

/** One start of a traced program: (service.name, service.instance.id), else (service.name, process.pid, host.name). */
export interface RunSummary {
  runId: string;
  service: string;
  instanceId?: string;
  pid?: number;
  hostName?: string;
  /** Unix ms of the run's first and last stored span */
  startedMs: number;
  lastMs: number;
  /** traces holding spans of the run, and those spans */
  traceCount: number;
  spanCount: number;
  errorCount: number;
  /** the run is its service's baseline */
  baseline: boolean;
}

/** one operation of a run: spans with this service, name and kind */
export interface OpStats {
  service: string;
  name: string;
  kind: number;
  count: number;
  p50Ms: number;
  p95Ms: number;
  errors: number;
}

/** one code location of a run (the span's location signal, src/source/signal.ts), raw as the telemetry says it */
export interface LocStats {
  file: string;
  line?: number;
  function?: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  errors: number;
}

export interface RunStats {
  runId: string;
  operations: OpStats[];
  locations: LocStats[];
}

/** The one `{"event":"listening",…}` line the receiver process prints on stdout once its ports are open
 *  (written by src/receiver/receiver.ts, read back by the extension host from the receiver's log). A port
 *  that could not be bound is `null`, with the reason in `errors`. */
export interface ListeningLine {
  event: 'listening';
  http: number | null;
  grpc: number | null;
  api: number;
  token: string;
  pid: number;
  host: string;
  version: string;
  errors?: { http?: string; grpc?: string };
}

export interface PortState {
  port: number; // the port asked for (or bound, when 0 was asked)
  listening: boolean;
  error?: string; // e.g. 'EADDRINUSE: 127.0.0.1:4318 is already in use'
  code?: string; // the bind error's code, e.g. 'EADDRINUSE'
}

/**
 * Why a port is not open, as the user would fix it: another program holds it (choose another port or point
 * that program here), the system refuses the port (a privileged one), the host setting is no address of this
 * machine, or something else (the log says what).
 */
export type PortProblem = 'inUse' | 'noPermission' | 'badHost' | 'other';

export function portProblem(p: PortState): PortProblem | undefined {
  if (p.listening) return undefined;
  // receivers before `code` existed put it at the start of `error`
  const code = p.code ?? /^([A-Z]+):/.exec(p.error ?? '')?.[1];
  if (code === 'EADDRINUSE') return 'inUse';
  if (code === 'EACCES') return 'noPermission';
  if (code === 'EADDRNOTAVAIL') return 'badHost';
  return 'other';
}

/** The problems of a receiver's two OTLP ports that are not open (empty when both are). */
export function portProblems(h: { http: PortState; grpc: PortState }): PortProblem[] {
  const out: PortProblem[] = [];
  for (const p of [h.http, h.grpc]) {
    const problem = portProblem(p);
    if (problem) out.push(problem);
  }
  return out;
}

/** A few words for the status bar: `:4318 in use`. */
export const PORT_PROBLEM_WORDS: Record<PortProblem, string> = {
  inUse: 'in use',
  noPermission: 'not allowed',
  badHost: 'bad host',
  other: 'not open',
};

export interface HealthInfo {
  version: string;
  pid: number;
  host: string;
  http: PortState;
  grpc: PortState;
  api: number;
  spans: number;
  traces: number;
  logs: number;
  maxSpans: number;
  maxBytes: number;
  approxBytes: number;
  evictedTraces: number;
  /** eviction has started since the last clear */
  evicting: boolean;
  /** what it was started with (receivers before these were reported leave them out) */
  maxBody?: number;
  cors?: string[];
  idleExitMs?: number;
  /** the persistent store (absent: memory only) */
  store?: StoreHealth;
  startedAt: number; // Unix ms
  clients: number; // connected editor windows (event streams)
}

export interface StoreHealth {
  dir: string;
  bytesOnDisk: number;
  maxDiskBytes: number;
  maxAgeMs: number;
  /** traces listed from disk only (not held in memory) */
  coldTraces: number;
  /** something about the store the user should know (a damaged store was set aside) */
  notice?: string;
}

export interface SpanDetail {
  traceId: string;
  spanId: string;
  serviceName: string;
  span: OtlpSpan;
  resource: OtlpResource;
  scope: OtlpScope;
  /** log records linked to this span by trace and span id */
  logs: OtlpLogRecord[];
}

/** Server-sent events on GET /api/events (`data:` lines hold one of these). */
export type ReceiverEvent =
  | { type: 'hello'; health: HealthInfo }
  | { type: 'traces'; upserted: TraceSummary[]; removed: string[] }
  | { type: 'stats'; spans: number; traces: number; logs: number; evicting: boolean; evictedTraces: number }
  | { type: 'locations'; keys: string[] }
  | { type: 'cleared' };

// ---- GET /api/locations (src/stats/locationIndex.ts `LocationIndex.query`) ----------------------------

/** A span behind a location statistic. */
export interface LocationCall {
  traceId: string;
  spanId: string;
  startMs: number; // Unix ms
  durationMs: number;
  error: boolean;
}

export interface LocationFrame {
  file: string;
  line: number;
  column?: number;
  function?: string;
}

export interface LocationError {
  /** null once the failing span has left the store */
  traceId: string | null;
  spanId: string | null;
  timeMs: number;
  type: string;
  message: string;
  /** the first user frame of the exception's stack trace: where it was thrown */
  throwFrame: LocationFrame | null;
  /** with detail only: the top user frames of its stack trace, innermost first (the full text stays in the
   *  span: GET /api/traces/{id}/spans/{spanId}) */
  userFrames?: LocationFrame[];
}

/** Statistics of one raw code location (as the telemetry says it, not yet resolved to a workspace file). */
export interface LocationStats {
  /** identity of the raw location (src/source/signal.ts locationKey); `locations` events carry these */
  key: string;
  file?: string;
  line?: number;
  column?: number;
  function?: string;
  namespace?: string;
  layer: 'attributes' | 'stacktrace' | 'log' | 'name';
  services: string[];
  /** the operations (span names, "GET /stock" for a span named by its HTTP method) seen here, at most 8 */
  operations?: string[];
  calls: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** true: computed from every call in the window; false: from the log histogram (±4.5%) */
  exact: boolean;
  slowest: LocationCall | null;
  latestError: LocationCall | null;
  lastError?: LocationError;
  lastSeenMs: number;
  /** with detail only: up to 10 recent calls in the window, newest first */
  recent?: LocationCall[];
  /** with detail only: call counts in log-spaced bins from loMs to hiMs */
  distribution?: { loMs: number; hiMs: number; counts: number[] };
}

export interface LocationsResponse {
  sinceMs: number | null;
  /** the window actually used: the start of the time slice holding sinceMs (null = all stored) */
  windowStartMs: number | null;
  nowMs: number;
  /** locations with at least one call in the window */
  locations: LocationStats[];
  /** locations not kept because the index is full */
  droppedLocations: number;
}
