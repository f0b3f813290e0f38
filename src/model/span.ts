// The store's own representation of telemetry. Decoders (protobuf, JSON, importers) produce these
// directly; everything that needs OTLP JSON converts with src/otlp/toOtlpJson.ts.
//
// Memory matters (the store holds up to millions of spans), so:
//  - attributes are a flat array [key0, value0, key1, value1, ...] (see attrs.ts), not objects per attribute;
//  - a batch's resource and scope objects are shared by all of its spans;
//  - ids are lowercase hex strings; a trace's spans share the one traceId string instance where possible.
//
// Time: a 64-bit Unix-nanosecond timestamp does not fit a double (~256 ns steps today), which shows up as
// jittering or negative sub-microsecond durations. Spans therefore hold times as exact nanosecond offsets
// from the store's epoch (`EpochNs`, a whole second chosen once per store); doubles are exact up to
// 2^53 ns (~104 days) either side of it. Convert back with time.ts.

/**
 * One attribute value. Integers are bigint (OTLP intValue) so they stay distinct from doubles (number)
 * and keep 64-bit precision; bytes are Uint8Array; a kvlist is a KvList.
 */
export type AttrValue = string | boolean | number | bigint | Uint8Array | AttrValue[] | KvList | null;

/** Flat attribute list: even indexes are keys (string), odd indexes the values (AttrValue). */
export type Attrs = Array<string | AttrValue>;

export class KvList {
  constructor(public readonly kv: Attrs) {}
}

export interface Resource {
  attrs: Attrs;
  /** `service.name`, or 'unknown_service' as the specification says when absent. */
  serviceName: string;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface Scope {
  name: string;
  version: string;
  attrs: Attrs;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface SpanEvent {
  /** ns offset from the store epoch */
  time: number;
  name: string;
  attrs: Attrs;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attrs: Attrs;
  droppedAttributesCount: number;
  flags: number;
}

export interface Span {
  traceId: string; // 32 lowercase hex
  spanId: string; // 16 lowercase hex
  parentSpanId: string; // '' for a root span
  traceState: string;
  flags: number;
  name: string;
  kind: number; // OTLP SpanKind 0..5
  /** ns offsets from the store epoch (exact, see above) */
  start: number;
  end: number;
  attrs: Attrs;
  droppedAttributesCount: number;
  events: SpanEvent[] | null;
  droppedEventsCount: number;
  links: SpanLink[] | null;
  droppedLinksCount: number;
  statusCode: number; // 0 unset, 1 ok, 2 error
  statusMessage: string;
  resource: Resource;
  scope: Scope;
}

export interface LogRecord {
  time: number; // ns offset from the store epoch (observed time when time is 0)
  severityNumber: number;
  severityText: string;
  body: AttrValue;
  attrs: Attrs;
  traceId: string; // '' when not linked
  spanId: string;
  eventName: string;
  /** ns offset from the store epoch when the collecting side saw it; NaN when not sent */
  observedTime: number;
  flags: number;
  droppedAttributesCount: number;
  resource: Resource;
  scope: Scope;
}

/** What one decoded OTLP export request holds. */
export interface SpanBatch {
  spans: Span[];
  /** spans the decoder refused (bad ids, ...), for partial_success */
  rejected: number;
  rejectReasons: string[];
}

export interface LogBatch {
  logs: LogRecord[];
  rejected: number;
  rejectReasons: string[];
}
