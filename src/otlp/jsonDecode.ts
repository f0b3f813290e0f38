// Lenient OTLP JSON decoder → the store's model. Accepts what real SDKs and hand-written files send:
// lowerCamelCase or snake_case keys, hex ids in any case or base64 ids, int64 as string or number, enums as
// numbers or names, the pre-1.0 `instrumentationLibrarySpans` spelling. A structure that is not OTLP JSON
// (wrong types) throws OtlpDecodeError naming the path; spans with bad ids are rejected one by one.
import type { AttrValue, Attrs, LogBatch, LogRecord, Resource, Scope, Span, SpanBatch, SpanEvent, SpanLink } from '../model/span';
import { KvList } from '../model/span';
import type { EpochNs } from '../model/time';
import { intern } from './intern';
import { decodeTracesFast } from './jsonFast';
import {
  KIND_NAMES, SEVERITY_NAMES, STATUS_NAMES, boolValue, bytesValue, doubleValue, enumValue, fail, idProblem, intValue, normalizeId, quoteBigIntegers, time, uint,
} from './jsonValues';
import { MAX_VALUE_DEPTH, OtlpDecodeError, addReason, logProblem, spanProblem } from './protoDecode';

export { normalizeId };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** the value under the camelCase key or its snake_case twin */
function field(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

function obj(v: unknown, path: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail(path, 'an object', v);
  return v;
}

function arr(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(path, 'an array', v);
  return v;
}

function string(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(path, 'a string', v);
  return v;
}

function anyValue(v: unknown, path: string, depth: number): AttrValue {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError(`invalid OTLP JSON at ${path}: values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  if (v === undefined || v === null) return null;
  if (!isObj(v)) fail(path, 'an AnyValue object', v);
  let x: unknown;
  if ((x = field(v, 'stringValue', 'string_value')) !== undefined) return intern(string(x, `${path}.stringValue`));
  if ((x = field(v, 'boolValue', 'bool_value')) !== undefined) return boolValue(x, path);
  if ((x = field(v, 'intValue', 'int_value')) !== undefined) return intValue(x, path);
  if ((x = field(v, 'doubleValue', 'double_value')) !== undefined) return doubleValue(x, path);
  if ((x = field(v, 'arrayValue', 'array_value')) !== undefined) {
    const o = obj(x, `${path}.arrayValue`);
    const vals = arr(o?.values, `${path}.arrayValue.values`);
    const out: AttrValue[] = new Array(vals.length);
    for (let i = 0; i < vals.length; i++) out[i] = anyValue(vals[i], `${path}.arrayValue.values[${i}]`, depth + 1);
    return out;
  }
  if ((x = field(v, 'kvlistValue', 'kvlist_value')) !== undefined) {
    const o = obj(x, `${path}.kvlistValue`);
    return new KvList(attributes(o?.values, `${path}.kvlistValue.values`, depth + 1));
  }
  if ((x = field(v, 'bytesValue', 'bytes_value')) !== undefined) return bytesValue(x, path);
  return null; // an empty AnyValue
}

function attributes(v: unknown, path: string, depth = 0): Attrs {
  const list = arr(v, path);
  const out: Attrs = new Array(list.length * 2);
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    if (!isObj(kv)) fail(`${path}[${i}]`, 'a {key, value} object', kv);
    out[2 * i] = intern(string(kv.key, `${path}[${i}].key`));
    out[2 * i + 1] = anyValue(kv.value, `${path}[${i}].value`, depth);
  }
  return out;
}

function resource(v: unknown, schemaUrl: unknown, path: string): Resource {
  const o = obj(v, path);
  const attrs = attributes(o?.attributes, `${path}.attributes`);
  let serviceName = 'unknown_service';
  for (let i = 0; i < attrs.length; i += 2) {
    if (attrs[i] === 'service.name' && typeof attrs[i + 1] === 'string' && attrs[i + 1] !== '') {
      serviceName = attrs[i + 1] as string;
      break;
    }
  }
  return {
    attrs,
    serviceName,
    droppedAttributesCount: o ? uint(field(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`) : 0,
    schemaUrl: string(schemaUrl, `${path}.schemaUrl`),
  };
}

