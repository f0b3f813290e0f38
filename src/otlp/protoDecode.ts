// Fast OTLP protobuf decoder: wire bytes → the store's model (src/model/span.ts) in one pass, on
// protobufjs's Reader primitives, without building intermediate message objects. Field numbers follow
// proto.ts. Malformed wire data (truncation, bad lengths, bad wire types, nesting too deep) throws
// OtlpDecodeError (→ 400 / INVALID_ARGUMENT); well-formed spans with invalid ids are rejected one by one
// and counted for partial_success.
import { Reader } from 'protobufjs/minimal';
import type { AttrValue, Attrs, LogBatch, LogRecord, Resource, Scope, Span, SpanBatch, SpanEvent, SpanLink } from '../model/span';
import { KvList } from '../model/span';
import type { EpochNs } from '../model/time';
import { type RawBuffer, internHexId, internUtf8, releaseInternBuffer, smallBigInt } from './intern';

export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

/** A value the wire format carries correctly but the receiver will not keep (nesting too deep): the span
 * holding it is rejected, not the request. */
export class OtlpValueError extends OtlpDecodeError {}

/** AnyValue arrays/kvlists nested deeper than this are refused (a decoder must never recurse without bound). */
export const MAX_VALUE_DEPTH = 32;
const MAX_REASONS = 10;

const WT_VARINT = 0;
const WT_I64 = 1;
const WT_LEN = 2;
const WT_I32 = 5;

type R = Reader & { buf: RawBuffer; pos: number; len: number };

function reader(buf: Uint8Array): R {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return Reader.create(b) as R;
}

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof OtlpDecodeError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new OtlpDecodeError(`malformed ${what} protobuf: ${msg}`);
  } finally {
    releaseInternBuffer();
  }
}

/** a varint that is usually one byte (tags, short lengths): read inline, else in full */
function varint(r: R): number {
  const pos = r.pos;
  if (pos < r.len) {
    const b = r.buf[pos];
    if (b < 0x80) {
      r.pos = pos + 1;
      return b;
    }
  }
  return uvarint(r);
}

/** a field's tag: a varint that must fit 32 bits (field numbers end at 2^29-1), so no bits are dropped */
function tagOf(r: R): number {
  const t = varint(r);
  if (t > 0xffffffff) throw new OtlpDecodeError(`malformed protobuf: a tag of ${t} at offset ${r.pos} (field numbers end at 2^29-1)`);
  return t;
}

/**
 * An unsigned varint of up to 10 bytes as a number (exact below 2^53; beyond, it is larger than any length
 * or field that can be valid, which is all that matters). protobufjs's uint32() keeps the low 32 bits of a
 * longer varint, so a length of 2^62 read as 0.
 */
function uvarint(r: R): number {
  const buf = r.buf;
  const len = r.len;
  let pos = r.pos;
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= len) throw new OtlpDecodeError(`malformed protobuf: truncated varint at offset ${r.pos}`);
    const b = buf[pos++];
    value += (b & 0x7f) * mul;
    if (b < 0x80) {
      r.pos = pos;
      return value;
    }
    mul *= 128;
  }
  throw new OtlpDecodeError(`malformed protobuf: varint longer than 10 bytes at offset ${r.pos}`);
}

/** end offset of a length-delimited field whose length varint is next */
function subEnd(r: R): number {
  const len = varint(r);
  const end = r.pos + len;
  if (end > r.len) throw new OtlpDecodeError(`malformed protobuf: a field of ${len} bytes runs past the end of the message at offset ${r.pos}`);
  return end;
}

function checkEnd(r: R, end: number): void {
  if (r.pos !== end) throw new OtlpDecodeError(`malformed protobuf: a field overruns its enclosing message at offset ${r.pos}`);
}

/** skips the field whose tag was just read (an unknown field, or a known one with another wire type) */
function skip(r: R, tag: number): void {
  if (tag < 8 || tag > 0xffffffff) throw new OtlpDecodeError(`malformed protobuf: field number ${Math.floor(tag / 8)} at offset ${r.pos} (field numbers are 1 to 2^29-1)`);
  const wt = tag % 8;
  if (wt === WT_LEN) r.pos = subEnd(r);
  else if (wt === 3 || wt === 4) throw new OtlpDecodeError(`malformed protobuf: group wire type at offset ${r.pos}`);
  else r.skipType(wt);
}

