// JSON shapes of the receiver's query API (served by src/receiver/api.ts, read by src/receiver/apiClient.ts).
// Plain JSON only (no bigint, no Map): 64-bit values are decimal strings. Importable from the webview too.
import type { OtlpLogRecord, OtlpResource, OtlpScope, OtlpSpan } from '../model/otlpJson';

export interface TraceSummary {
  traceId: string;
  rootName: string;
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
}

export interface PortState {
  port: number; // the port asked for (or bound, when 0 was asked)
  listening: boolean;
  error?: string; // e.g. 'EADDRINUSE: 127.0.0.1:4318 is already in use'
}

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
  startedAt: number; // Unix ms
  clients: number; // connected editor windows (event streams)
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