function scope(v: unknown, schemaUrl: unknown, path: string): Scope {
  const o = obj(v, path);
  return {
    name: intern(string(o?.name, `${path}.name`)),
    version: intern(string(o?.version, `${path}.version`)),
    attrs: attributes(o?.attributes, `${path}.attributes`),
    droppedAttributesCount: o ? uint(field(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`) : 0,
    schemaUrl: string(schemaUrl, `${path}.schemaUrl`),
  };
}

function span(o: Obj, epoch: EpochNs, res: Resource, sc: Scope, path: string): Span {
  const status = obj(o.status, `${path}.status`);
  const evs = arr(o.events, `${path}.events`);
  const lks = arr(o.links, `${path}.links`);
  let events: SpanEvent[] | null = null;
  if (evs.length) {
    events = new Array(evs.length);
    for (let i = 0; i < evs.length; i++) {
      const p = `${path}.events[${i}]`;
      const e = obj(evs[i], p) ?? fail(p, 'an event object', evs[i]);
      events[i] = {
        time: time(field(e, 'timeUnixNano', 'time_unix_nano'), epoch, `${p}.timeUnixNano`),
        name: intern(string(e.name, `${p}.name`)),
        attrs: attributes(e.attributes, `${p}.attributes`),
        droppedAttributesCount: uint(field(e, 'droppedAttributesCount', 'dropped_attributes_count'), `${p}.droppedAttributesCount`),
      };
    }
  }
  let links: SpanLink[] | null = null;
  if (lks.length) {
    links = new Array(lks.length);
    for (let i = 0; i < lks.length; i++) {
      const p = `${path}.links[${i}]`;
      const l = obj(lks[i], p) ?? fail(p, 'a link object', lks[i]);
      const traceId = normalizeId(field(l, 'traceId', 'trace_id'), 16, `${p}.traceId`);
      const spanId = normalizeId(field(l, 'spanId', 'span_id'), 8, `${p}.spanId`);
      links[i] = {
        // a link to an unreadable id is kept (it is only a reference) with the id text as sent
        traceId: traceId.startsWith('invalid:') ? traceId.slice(8) : traceId,
        spanId: spanId.startsWith('invalid:') ? spanId.slice(8) : spanId,
        traceState: string(field(l, 'traceState', 'trace_state'), `${p}.traceState`),
        attrs: attributes(l.attributes, `${p}.attributes`),
        droppedAttributesCount: uint(field(l, 'droppedAttributesCount', 'dropped_attributes_count'), `${p}.droppedAttributesCount`),
        flags: uint(l.flags, `${p}.flags`),
      };
    }
  }
  return {
    traceId: normalizeId(field(o, 'traceId', 'trace_id'), 16, `${path}.traceId`),
    spanId: normalizeId(field(o, 'spanId', 'span_id'), 8, `${path}.spanId`),
    parentSpanId: normalizeId(field(o, 'parentSpanId', 'parent_span_id'), 8, `${path}.parentSpanId`),
    traceState: string(field(o, 'traceState', 'trace_state'), `${path}.traceState`),
    flags: uint(o.flags, `${path}.flags`),
    name: intern(string(o.name, `${path}.name`)),
    kind: enumValue(o.kind, KIND_NAMES, 'SPAN_KIND_', `${path}.kind`),
    start: time(field(o, 'startTimeUnixNano', 'start_time_unix_nano'), epoch, `${path}.startTimeUnixNano`),
    end: time(field(o, 'endTimeUnixNano', 'end_time_unix_nano'), epoch, `${path}.endTimeUnixNano`),
    attrs: attributes(o.attributes, `${path}.attributes`),
    droppedAttributesCount: uint(field(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
    events,
    droppedEventsCount: uint(field(o, 'droppedEventsCount', 'dropped_events_count'), `${path}.droppedEventsCount`),
    links,
    droppedLinksCount: uint(field(o, 'droppedLinksCount', 'dropped_links_count'), `${path}.droppedLinksCount`),
    statusCode: status ? enumValue(status.code, STATUS_NAMES, 'STATUS_CODE_', `${path}.status.code`) : 0,
    statusMessage: status ? string(status.message, `${path}.status.message`) : '',
    resource: res,
    scope: sc,
  };
}

function parse(input: string | Uint8Array): Obj {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  let v: unknown;
  try {
    v = JSON.parse(quoteBigIntegers(text));
  } catch (e) {
    throw new OtlpDecodeError(`body is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObj(v)) fail('$', 'an object', v);
  return v;
}

/** Already-parsed OTLP JSON (`{"resourceSpans":[…]}`) → spans. */
export function decodeTracesObject(root: unknown, epoch: EpochNs): SpanBatch {
  if (!isObj(root)) fail('$', 'an object', root);
  const out: SpanBatch = { spans: [], rejected: 0, rejectReasons: [] };
  const rss = arr(field(root, 'resourceSpans', 'resource_spans'), 'resourceSpans');
  for (let i = 0; i < rss.length; i++) {
    const rp = `resourceSpans[${i}]`;
    const rs = obj(rss[i], rp) ?? fail(rp, 'an object', rss[i]);
    const res = resource(rs.resource, field(rs, 'schemaUrl', 'schema_url'), `${rp}.resource`);
    const legacy = field(rs, 'instrumentationLibrarySpans', 'instrumentation_library_spans');
    const sss = arr(field(rs, 'scopeSpans', 'scope_spans') ?? legacy, `${rp}.scopeSpans`);
    for (let j = 0; j < sss.length; j++) {
      const sp = `${rp}.scopeSpans[${j}]`;
      const ss = obj(sss[j], sp) ?? fail(sp, 'an object', sss[j]);
      const sc = scope(ss.scope ?? field(ss, 'instrumentationLibrary', 'instrumentation_library'), field(ss, 'schemaUrl', 'schema_url'), `${sp}.scope`);
      const spans = arr(ss.spans, `${sp}.spans`);
      for (let k = 0; k < spans.length; k++) {
        const p = `${sp}.spans[${k}]`;
        let s: Span;
        try {
          const so = obj(spans[k], p) ?? fail(p, 'a span object', spans[k]);
          s = span(so, epoch, res, sc, p);
        } catch (e) {
          // a bad value inside one span costs that span only, as a bad id does
          if (!(e instanceof OtlpDecodeError)) throw e;
          out.rejected++;
          addReason(out.rejectReasons, `span ${rawSpanId(spans[k])}: ${e.message}`);
          continue;
        }
        const problem =
          idProblem(s.traceId, 'trace_id') || idProblem(s.spanId, 'span_id') || idProblem(s.parentSpanId, 'parent_span_id') || spanProblem(s);
        if (problem) {
          out.rejected++;
          addReason(out.rejectReasons, `span ${s.spanId.startsWith('invalid:') ? s.spanId.slice(8) : s.spanId || '(no id)'} "${s.name}": ${problem}`);
        } else out.spans.push(s);
      }
    }
  }
  return out;
}

/** a rejected span's id as sent, for the reason text */
function rawSpanId(v: unknown): string {
  const id = isObj(v) ? field(v, 'spanId', 'span_id') : undefined;
  return typeof id === 'string' && id !== '' ? id.slice(0, 40) : '(no id)';
}

/** OTLP JSON text/bytes → spans. */
export function decodeTracesJson(input: string | Uint8Array, epoch: EpochNs): SpanBatch {
  // what SDKs send goes the fast way; anything else (and every error message) comes from the decoder here
  return (typeof input !== 'string' && decodeTracesFast(input, epoch)) || decodeTracesObject(parse(input), epoch);
}

/** one OTLP JSON log record; ids stay as normalizeId gives them (the caller unlinks invalid ones) */
function logRecord(o: Obj, epoch: EpochNs, res: Resource, sc: Scope, p: string): LogRecord {
  const t = field(o, 'timeUnixNano', 'time_unix_nano');
  const ot = field(o, 'observedTimeUnixNano', 'observed_time_unix_nano');
  const hasTime = t !== undefined && t !== null && t !== '0' && t !== 0;
  const traceId = normalizeId(field(o, 'traceId', 'trace_id'), 16, `${p}.traceId`);
  const spanId = normalizeId(field(o, 'spanId', 'span_id'), 8, `${p}.spanId`);
  return {
    time: hasTime ? time(t, epoch, `${p}.timeUnixNano`) : ot !== undefined && ot !== null ? time(ot, epoch, `${p}.observedTimeUnixNano`) : 0,
    severityNumber: enumValue(field(o, 'severityNumber', 'severity_number'), SEVERITY_NAMES, 'SEVERITY_NUMBER_', `${p}.severityNumber`),
    severityText: intern(string(field(o, 'severityText', 'severity_text'), `${p}.severityText`)),
    body: anyValue(o.body, `${p}.body`, 0),
    attrs: attributes(o.attributes, `${p}.attributes`),
    traceId,
    spanId,
    eventName: intern(string(field(o, 'eventName', 'event_name'), `${p}.eventName`)),
    observedTime: ot !== undefined && ot !== null && ot !== '0' && ot !== 0 ? time(ot, epoch, `${p}.observedTimeUnixNano`) : NaN,
    flags: uint(o.flags, `${p}.flags`),
    droppedAttributesCount: uint(field(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${p}.droppedAttributesCount`),
    resource: res,
    scope: sc,
  };
}

/** OTLP JSON logs (`{"resourceLogs":[…]}`) → log records. */
export function decodeLogsJson(input: string | Uint8Array, epoch: EpochNs): LogBatch {
  const root = parse(input);
  const out: LogBatch = { logs: [], rejected: 0, rejectReasons: [] };
  const rls = arr(field(root, 'resourceLogs', 'resource_logs'), 'resourceLogs');
  for (let i = 0; i < rls.length; i++) {
    const rp = `resourceLogs[${i}]`;
    const rl = obj(rls[i], rp) ?? fail(rp, 'an object', rls[i]);
    const res = resource(rl.resource, field(rl, 'schemaUrl', 'schema_url'), `${rp}.resource`);
    const sls = arr(field(rl, 'scopeLogs', 'scope_logs') ?? field(rl, 'instrumentationLibraryLogs', 'instrumentation_library_logs'), `${rp}.scopeLogs`);
    for (let j = 0; j < sls.length; j++) {
      const sp = `${rp}.scopeLogs[${j}]`;
      const sl = obj(sls[j], sp) ?? fail(sp, 'an object', sls[j]);
      const sc = scope(sl.scope ?? field(sl, 'instrumentationLibrary', 'instrumentation_library'), field(sl, 'schemaUrl', 'schema_url'), `${sp}.scope`);
      const recs = arr(field(sl, 'logRecords', 'log_records'), `${sp}.logRecords`);
      for (let k = 0; k < recs.length; k++) {
        const p = `${sp}.logRecords[${k}]`;
        const o = obj(recs[k], p);
        if (!o) {
          out.rejected++;
          addReason(out.rejectReasons, `log record: invalid OTLP JSON at ${p}: expected a log record object`);
          continue;
        }
        let l: LogRecord;
        try {
          l = logRecord(o, epoch, res, sc, p);
        } catch (e) {
          if (!(e instanceof OtlpDecodeError)) throw e;
          out.rejected++;
          addReason(out.rejectReasons, `log record: ${e.message}`);
          continue;
        }
        const traceId = l.traceId;
        const spanId = l.spanId;
        if (traceId.startsWith('invalid:') || spanId.startsWith('invalid:')) {
          const bad = traceId.startsWith('invalid:') ? `trace_id "${traceId.slice(8)}"` : `span_id "${spanId.slice(8)}"`;
          addReason(out.rejectReasons, `log record kept without its span link: ${bad} is neither hex nor base64 of the right length`);
          l.traceId = '';
          l.spanId = '';
        } else {
          const problem = logProblem(l);
          if (problem) addReason(out.rejectReasons, problem);
        }
        out.logs.push(l);
      }
    }
  }
  return out;
}

/** Validates OTLP JSON metrics (acknowledged, not stored) and counts data points. */
export function checkMetricsJson(input: string | Uint8Array): { dataPoints: number } {
  const root = parse(input);
  let dataPoints = 0;
  const rms = arr(field(root, 'resourceMetrics', 'resource_metrics'), 'resourceMetrics');
  rms.forEach((rm, i) => {
    const o = obj(rm, `resourceMetrics[${i}]`) ?? fail(`resourceMetrics[${i}]`, 'an object', rm);
    arr(field(o, 'scopeMetrics', 'scope_metrics'), `resourceMetrics[${i}].scopeMetrics`).forEach((sm, j) => {
      const so = obj(sm, `resourceMetrics[${i}].scopeMetrics[${j}]`);
      arr(so?.metrics, `resourceMetrics[${i}].scopeMetrics[${j}].metrics`).forEach((m) => {
        if (!isObj(m)) return;
        for (const k of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'exponential_histogram', 'summary']) {
          const d = m[k];
          if (isObj(d)) dataPoints += arr(field(d, 'dataPoints', 'data_points'), `metric.${k}.dataPoints`).length;
        }
      });
    });
  });
  return { dataPoints };
}