function str(r: R): string {
  const end = subEnd(r);
  const start = r.pos;
  r.pos = end;
  return start === end ? '' : r.buf.utf8Slice(start, end);
}

function bytes(r: R): Uint8Array {
  const end = subEnd(r);
  const start = r.pos;
  r.pos = end;
  // a copy: a view would keep the whole request buffer alive in the store
  return Uint8Array.prototype.slice.call(r.buf, start, end);
}

/** a string field through the byte-level intern cache (keys, names, short values) */
function istr(r: R): string {
  const end = subEnd(r);
  const start = r.pos;
  r.pos = end;
  return internUtf8(r.buf, start, end);
}

function hexId(r: R): string {
  const end = subEnd(r);
  const start = r.pos;
  r.pos = end;
  return internHexId(r.buf, start, end);
}

function fixed64(r: R, epoch: EpochNs): number {
  const lo = r.fixed32();
  const hi = r.fixed32();
  return epoch.fromParts(lo, hi);
}

/** int64 varint as bigint (exact; negative values are 10-byte two's complement) */
function int64(r: R): bigint {
  const buf = r.buf;
  let pos = r.pos;
  const len = r.len;
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 7; i++) {
    if (pos >= len) throw new RangeError('index out of range reading an int64');
    const b = buf[pos++];
    value += (b & 0x7f) * mul;
    if (b < 0x80) {
      r.pos = pos;
      return smallBigInt(value);
    }
    mul *= 128;
  }
  // more than 49 bits: finish in bigint
  let big = BigInt(value);
  let shift = 49n;
  for (let i = 7; i < 10; i++) {
    if (pos >= len) throw new RangeError('index out of range reading an int64');
    const b = buf[pos++];
    big += BigInt(b & 0x7f) << shift;
    if (b < 0x80) {
      r.pos = pos;
      return BigInt.asIntN(64, big);
    }
    shift += 7n;
  }
  throw new OtlpDecodeError('malformed protobuf: varint longer than 10 bytes');
}

