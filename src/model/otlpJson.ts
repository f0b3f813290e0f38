// OTLP JSON as this project writes it (the protobuf JSON mapping): lowerCamelCase keys, lowercase hex ids,
// 64-bit integers as decimal strings, enums as numbers. This is the common language between the parts:
// the query API answers with it, importers produce it, fixtures and the resolver read it.
// Readers of *incoming* JSON must be more lenient (see src/otlp/jsonDecode.ts).

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string; // int64 as a decimal string
  doubleValue?: number;
  arrayValue?: { values: AnyValue[] };
  kvlistValue?: { values: KeyValue[] };
  bytesValue?: string; // base64
}

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface OtlpResource {
  attributes: KeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpScope {
  name: string;
  version?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface OtlpStatus {
  code?: number; // 0 unset, 1 ok, 2 error
  message?: string;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  flags?: number;
  name: string;
  kind: number; // 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
  events?: OtlpEvent[];
  droppedEventsCount?: number;
  links?: OtlpLink[];
  droppedLinksCount?: number;
  status?: OtlpStatus;
}

export interface OtlpScopeSpans {
  scope?: OtlpScope;
  spans: OtlpSpan[];
  schemaUrl?: string;
}

export interface OtlpResourceSpans {
  resource?: OtlpResource;
  scopeSpans: OtlpScopeSpans[];
  schemaUrl?: string;
}

/** `TracesData` / `ExportTraceServiceRequest` */
export interface OtlpTracesData {
  resourceSpans: OtlpResourceSpans[];
}

export interface OtlpLogRecord {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export const SpanKindName = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
export const StatusCode = { Unset: 0, Ok: 1, Error: 2 } as const;
