// What the agent operations read: the receiver's query API, as src/receiver/apiClient.ts's ApiClient offers
// it (the MCP server and the editor both hand theirs in; tests may hand in anything shaped like it), and how
// a raw code location becomes a workspace path. Read-only on purpose: nothing here can pin, remove, import or
// clear, so no operation can change the receiver.
import type { OtlpTracesData } from '../model/otlpJson';
import type { SpanDetail, TraceSummary } from '../protocol/api';
import type { RawLocation } from '../source/signal';

export interface TraceSource {
  traces(options?: { service?: string; limit?: number }): Promise<TraceSummary[]>;
  summary(traceId: string): Promise<TraceSummary | undefined>;
  trace(traceId: string): Promise<OtlpTracesData | undefined>;
  packedTrace(traceId: string): Promise<Uint8Array | undefined>;
  spanDetail(traceId: string, spanId: string): Promise<SpanDetail | undefined>;
  locations<T = unknown>(sinceMs?: number): Promise<T>;
}

/** `file:line` of a raw location in the workspace (relative to it, '/'-separated), or undefined when the
 *  location is not a workspace file. Called only for what an answer shows, so it may do some work. */
export type PlaceFn = (loc: RawLocation) => string | undefined;

export interface AgentContext {
  source: TraceSource;
  place?: PlaceFn;
  /** Unix ms; tests fix it */
  now?: () => number;
  /** the most an answer may take, in characters of its text (default ANSWER_BUDGET) */
  budget?: number;
}