function anyValue(r: R, end: number, depth: number): AttrValue {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpValueError(`attribute values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let v: AttrValue = null;
  while (r.pos < end) {
    const tag = tagOf(r);
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wt !== WT_LEN) break;
        v = istr(r);
        continue;
      case 2:
        if (wt !== WT_VARINT) break;
        v = uvarint(r) !== 0;
        continue;
      case 3:
        if (wt !== WT_VARINT) break;
        v = int64(r);
        continue;
      case 4:
        if (wt !== WT_I64) break;
        v = r.double();
        continue;
      case 5: {
        if (wt !== WT_LEN) break;
        const e = subEnd(r);
        const arr: AttrValue[] = [];
        while (r.pos < e) {
          const t = tagOf(r);
          if (t === ((1 << 3) | WT_LEN)) {
            const ve = subEnd(r);
            arr.push(anyValue(r, ve, depth + 1));
            checkEnd(r, ve);
          } else skip(r, t);
        }
        checkEnd(r, e);
        v = arr;
        continue;
      }
      case 6: {
        if (wt !== WT_LEN) break;
        const e = subEnd(r);
        const kv: Attrs = [];
        while (r.pos < e) {
          const t = tagOf(r);
          if (t === ((1 << 3) | WT_LEN)) keyValue(r, kv, depth + 1);
          else skip(r, t);
        }
        checkEnd(r, e);
        v = new KvList(kv);
        continue;
      }
      case 7: {
        if (wt !== WT_LEN) break;
        v = bytes(r);
        continue;
      }
    }
    skip(r, tag);
  }
  return v;
}

/** one KeyValue (its length varint is next) appended to attrs */
function keyValue(r: R, attrs: Attrs, depth: number): void {
  const end = subEnd(r);
  let key = '';
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = tagOf(r);
    if (tag === ((1 << 3) | WT_LEN)) key = istr(r);
    else if (tag === ((2 << 3) | WT_LEN)) {
      const ve = subEnd(r);
      value = anyValue(r, ve, depth);
      checkEnd(r, ve);
    } else skip(r, tag);
  }
  checkEnd(r, end);
  attrs.push(key, value);
}

/** a resource before its fields are read (the JSON fast path fills one in place too) */
export function newResource(): Resource {
  return { attrs: [], serviceName: 'unknown_service', droppedAttributesCount: 0, schemaUrl: '' };
}

/** service.name from the attributes, once they are all read */
export function finishResource(res: Resource): void {
  const a = res.attrs;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] === 'service.name' && typeof a[i + 1] === 'string' && a[i + 1] !== '') {
      res.serviceName = a[i + 1] as string;
      return;
    }
  }
}

function resource(r: R, res: Resource): void {
  const end = subEnd(r);
  while (r.pos < end) {
    const tag = tagOf(r);
    if (tag === ((1 << 3) | WT_LEN)) keyValue(r, res.attrs, 0);
    else if (tag === ((2 << 3) | WT_VARINT)) res.droppedAttributesCount = uvarint(r);
    else skip(r, tag);
  }
  checkEnd(r, end);
}

function newScope(): Scope {
  return { name: '', version: '', attrs: [], droppedAttributesCount: 0, schemaUrl: '' };
}

function scope(r: R, sc: Scope): void {
  const end = subEnd(r);
  while (r.pos < end) {
    const tag = tagOf(r);
    switch (tag) {
      case (1 << 3) | WT_LEN:
        sc.name = istr(r);
        break;
      case (2 << 3) | WT_LEN:
        sc.version = istr(r);
        break;
      case (3 << 3) | WT_LEN:
        keyValue(r, sc.attrs, 0);
        break;
      case (4 << 3) | WT_VARINT:
        sc.droppedAttributesCount = uvarint(r);
        break;
      default:
        skip(r, tag);
    }
  }
  checkEnd(r, end);
}

function event(r: R, epoch: EpochNs): SpanEvent {
  const end = subEnd(r);
  // an absent time is Unix 0, as the JSON decoders read it (protobuf writers leave a zero time out)
  const ev: SpanEvent = { time: -epoch.sec * 1e9, name: '', attrs: [], droppedAttributesCount: 0 };
  innerScratch.length = 0;
  while (r.pos < end) {
    const tag = tagOf(r);
    switch (tag) {
      case (1 << 3) | WT_I64:
        ev.time = fixed64(r, epoch);
        break;
      case (2 << 3) | WT_LEN:
        ev.name = istr(r);
        break;
      case (3 << 3) | WT_LEN:
        keyValue(r, innerScratch, 0);
        break;
      case (4 << 3) | WT_VARINT:
        ev.droppedAttributesCount = uvarint(r);
        break;
      default:
        skip(r, tag);
    }
  }
  checkEnd(r, end);
  ev.attrs = exact(innerScratch);
  innerScratch.length = 0;
  return ev;
}

function link(r: R): SpanLink {
  const end = subEnd(r);
  const l: SpanLink = { traceId: '', spanId: '', traceState: '', attrs: [], droppedAttributesCount: 0, flags: 0 };
  innerScratch.length = 0;
  while (r.pos < end) {
    const tag = tagOf(r);
    switch (tag) {
      case (1 << 3) | WT_LEN:
        l.traceId = hexId(r);
        break;
      case (2 << 3) | WT_LEN:
        l.spanId = hexId(r);
        break;
      case (3 << 3) | WT_LEN:
        l.traceState = str(r);
        break;
      case (4 << 3) | WT_LEN:
        keyValue(r, innerScratch, 0);
        break;
      case (5 << 3) | WT_VARINT:
        l.droppedAttributesCount = uvarint(r);
        break;
      case (6 << 3) | WT_I32:
        l.flags = r.fixed32();
        break;
      default:
        skip(r, tag);
    }
  }
  checkEnd(r, end);
  l.attrs = exact(innerScratch);
  innerScratch.length = 0;
  return l;
}

// Attributes are collected in scratch arrays and copied out at their exact size: arrays grown by push keep
// up to ~50% spare capacity, which on millions of stored spans is most of an attribute list's memory.
const spanScratch: Attrs = [];
const innerScratch: Attrs = [];

function exact<T>(a: T[]): T[] {
  return a.length ? a.slice() : [];
}

/** A span whose bytes are well formed but hold a value the receiver refuses (nested too deep): that span is
 * rejected, the rest of the request is read on. */
class BadSpan {
  constructor(readonly reason: string) {}
}

/** one Span (its length varint is next), or BadSpan when its content cannot be read */
function spanOrBad(r: R, epoch: EpochNs, res: Resource, sc: Scope): Span | BadSpan {
  const end = subEnd(r);
  try {
    return span(r, end, epoch, res, sc);
  } catch (e) {
    // wire-format errors (truncation, bad lengths, field number 0) make the whole message invalid
    if (!(e instanceof OtlpValueError)) throw e;
    spanScratch.length = 0;
    innerScratch.length = 0;
    r.pos = end;
    return new BadSpan(e.message);
  }
}

function span(r: R, end: number, epoch: EpochNs, res: Resource, sc: Scope): Span {
  spanScratch.length = 0;
  // every field initialised in one order so all spans share one hidden class
  const s: Span = {
    traceId: '', spanId: '', parentSpanId: '', traceState: '', flags: 0, name: '', kind: 0, start: -epoch.sec * 1e9, end: -epoch.sec * 1e9,
    attrs: [], droppedAttributesCount: 0, events: null, droppedEventsCount: 0, links: null, droppedLinksCount: 0,
    statusCode: 0, statusMessage: '', resource: res, scope: sc,
  };
  while (r.pos < end) {
    const tag = tagOf(r);
    switch (tag) {
      case (1 << 3) | WT_LEN:
        s.traceId = hexId(r);
        break;
      case (2 << 3) | WT_LEN:
        s.spanId = hexId(r);
        break;
      case (3 << 3) | WT_LEN:
        s.traceState = str(r);
        break;
      case (4 << 3) | WT_LEN:
        s.parentSpanId = hexId(r);
        break;
      case (5 << 3) | WT_LEN:
        s.name = istr(r);
        break;
      case (6 << 3) | WT_VARINT:
        s.kind = uvarint(r);
        break;
      case (7 << 3) | WT_I64:
        s.start = fixed64(r, epoch);
        break;
      case (8 << 3) | WT_I64:
        s.end = fixed64(r, epoch);
        break;
      case (9 << 3) | WT_LEN:
        keyValue(r, spanScratch, 0);
        break;
      case (10 << 3) | WT_VARINT:
        s.droppedAttributesCount = uvarint(r);
        break;
      case (11 << 3) | WT_LEN:
        (s.events ??= []).push(event(r, epoch));
        break;
      case (12 << 3) | WT_VARINT:
        s.droppedEventsCount = uvarint(r);
        break;
      case (13 << 3) | WT_LEN:
        (s.links ??= []).push(link(r));
        break;
      case (14 << 3) | WT_VARINT:
        s.droppedLinksCount = uvarint(r);
        break;
      case (15 << 3) | WT_LEN: {
        const se = subEnd(r);
        while (r.pos < se) {
          const t = tagOf(r);
          if (t === ((2 << 3) | WT_LEN)) s.statusMessage = str(r);
          else if (t === ((3 << 3) | WT_VARINT)) s.statusCode = uvarint(r);
          else skip(r, t);
        }
        checkEnd(r, se);
        break;
      }
      case (16 << 3) | WT_I32:
        s.flags = r.fixed32();
        break;
      default:
        skip(r, tag);
    }
  }
  checkEnd(r, end);
  s.attrs = exact(spanScratch);
  spanScratch.length = 0;
  if (s.events && s.events.length < 8) s.events = s.events.slice();
  if (s.links && s.links.length < 8) s.links = s.links.slice();
  return s;
}

const ZERO16 = '0000000000000000';
const ZERO32 = '00000000000000000000000000000000';

/**
 * Why a decoded span cannot be stored, or '' when it can. Shared with the JSON decoder.
 * (The protobuf decoder only produces lowercase hex, so length and all-zero checks suffice there.)
 */
export function spanProblem(s: Span): string {
  if (s.traceId.length !== 32) return s.traceId ? `trace_id must be 16 bytes, got ${s.traceId.length / 2}` : 'trace_id is missing';
  if (s.traceId === ZERO32) return 'trace_id is all zeroes';
  if (s.spanId.length !== 16) return s.spanId ? `span_id must be 8 bytes, got ${s.spanId.length / 2}` : 'span_id is missing';
  if (s.spanId === ZERO16) return 'span_id is all zeroes';
  // ids are lowercase hex by now (hexSlice here; the JSON decoder flags anything else before calling this)
  if (s.parentSpanId !== '' && s.parentSpanId.length !== 16) return `parent_span_id must be empty or 8 bytes, got ${s.parentSpanId.length / 2}`;
  if (s.parentSpanId === ZERO16) s.parentSpanId = ''; // some SDKs send zeroes for "no parent"
  if (!(s.end >= s.start) && !Number.isNaN(s.start)) s.end = s.start; // end before start: keep the span, zero duration
  if (Number.isNaN(s.start) || Number.isNaN(s.end)) return 'start/end time is not a valid timestamp';
  return '';
}

export function addReason(reasons: string[], reason: string): void {
  if (reasons.length < MAX_REASONS && !reasons.includes(reason)) reasons.push(reason);
}

/** ExportTraceServiceRequest / TracesData bytes → spans (`epoch` is the store's). */
export function decodeTraces(buf: Uint8Array, epoch: EpochNs): SpanBatch {
  return wrap('trace', () => {
    const r = reader(buf);
    const out: SpanBatch = { spans: [], rejected: 0, rejectReasons: [] };
    while (r.pos < r.len) {
      const tag = tagOf(r);
      if (tag !== ((1 << 3) | WT_LEN)) {
        skip(r, tag);
        continue;
      }
      const rsEnd = subEnd(r);
      const res = newResource();
      while (r.pos < rsEnd) {
        const t = tagOf(r);
        if (t === ((1 << 3) | WT_LEN)) resource(r, res);
        else if (t === ((3 << 3) | WT_LEN)) res.schemaUrl = str(r);
        else if (t === ((2 << 3) | WT_LEN)) {
          const ssEnd = subEnd(r);
          const sc = newScope();
          while (r.pos < ssEnd) {
            const t2 = tagOf(r);
            if (t2 === ((2 << 3) | WT_LEN)) {
              const at = r.pos;
              const s = spanOrBad(r, epoch, res, sc);
              if (s instanceof BadSpan) {
                out.rejected++;
                addReason(out.rejectReasons, `span at offset ${at}: ${s.reason}`);
                continue;
              }
              const problem = spanProblem(s);
              if (problem) {
                out.rejected++;
                addReason(out.rejectReasons, `span ${s.spanId || '(no id)'} "${s.name}": ${problem}`);
              } else out.spans.push(s);
            } else if (t2 === ((1 << 3) | WT_LEN)) scope(r, sc);
            else if (t2 === ((3 << 3) | WT_LEN)) sc.schemaUrl = str(r);
            else skip(r, t2);
          }
          checkEnd(r, ssEnd);
        } else skip(r, t);
      }
      checkEnd(r, rsEnd);
      finishResource(res);
    }
    return out;
  });
}

function logRecord(r: R, epoch: EpochNs, res: Resource, sc: Scope): LogRecord {
  const end = subEnd(r);
  const l: LogRecord = {
    time: 0, severityNumber: 0, severityText: '', body: null, attrs: [], traceId: '', spanId: '', eventName: '',
    observedTime: NaN, flags: 0, droppedAttributesCount: 0,
    resource: res, scope: sc,
  };
  let timeSet = false;
  let observed = NaN;
  while (r.pos < end) {
    const tag = tagOf(r);
    switch (tag) {
      case (1 << 3) | WT_I64: {
        const lo = r.fixed32();
        const hi = r.fixed32();
        if (lo !== 0 || hi !== 0) {
          l.time = epoch.fromParts(lo, hi);
          timeSet = true;
        }
        break;
      }
      case (11 << 3) | WT_I64: {
        const lo = r.fixed32();
        const hi = r.fixed32();
        if (lo !== 0 || hi !== 0) observed = epoch.fromParts(lo, hi);
        break;
      }
      case (2 << 3) | WT_VARINT:
        l.severityNumber = uvarint(r);
        break;
      case (3 << 3) | WT_LEN:
        l.severityText = istr(r);
        break;
      case (5 << 3) | WT_LEN: {
        const be = subEnd(r);
        l.body = anyValue(r, be, 0);
        checkEnd(r, be);
        break;
      }
      case (6 << 3) | WT_LEN:
        keyValue(r, l.attrs, 0);
        break;
      case (9 << 3) | WT_LEN:
        l.traceId = hexId(r);
        break;
      case (10 << 3) | WT_LEN:
        l.spanId = hexId(r);
        break;
      case (12 << 3) | WT_LEN:
        l.eventName = istr(r);
        break;
      case (7 << 3) | WT_VARINT:
        l.droppedAttributesCount = uvarint(r);
        break;
      case (8 << 3) | WT_I32:
        l.flags = r.fixed32();
        break;
      default:
        skip(r, tag);
    }
  }
  checkEnd(r, end);
  l.observedTime = observed;
  if (!timeSet) l.time = Number.isNaN(observed) ? 0 : observed;
  return l;
}

/** Why a log record cannot be linked as sent ('' when fine); bad ids unlink rather than reject it. */
export function logProblem(l: LogRecord): string {
  const badTrace = l.traceId !== '' && (l.traceId.length !== 32 || l.traceId === ZERO32);
  const badSpan = l.spanId !== '' && (l.spanId.length !== 16 || l.spanId === ZERO16);
  if (badTrace || badSpan) {
    const why = badTrace ? `trace_id of ${l.traceId.length / 2} bytes` : `span_id of ${l.spanId.length / 2} bytes`;
    l.traceId = '';
    l.spanId = '';
    return `log record kept without its span link: invalid ${why}`;
  }
  return '';
}

/** ExportLogsServiceRequest / LogsData bytes → log records. */
export function decodeLogs(buf: Uint8Array, epoch: EpochNs): LogBatch {
  return wrap('logs', () => {
    const r = reader(buf);
    const out: LogBatch = { logs: [], rejected: 0, rejectReasons: [] };
    while (r.pos < r.len) {
      const tag = tagOf(r);
      if (tag !== ((1 << 3) | WT_LEN)) {
        skip(r, tag);
        continue;
      }
      const rlEnd = subEnd(r);
      const res = newResource();
      while (r.pos < rlEnd) {
        const t = tagOf(r);
        if (t === ((1 << 3) | WT_LEN)) resource(r, res);
        else if (t === ((3 << 3) | WT_LEN)) res.schemaUrl = str(r);
        else if (t === ((2 << 3) | WT_LEN)) {
          const slEnd = subEnd(r);
          const sc = newScope();
          while (r.pos < slEnd) {
            const t2 = tagOf(r);
            if (t2 === ((2 << 3) | WT_LEN)) {
              const l = logRecord(r, epoch, res, sc);
              const problem = logProblem(l);
              if (problem) addReason(out.rejectReasons, problem);
              out.logs.push(l);
            } else if (t2 === ((1 << 3) | WT_LEN)) scope(r, sc);
            else if (t2 === ((3 << 3) | WT_LEN)) sc.schemaUrl = str(r);
            else skip(r, t2);
          }
          checkEnd(r, slEnd);
        } else skip(r, t);
      }
      checkEnd(r, rlEnd);
      finishResource(res);
    }
    return out;
  });
}

/**
 * Validates an ExportMetricsServiceRequest's wire structure (metrics are acknowledged, not stored) and
 * counts its data points. Walks the length-delimited fields generically with a depth bound.
 */
export function checkMetrics(buf: Uint8Array): { dataPoints: number } {
  return wrap('metrics', () => {
    const r = reader(buf);
    let dataPoints = 0;
    // ResourceMetrics(1) → ScopeMetrics(2) → Metric(2) → Gauge/Sum/...(5,7,9,10,11) → data_points(1)
    const walk = (end: number, level: number): void => {
      while (r.pos < end) {
        const tag = tagOf(r);
        const f = tag >>> 3;
        const wt = tag & 7;
        const descend =
          wt === WT_LEN &&
          ((level === 0 && f === 1) || (level === 1 && f === 2) || (level === 2 && f === 2) ||
            (level === 3 && (f === 5 || f === 7 || f === 9 || f === 10 || f === 11)));
        if (descend) {
          const e = subEnd(r);
          walk(e, level + 1);
          checkEnd(r, e);
        } else if (level === 4 && f === 1 && wt === WT_LEN) {
          dataPoints++;
          r.pos = subEnd(r);
        } else skip(r, tag);
      }
    };
    walk(r.len, 0);
    return { dataPoints };
  });
}
