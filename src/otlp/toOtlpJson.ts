// Model → OTLP JSON (src/model/otlpJson.ts): lowerCamelCase, lowercase hex ids, int64 as decimal strings.
// Spans are grouped back under their (shared) resource and scope objects, in first-seen order.
import type { AnyValue, KeyValue, OtlpLogRecord, OtlpResource, OtlpScope, OtlpSpan, OtlpTracesData } from '../model/otlpJson';
import type { AttrValue, Attrs, LogRecord, Resource, Scope, Span } from '../model/span';
import { KvList } from '../model/span';
import type { EpochNs } from '../model/time';

export function anyValueToOtlp(v: AttrValue): AnyValue {
  if (v === null || v === undefined) return {};
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'bigint':
      return { intValue: v.toString() };
    case 'number':
      // the protobuf JSON mapping spells non-finite doubles as strings; JSON.stringify would write null
      return { doubleValue: Number.isFinite(v) ? v : (String(v) as unknown as number) };
  }
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (v instanceof KvList) return { kvlistValue: { values: attrsToOtlp(v.kv) } };
  return { arrayValue: { values: v.map(anyValueToOtlp) } };
}

export function attrsToOtlp(attrs: Attrs): KeyValue[] {
  const out: KeyValue[] = new Array(attrs.length >> 1);
  for (let i = 0; i < attrs.length; i += 2) out[i >> 1] = { key: attrs[i] as string, value: anyValueToOtlp(attrs[i + 1] as AttrValue) };
  return out;
}

export function resourceToOtlp(r: Resource): OtlpResource {
  const o: OtlpResource = { attributes: attrsToOtlp(r.attrs) };
  if (r.droppedAttributesCount) o.droppedAttributesCount = r.droppedAttributesCount;
  return o;
}

export function scopeToOtlp(s: Scope): OtlpScope {
  const o: OtlpScope = { name: s.name };
  if (s.version) o.version = s.version;
  if (s.attrs.length) o.attributes = attrsToOtlp(s.attrs);
  if (s.droppedAttributesCount) o.droppedAttributesCount = s.droppedAttributesCount;
  return o;
}

export function spanToOtlp(s: Span, epoch: EpochNs): OtlpSpan {
  const o: OtlpSpan = {
    traceId: s.traceId,
    spanId: s.spanId,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: epoch.toDecimal(s.start),
    endTimeUnixNano: epoch.toDecimal(s.end),
    attributes: attrsToOtlp(s.attrs),
  };
  if (s.parentSpanId) o.parentSpanId = s.parentSpanId;
  if (s.traceState) o.traceState = s.traceState;
  if (s.flags) o.flags = s.flags;
  if (s.droppedAttributesCount) o.droppedAttributesCount = s.droppedAttributesCount;
  if (s.events?.length) {
    o.events = s.events.map((e) => {
      const x: NonNullable<OtlpSpan['events']>[number] = { timeUnixNano: epoch.toDecimal(e.time), name: e.name, attributes: attrsToOtlp(e.attrs) };
      if (e.droppedAttributesCount) x.droppedAttributesCount = e.droppedAttributesCount;
      return x;
    });
  }
  if (s.droppedEventsCount) o.droppedEventsCount = s.droppedEventsCount;
  if (s.links?.length) {
    o.links = s.links.map((l) => {
      const x: NonNullable<OtlpSpan['links']>[number] = { traceId: l.traceId, spanId: l.spanId, attributes: attrsToOtlp(l.attrs) };
      if (l.traceState) x.traceState = l.traceState;
      if (l.droppedAttributesCount) x.droppedAttributesCount = l.droppedAttributesCount;
      if (l.flags) x.flags = l.flags;
      return x;
    });
  }
  if (s.droppedLinksCount) o.droppedLinksCount = s.droppedLinksCount;
  if (s.statusCode || s.statusMessage) {
    o.status = {};
    if (s.statusCode) o.status.code = s.statusCode;
    if (s.statusMessage) o.status.message = s.statusMessage;
  }
  return o;
}

/** Spans (any mix of resources and scopes) → `{"resourceSpans":[…]}`. */
export function spansToOtlp(spans: readonly Span[], epoch: EpochNs): OtlpTracesData {
  const byResource = new Map<Resource, Map<Scope, OtlpSpan[]>>();
  for (const s of spans) {
    let scopes = byResource.get(s.resource);
    if (!scopes) byResource.set(s.resource, (scopes = new Map()));
    let list = scopes.get(s.scope);
    if (!list) scopes.set(s.scope, (list = []));
    list.push(spanToOtlp(s, epoch));
  }
  const resourceSpans: OtlpTracesData['resourceSpans'] = [];
  for (const [res, scopes] of byResource) {
    const rs: OtlpTracesData['resourceSpans'][number] = { resource: resourceToOtlp(res), scopeSpans: [] };
    if (res.schemaUrl) rs.schemaUrl = res.schemaUrl;
    for (const [sc, list] of scopes) {
      const ss: OtlpTracesData['resourceSpans'][number]['scopeSpans'][number] = { scope: scopeToOtlp(sc), spans: list };
      if (sc.schemaUrl) ss.schemaUrl = sc.schemaUrl;
      rs.scopeSpans.push(ss);
    }
    resourceSpans.push(rs);
  }
  return { resourceSpans };
}

export function logToOtlp(l: LogRecord, epoch: EpochNs): OtlpLogRecord {
  const o: OtlpLogRecord = { timeUnixNano: epoch.toDecimal(l.time), attributes: attrsToOtlp(l.attrs) };
  if (l.severityNumber) o.severityNumber = l.severityNumber;
  if (l.severityText) o.severityText = l.severityText;
  if (l.body !== null) o.body = anyValueToOtlp(l.body);
  if (l.traceId) o.traceId = l.traceId;
  if (l.spanId) o.spanId = l.spanId;
  if (l.eventName) o.eventName = l.eventName;
  if (!Number.isNaN(l.observedTime)) o.observedTimeUnixNano = epoch.toDecimal(l.observedTime);
  if (l.flags) o.flags = l.flags;
  if (l.droppedAttributesCount) o.droppedAttributesCount = l.droppedAttributesCount;
  return o;
}
