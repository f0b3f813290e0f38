// OTLP JSON traces straight from the request bytes to the store's model, for the JSON that SDKs and the
// Collector actually send (lowerCamelCase keys, no nulls, no repeated keys). JSON.parse would first build
// the whole object tree and a string per value, and the decoder would then walk it and intern the strings
// again: that was half the receiver's time on JSON. Here strings are read with the same byte-level interning
// as the protobuf decoder, and the leaves (ids, times, enums, AnyValue scalars) go through the same checks
// as the general decoder (jsonValues.ts).
//
// Anything unexpected — snake_case or legacy keys, a null, a repeated key, a value of the wrong JSON type,
// malformed JSON, nesting too deep — makes it give up (null), and the caller decodes the body with the
// general decoder, which also writes the error message. So this file never decides what is an error: for
// every body it either gives up or answers exactly what the general decoder answers.
import type { AttrValue, Attrs, Resource, Scope, Span, SpanBatch, SpanEvent, SpanLink } from '../model/span';
import { KvList } from '../model/span';
import type { EpochNs } from '../model/time';
import { MAX_INTERNED_LENGTH, type RawBuffer, intern, internIdText, internUtf8, releaseInternBuffer, smallBigInt } from './intern';
import { KIND_NAMES, STATUS_NAMES, boolValue, bytesValue, doubleValue, enumValue, idProblem, intValue, normalizeId, time, uint } from './jsonValues';
import { MAX_VALUE_DEPTH, addReason, finishResource, newResource, spanProblem } from './protoDecode';

/** thrown to give up; caught in decodeTracesFast (not an Error: no stack to capture) */
const GIVE_UP = { giveUp: true };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
/** generic values skipped (unknown keys) may nest this deep */
const MAX_SKIP_DEPTH = 64;
const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
// what a string read without looking at each byte must not hold (then it is read the careful way)
const NEEDS_CARE = /[\\\u0000-\u001f]/;

// the body being decoded (one at a time: decoding is synchronous)
let buf: RawBuffer;
/** a view of it, for reading fixed parts four bytes at a time */
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));
let dv: DataView = EMPTY_VIEW;
let pos = 0;
let end = 0;

/** The spans of an OTLP JSON body, or null when this fast path does not handle it (see above). */
export function decodeTracesFast(input: Uint8Array, epoch: EpochNs): SpanBatch | null {
  buf = (Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)) as RawBuffer;
  dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  pos = 0;
  end = buf.length;
  try {
    const out: SpanBatch = { spans: [], rejected: 0, rejectReasons: [] };
    let seen = false;
    if (objectStart()) do {
      const key = keyString();
      if (key !== 'resourceSpans') skipUnknown(key);
      else if (seen) throw GIVE_UP;
      else {
        seen = true;
        if (arrayStart()) do resourceSpans(epoch, out); while (arrayNext());
      }
    } while (objectNext());
    skipWs();
    if (pos !== end) throw GIVE_UP; // something after the object: malformed, the general decoder says so
    return out;
  } catch {
    // GIVE_UP, or a leaf check (jsonValues.ts) that failed: the general decoder decides, and explains
    return null;
  } finally {
    buf = undefined as unknown as RawBuffer;
    dv = EMPTY_VIEW; // (no reference kept to the request body)
    releaseInternBuffer();
  }
}

// The keys of the hot objects (spans, events, attributes, AnyValues) are told apart by their bytes, never
// made into strings: reading them through the intern cache and comparing strings was a fifth of the
// decoder's time (three structural keys per attribute). A key written as SDKs write it is found by its
// first four bytes; any other (a space before the colon, an unknown key) is read as a string and looked up.
const KEY_NAMES = [
  'key', 'value', 'stringValue', 'intValue', 'boolValue', 'doubleValue', 'bytesValue', 'arrayValue', 'kvlistValue',
  'traceId', 'spanId', 'parentSpanId', 'traceState', 'flags', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano',
  'attributes', 'droppedAttributesCount', 'events', 'droppedEventsCount', 'links', 'droppedLinksCount', 'status',
  'code', 'message', 'timeUnixNano',
] as const;
/** a key's code: its index in KEY_NAMES + 1 (0: not one of them) */
const code = (k: (typeof KEY_NAMES)[number]): number => KEY_NAMES.indexOf(k) + 1;
const K_KEY = code('key');
const K_VALUE = code('value');
const K_STRING = code('stringValue');
const K_INT = code('intValue');
const K_BOOL = code('boolValue');
const K_DOUBLE = code('doubleValue');
const K_BYTES = code('bytesValue');
const K_ARRAY = code('arrayValue');
const K_KVLIST = code('kvlistValue');
const K_CODE = code('code');
const K_MESSAGE = code('message');
const K_TIME = code('timeUnixNano');
const K_NAME = code('name');
const K_ATTRIBUTES = code('attributes');
const K_DROPPED_ATTRS = code('droppedAttributesCount');
/** key text → code, for keys not written as SDKs write them */
const KEY_CODES = new Map<string, number>(KEY_NAMES.map((k, i) => [k, i + 1]));
/** the key keyCode() read, as a string, when its code is 0 */
let otherKey = '';
// Each key's text as it is written without spaces (the key, its closing quote and the colon), in int32
// words, found by the four bytes after the opening quote: a key written so is matched without scanning
// for its end first.
const KEY_TEXT: Uint8Array[] = KEY_NAMES.map((k) => new TextEncoder().encode(`${k}":`));
KEY_TEXT.unshift(new Uint8Array(0));
const TEXT_WORDS_PER = 6; // the longest, droppedAttributesCount":, has 24 bytes
const TEXT_WORDS = new Int32Array(KEY_TEXT.length * TEXT_WORDS_PER);
const wordSlot = (w: number): number => Math.imul(w, 0x9e3779b1) >>> 24;
const WORD_FIRST = new Uint8Array(256);
const WORD_NEXT = new Uint8Array(KEY_TEXT.length);
for (let c = KEY_TEXT.length - 1; c >= 1; c--) {
  const t = KEY_TEXT[c];
  const dw = new DataView(t.buffer, t.byteOffset, t.byteLength);
  for (let i = 0; i + 4 <= t.length; i += 4) TEXT_WORDS[c * TEXT_WORDS_PER + (i >> 2)] = dw.getInt32(i, true);
  const slot = wordSlot(dw.getInt32(0, true));
  WORD_NEXT[c] = WORD_FIRST[slot];
  WORD_FIRST[slot] = c;
}

/** A member's key as its code (see KEY_NAMES); other keys answer 0 and leave their text in otherKey. */
function keyCode(): number {
  if (buf[pos] !== QUOTE) throw GIVE_UP;
  if (pos + 5 <= end) {
    const from = pos + 1;
    for (let c = WORD_FIRST[wordSlot(dv.getInt32(from, true))]; c !== 0; c = WORD_NEXT[c]) {
      const t = KEY_TEXT[c];
      const n = t.length;
      if (from + n > end) continue;
      const o = c * TEXT_WORDS_PER;
      const words = n >> 2;
      let i = 0;
      while (i < words && TEXT_WORDS[o + i] === dv.getInt32(from + (i << 2), true)) i++;
      if (i < words) continue;
      i <<= 2;
      while (i < n && t[i] === buf[from + i]) i++;
      if (i === n) {
        pos = from + n;
        return c;
      }
    }
  }
  const key = keyString();
  const c = KEY_CODES.get(key);
  if (c !== undefined) return c;
  otherKey = key;
  return 0;
}

/** the text of a key keyCode() answered */
const keyText = (c: number): string => (c === 0 ? otherKey : KEY_NAMES[c - 1]);

// ---- OTLP structure ---------------------------------------------------------------------------------
// Each reader takes one object; a key it does not know is skipped (or, in another spelling, gives up), a
// key seen twice gives up (JSON.parse would keep the last one; which one counts is the general decoder's call).

function resourceSpans(epoch: EpochNs, out: SpanBatch): void {
  // spans point at their resource, which may come after them in the object: it is filled in place
  const res = newResource();
  let seen = 0;
  if (objectStart()) do {
    const key = keyString();
    const bit = key === 'resource' ? 1 : key === 'scopeSpans' ? 2 : key === 'schemaUrl' ? 4 : 0;
    seen = once(seen, bit, key);
    if (bit === 1) resource(res);
    else if (bit === 2) {
      if (arrayStart()) do scopeSpans(epoch, res, out); while (arrayNext());
    } else if (bit === 4) res.schemaUrl = stringValue();
  } while (objectNext());
}

function resource(res: Resource): void {
  let seen = 0;
  if (objectStart()) do {
    const key = keyString();
    const bit = key === 'attributes' ? 1 : key === 'droppedAttributesCount' ? 2 : 0;
    seen = once(seen, bit, key);
    if (bit === 1) res.attrs = attributes(0);
    else if (bit === 2) res.droppedAttributesCount = uint(scalar(), '');
  } while (objectNext());
  finishResource(res);
}

function scopeSpans(epoch: EpochNs, res: Resource, out: SpanBatch): void {
  const sc: Scope = { name: '', version: '', attrs: [], droppedAttributesCount: 0, schemaUrl: '' };
  let seen = 0;
  if (objectStart()) do {
    const key = keyString();
    const bit = key === 'scope' ? 1 : key === 'spans' ? 2 : key === 'schemaUrl' ? 4 : 0;
    seen = once(seen, bit, key);
    if (bit === 1) scope(sc);
    else if (bit === 2) {
      if (arrayStart()) do span(epoch, res, sc, out); while (arrayNext());
    } else if (bit === 4) sc.schemaUrl = stringValue();
  } while (objectNext());
}

function scope(sc: Scope): void {
  let seen = 0;
  if (objectStart()) do {
    const key = keyString();
    const bit = key === 'name' ? 1 : key === 'version' ? 2 : key === 'attributes' ? 4 : key === 'droppedAttributesCount' ? 8 : 0;
    seen = once(seen, bit, key);
    if (bit === 1) sc.name = stringValue();
    else if (bit === 2) sc.version = stringValue();
    else if (bit === 4) sc.attrs = attributes(0);
    else if (bit === 8) sc.droppedAttributesCount = uint(scalar(), '');
  } while (objectNext());
}

// span fields, one bit each
const S_TRACE = 1 << 0;
const S_SPAN = 1 << 1;
const S_PARENT = 1 << 2;
const S_STATE = 1 << 3;
const S_FLAGS = 1 << 4;
const S_NAME = 1 << 5;
const S_KIND = 1 << 6;
const S_START = 1 << 7;
const S_END = 1 << 8;
const S_ATTRS = 1 << 9;
const S_DROPPED_ATTRS = 1 << 10;
const S_EVENTS = 1 << 11;
const S_DROPPED_EVENTS = 1 << 12;
const S_LINKS = 1 << 13;
const S_DROPPED_LINKS = 1 << 14;
const S_STATUS = 1 << 15;

/** span field bit by key code (0: not a span field) */
const SPAN_BITS = new Uint16Array(KEY_NAMES.length + 1);
for (const [k, bit] of [
  ['traceId', S_TRACE], ['spanId', S_SPAN], ['parentSpanId', S_PARENT], ['traceState', S_STATE], ['flags', S_FLAGS], ['name', S_NAME],
  ['kind', S_KIND], ['startTimeUnixNano', S_START], ['endTimeUnixNano', S_END], ['attributes', S_ATTRS],
  ['droppedAttributesCount', S_DROPPED_ATTRS], ['events', S_EVENTS], ['droppedEventsCount', S_DROPPED_EVENTS], ['links', S_LINKS],
  ['droppedLinksCount', S_DROPPED_LINKS], ['status', S_STATUS],
] as const) SPAN_BITS[code(k)] = bit;

function span(epoch: EpochNs, res: Resource, sc: Scope, out: SpanBatch): void {
  let traceId: unknown;
  let spanId: unknown;
  let parentSpanId: unknown;
  let traceHex = false;
  let spanHex = false;
  let parentHex = false;
  let traceState = '';
  let flags: unknown;
  let name = '';
  let kind: unknown;
  let start: number | undefined;
  let endTime: number | undefined;
  let attrs: Attrs = [];
  let droppedAttrs: unknown;
  let events: SpanEvent[] | null = null;
  let droppedEvents: unknown;
  let links: SpanLink[] | null = null;
  let droppedLinks: unknown;
  let statusCode: unknown;
  let statusMessage = '';
  let seen = 0;
  if (objectStart()) do {
    const k = keyCode();
    const bit = SPAN_BITS[k];
    seen = bit === 0 ? once(seen, 0, keyText(k)) : once(seen, bit, '');
    switch (bit) {
      case S_TRACE: traceId = idValue(); traceHex = idIsLowerHex; break;
      case S_SPAN: spanId = idValue(); spanHex = idIsLowerHex; break;
      case S_PARENT: parentSpanId = idValue(); parentHex = idIsLowerHex; break;
      case S_STATE: traceState = stringValue(); break;
      case S_FLAGS: flags = scalar(); break;
      case S_NAME: name = stringValue(); break;
      case S_KIND: kind = scalar(); break;
      case S_START: start = timeValue(epoch); break;
      case S_END: endTime = timeValue(epoch); break;
      case S_ATTRS: attrs = attributes(0); break;
      case S_DROPPED_ATTRS: droppedAttrs = scalar(); break;
      case S_EVENTS: {
        const evs: SpanEvent[] = [];
        if (arrayStart()) do evs.push(event(epoch)); while (arrayNext());
        events = evs.length ? evs : null;
        break;
      }
      case S_DROPPED_EVENTS: droppedEvents = scalar(); break;
      case S_LINKS: {
        const lks: SpanLink[] = [];
        if (arrayStart()) do lks.push(link()); while (arrayNext());
        links = lks.length ? lks : null;
        break;
      }
      case S_DROPPED_LINKS: droppedLinks = scalar(); break;
      case S_STATUS: {
        let sseen = 0;
        if (objectStart()) do {
          const k = keyCode();
          const b = k === K_CODE ? 1 : k === K_MESSAGE ? 2 : 0;
          sseen = b === 0 ? once(sseen, 0, keyText(k)) : once(sseen, b, '');
          if (b === 1) statusCode = scalar();
          else if (b === 2) statusMessage = stringValue();
        } while (objectNext());
        break;
      }
    }
  } while (objectNext());
  // built as the general decoder's span() builds it (same checks, same property order); a check that
  // fails throws, and then that decoder runs and reports it
  const s: Span = {
    traceId: idOf(traceId, traceHex, 16),
    spanId: idOf(spanId, spanHex, 8),
    parentSpanId: idOf(parentSpanId, parentHex, 8),
    traceState,
    flags: uint(flags, ''),
    name,
    kind: enumValue(kind, KIND_NAMES, 'SPAN_KIND_', ''),
    start: start ?? time(undefined, epoch, ''),
    end: endTime ?? time(undefined, epoch, ''),
    attrs,
    droppedAttributesCount: uint(droppedAttrs, ''),
    events,
    droppedEventsCount: uint(droppedEvents, ''),
    links,
    droppedLinksCount: uint(droppedLinks, ''),
    statusCode: seen & S_STATUS ? enumValue(statusCode, STATUS_NAMES, 'STATUS_CODE_', '') : 0,
    statusMessage,
    resource: res,
    scope: sc,
  };
  const problem = idProblem(s.traceId, 'trace_id') || idProblem(s.spanId, 'span_id') || idProblem(s.parentSpanId, 'parent_span_id') || spanProblem(s);
  if (problem) {
    out.rejected++;
    addReason(out.rejectReasons, `span ${s.spanId.startsWith('invalid:') ? s.spanId.slice(8) : s.spanId || '(no id)'} "${s.name}": ${problem}`);
  } else out.spans.push(s);
}

function event(epoch: EpochNs): SpanEvent {
  let t: number | undefined;
  let name = '';
  let attrs: Attrs = [];
  let dropped: unknown;
  let seen = 0;
  if (objectStart()) do {
    const k = keyCode();
    const bit = k === K_TIME ? 1 : k === K_NAME ? 2 : k === K_ATTRIBUTES ? 4 : k === K_DROPPED_ATTRS ? 8 : 0;
    seen = bit === 0 ? once(seen, 0, keyText(k)) : once(seen, bit, '');
    if (bit === 1) t = timeValue(epoch);
    else if (bit === 2) name = stringValue();
    else if (bit === 4) attrs = attributes(0);
    else if (bit === 8) dropped = scalar();
  } while (objectNext());
  return { time: t ?? time(undefined, epoch, ''), name, attrs, droppedAttributesCount: uint(dropped, '') };
}

function link(): SpanLink {
  let traceId: unknown;
  let spanId: unknown;
  let traceState = '';
  let attrs: Attrs = [];
  let dropped: unknown;
  let flags: unknown;
  let seen = 0;
  if (objectStart()) do {
    const key = keyString();
    const bit = key === 'traceId' ? 1 : key === 'spanId' ? 2 : key === 'traceState' ? 4 : key === 'attributes' ? 8 : key === 'droppedAttributesCount' ? 16 : key === 'flags' ? 32 : 0;
    seen = once(seen, bit, key);
    if (bit === 1) traceId = idValue();
    else if (bit === 2) spanId = idValue();
    else if (bit === 4) traceState = stringValue();
    else if (bit === 8) attrs = attributes(0);
    else if (bit === 16) dropped = scalar();
    else if (bit === 32) flags = scalar();
  } while (objectNext());
  const tid = normalizeId(traceId, 16, '');
  const sid = normalizeId(spanId, 8, '');
  return {
    // a link to an unreadable id is kept (it is only a reference) with the id text as sent
    traceId: tid.startsWith('invalid:') ? tid.slice(8) : tid,
    spanId: sid.startsWith('invalid:') ? sid.slice(8) : sid,
    traceState,
    attrs,
    droppedAttributesCount: uint(dropped, ''),
    flags: uint(flags, ''),
  };
}

// per nesting depth, the list being read (kvlists nest): stored spans then hold arrays of their exact size,
// not a grown array's spare capacity
const scratch: Attrs[] = [];

// An attribute as SDKs write it, `{"key":"…","value":{"<type>Value":…}}` with no spaces, is read by
// matching its fixed parts as bytes, four at a time; anything else (spaces, other member orders, extra
// members, an empty value) is read member by member from the same place.
const le32 = (t: string, i: number): number => t.charCodeAt(i) | (t.charCodeAt(i + 1) << 8) | (t.charCodeAt(i + 2) << 16) | (t.charCodeAt(i + 3) << 24);
const le16 = (t: string, i: number): number => t.charCodeAt(i) | (t.charCodeAt(i + 1) << 8);
// {"key":   (7 bytes)
const OPEN_A = le32('{"ke', 0);
const OPEN_B = le16('y"', 0);
// ,"value":{   (10 bytes)
const VALUE_A = le32(',"va', 0);
const VALUE_B = le32('lue"', 0);
const VALUE_C = le16(':{', 0);
// "stringValue":   (14 bytes), the most common member
const STRING_A = le32('"str', 0);
const STRING_B = le32('ingV', 0);
const STRING_C = le32('alue', 0);
const STRING_D = le16('":', 0);

/** [{key, value}, …] → [key, value, key, value, …] */
function attributes(depth: number): Attrs {
  const out = (scratch[depth] ??= []);
  out.length = 0;
  if (arrayStart()) do {
    const from = pos;
    if (pos + 8 <= end && dv.getInt32(pos, true) === OPEN_A && dv.getInt16(pos + 4, true) === OPEN_B && buf[pos + 6] === COLON && buf[pos + 7] === QUOTE) {
      pos += 7;
      const key = stringAt();
      if (pos + 11 <= end && dv.getInt32(pos, true) === VALUE_A && dv.getInt32(pos + 4, true) === VALUE_B && dv.getInt16(pos + 8, true) === VALUE_C) {
        pos += 10;
        if (buf[pos] === QUOTE && depth <= MAX_VALUE_DEPTH) {
          let k: number;
          if (pos + 14 <= end && dv.getInt32(pos, true) === STRING_A && dv.getInt32(pos + 4, true) === STRING_B && dv.getInt32(pos + 8, true) === STRING_C && dv.getInt16(pos + 12, true) === STRING_D) {
            pos += 14;
            k = K_STRING;
          } else k = keyCode();
          const value = typedValue(k, depth);
          if (buf[pos] === RBRACE && buf[pos + 1] === RBRACE) {
            pos += 2;
            out.push(key, value);
            continue;
          }
        }
      }
      pos = from;
    }
    let key = '';
    let value: AttrValue = null;
    let seen = 0;
    if (objectStart()) do {
      const k = keyCode();
      const bit = k === K_KEY ? 1 : k === K_VALUE ? 2 : 0;
      if (bit === 0) {
        skipValue(0); // the general decoder reads only key and value here
        continue;
      }
      if (seen & bit) throw GIVE_UP;
      seen |= bit;
      if (bit === 1) key = stringValue();
      else value = anyValue(depth);
    } while (objectNext());
    out.push(key, value);
  } while (arrayNext());
  const exact = out.length ? out.slice() : [];
  out.length = 0; // (no references kept to what was read)
  return exact;
}

function anyValue(depth: number): AttrValue {
  if (depth > MAX_VALUE_DEPTH) throw GIVE_UP;
  if (!objectStart()) return null; // {}: an empty AnyValue
  // exactly one member, a known one: anything else (which of several wins, unknown keys) is left to the
  // general decoder
  const value = typedValue(keyCode(), depth);
  if (objectNext()) throw GIVE_UP;
  return value;
}

/** the value of an AnyValue's member, by its key's code */
function typedValue(k: number, depth: number): AttrValue {
  switch (k) {
    case K_STRING: return stringValue();
    case K_BOOL: return boolValue(scalar(), '');
    case K_INT: return intAttr();
    case K_DOUBLE: return doubleValue(scalar(), '');
    case K_BYTES: return bytesValue(scalar(), '');
    case K_ARRAY: return listValue(depth, false) as AttrValue[];
    case K_KVLIST: return listValue(depth, true) as KvList;
    default: throw GIVE_UP;
  }
}

/** {values: [AnyValue…]} or, for a kvlist, {values: [{key, value}…]} */
function listValue(depth: number, kv: boolean): AttrValue[] | KvList {
  const values: AttrValue[] = [];
  let attrs: Attrs = [];
  let seen = 0;
  if (objectStart()) do {
    const key = keyString();
    seen = once(seen, key === 'values' ? 1 : 0, key);
    if (key !== 'values') continue;
    if (kv) attrs = attributes(depth + 1);
    else if (arrayStart()) do values.push(anyValue(depth + 1)); while (arrayNext());
  } while (objectNext());
  return kv ? new KvList(attrs) : values;
}

/**
 * Bookkeeping for one member: answers `seen` with `bit` added. A key seen twice gives up; an unknown key
 * (bit 0) has its value skipped — or gives up when it is a spelling the general decoder reads (snake_case,
 * the pre-1.0 instrumentationLibrary… names).
 */
function once(seen: number, bit: number, key: string): number {
  if (bit === 0) {
    skipUnknown(key);
    return seen;
  }
  if (seen & bit) throw GIVE_UP;
  return seen | bit;
}

function skipUnknown(key: string): void {
  if (key.includes('_') || key.startsWith('instrumentationLibrary')) throw GIVE_UP;
  skipValue(0);
}

// ---- JSON -------------------------------------------------------------------------------------------

function skipWs(): void {
  while (pos < end) {
    const c = buf[pos];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    pos++;
  }
}

/** At a value that must be an object: consumes `{`; true when a member follows (read it with keyString). */
const objectStart = (): boolean => opens(LBRACE, RBRACE);
/** After a member's value: true when another member follows, false at the closing `}`. */
const objectNext = (): boolean => follows(RBRACE);
/** At a value that must be an array: consumes `[`; true when an element follows. */
const arrayStart = (): boolean => opens(LBRACKET, RBRACKET);
/** After an element: true when another follows, false at the closing `]`. */
const arrayNext = (): boolean => follows(RBRACKET);

function opens(open: number, close: number): boolean {
  skipWs();
  if (buf[pos] !== open) throw GIVE_UP;
  pos++;
  skipWs();
  if (buf[pos] === close) {
    pos++;
    return false;
  }
  return true;
}

function follows(close: number): boolean {
  skipWs();
  const c = buf[pos++];
  if (c === COMMA) {
    skipWs();
    return true;
  }
  if (c === close) return false;
  throw GIVE_UP;
}

/** A member's key and its colon; keys with escapes are left to the general decoder. */
function keyString(): string {
  if (buf[pos] !== QUOTE) throw GIVE_UP;
  const start = ++pos;
  while (pos < end) {
    const c = buf[pos];
    if (c === QUOTE) {
      const key = internUtf8(buf, start, pos);
      pos++;
      skipWs();
      if (buf[pos] !== COLON) throw GIVE_UP;
      pos++;
      return key;
    }
    if (c === BACKSLASH || c < 0x20) throw GIVE_UP;
    pos++;
  }
  throw GIVE_UP;
}

/** a JSON string value (a null or another type gives up) */
function stringValue(): string {
  skipWs();
  if (buf[pos] !== QUOTE) throw GIVE_UP;
  return stringAt();
}

/** the string starting at the quote at `pos` */
function stringAt(): string {
  const start = ++pos;
  // short strings (keys, names, most values): scanned here and interned from their bytes
  const shortEnd = Math.min(end, start + MAX_INTERNED_LENGTH + 1);
  // four bytes at a time past those that need no look (not a quote, a backslash or a control character);
  // the tests are exact for any bytes (Anderson's "bit twiddling hacks": haszero, hasless)
  let i = start;
  const end4 = shortEnd - 3;
  while (i < end4) {
    const w = dv.getInt32(i, true);
    const q = w ^ 0x22222222;
    const b = w ^ 0x5c5c5c5c;
    if ((((q - 0x01010101) & ~q) | ((b - 0x01010101) & ~b) | ((w - 0x20202020) & ~w)) & 0x80808080) break;
    i += 4;
  }
  for (; i < shortEnd; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      pos = i + 1;
      return internUtf8(buf, start, i);
    }
    if (c === BACKSLASH || c < 0x20) return escapedString(start);
  }
  // long ones (SQL, URLs, messages): the closing quote found natively, the text checked by a regex
  const q = buf.indexOf(QUOTE, shortEnd);
  if (q < 0) throw GIVE_UP;
  const s = buf.utf8Slice(start, q);
  if (NEEDS_CARE.test(s)) return escapedString(start);
  pos = q + 1;
  return s;
}

/** a string with escapes (stack traces, messages) or control characters: JSON.parse reads exactly it */
function escapedString(start: number): string {
  let i = start;
  while (i < end) {
    const c = buf[i];
    if (c === QUOTE) break;
    if (c < 0x20) throw GIVE_UP; // a raw control character: not JSON
    i += c === BACKSLASH ? 2 : 1; // an escaped character (a quote among them) is never the end
  }
  if (i >= end) throw GIVE_UP;
  pos = i + 1;
  let s: string;
  try {
    s = JSON.parse(buf.utf8Slice(start - 1, pos)) as string;
  } catch {
    throw GIVE_UP;
  }
  return intern(s);
}

// Bytes that are lowercase hex digits (what every SDK sends): an id made only of them needs no other check.
const LOWER_HEX = new Uint8Array(256);
for (const c of '0123456789abcdef') LOWER_HEX[c.charCodeAt(0)] = 1;
/** set by idValue(): the id just read was a string of lowercase hex digits only */
let idIsLowerHex = false;

/** an id string as sent (shared while it repeats, see internIdText); anything else as scalar() reads it */
function idValue(): unknown {
  skipWs();
  idIsLowerHex = false;
  if (buf[pos] !== QUOTE) return scalar();
  const start = pos + 1;
  const limit = Math.min(end, start + 64);
  let hex = 1;
  for (let i = start; i < limit; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      pos = i + 1;
      idIsLowerHex = hex === 1;
      return internIdText(buf, start, i);
    }
    if (c === BACKSLASH || c < 0x20 || c >= 0x80) break;
    hex &= LOWER_HEX[c];
  }
  return scalar(); // long, escaped or not ASCII: normalizeId will say what it is
}

/** normalizeId for an id read by idValue(): one already known to be lowercase hex only needs its length checked */
function idOf(v: unknown, lowerHex: boolean, bytes: number): string {
  return lowerHex && (v as string).length === bytes * 2 ? (v as string) : normalizeId(v, bytes, '');
}

/**
 * An intValue. A decimal string of up to 15 digits (what SDKs send; exact in a double) is read from its
 * digits — the same bigint intValue() makes of it, without the string; anything else goes through intValue().
 */
function intAttr(): AttrValue {
  skipWs();
  if (buf[pos] === QUOTE) {
    const neg = buf[pos + 1] === 0x2d;
    const start = pos + (neg ? 2 : 1);
    const close = quotedDigitsEnd(start, 15);
    if (close >= 0) {
      pos = close + 1;
      const n = digits(start, close);
      return neg ? BigInt(-n) : smallBigInt(n);
    }
  }
  return intValue(bigIntegerAt() ?? scalar(), '');
}

/**
 * A Unix-nanosecond time. A decimal string (what SDKs send) is read from its digits, computing exactly
 * what EpochNs.fromDecimal computes from the string; anything else goes through time().
 */
function timeValue(epoch: EpochNs): number {
  skipWs();
  if (buf[pos] === QUOTE) {
    const start = pos + 1;
    // the usual form, 19 digits (a time since 2001 in ns), read four digits at a time
    if (start + 19 < end && buf[start + 19] === QUOTE) {
      const a = dv.getInt32(start, true) - 0x30303030;
      const b = dv.getInt32(start + 4, true) - 0x30303030;
      const c = dv.getInt32(start + 8, true) - 0x30303030;
      const d = dv.getInt32(start + 12, true) - 0x30303030;
      const e = buf[start + 16] - 0x30;
      const f = buf[start + 17] - 0x30;
      const g = buf[start + 18] - 0x30;
      // every byte a digit: none below '0' (a borrow sets the top bit) and none above '9' (adding 0x76 does);
      // the last three as unsigned numbers, so that one below '0' is large
      const words = a | (a + 0x76767676) | b | (b + 0x76767676) | c | (c + 0x76767676) | d | (d + 0x76767676);
      if ((words & 0x80808080) === 0 && e >>> 0 <= 9 && f >>> 0 <= 9 && g >>> 0 <= 9) {
        pos = start + 20;
        const sec = four(a) * 1e6 + four(b) * 100 + (c & 0xff) * 10 + ((c >>> 8) & 0xff);
        const ns = ((c >>> 16) & 0xff) * 1e8 + (c >>> 24) * 1e7 + four(d) * 1000 + e * 100 + f * 10 + g;
        return (sec - epoch.sec) * 1e9 + ns;
      }
    }
    const close = quotedDigitsEnd(start, 20);
    if (close >= 0) {
      pos = close + 1;
      if (close - start <= 9) return digits(start, close) - epoch.sec * 1e9;
      return (digits(start, close - 9) - epoch.sec) * 1e9 + digits(close - 9, close);
    }
  }
  return time(bigIntegerAt() ?? scalar(), epoch, '');
}

/**
 * A bare integer of 16 digits or more (an int64 some SDKs write as a JSON number) as its digits, since a
 * double cannot hold it exactly; undefined for anything else. The general decoder quotes such values
 * before JSON.parse (quoteBigIntegers) and so reads the same.
 */
function bigIntegerAt(): string | undefined {
  const start = pos;
  let i = buf[start] === 0x2d ? start + 1 : start;
  const first = i;
  while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
  if (i - first < 16 || buf[first] === 0x30 || buf[i] === 0x2e || buf[i] === 0x65 || buf[i] === 0x45) return undefined;
  pos = i;
  return buf.latin1Slice(start, i);
}

/** the value of four digits, given as one little-endian word of their bytes less '0' (the first digit lowest) */
function four(v: number): number {
  return (v & 0xff) * 1000 + ((v >>> 8) & 0xff) * 100 + ((v >>> 16) & 0xff) * 10 + (v >>> 24);
}

/** where the closing quote is when buf[start…] is 1 to `max` decimal digits and then a quote; else -1 */
function quotedDigitsEnd(start: number, max: number): number {
  let i = start;
  while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
  const len = i - start;
  return buf[i] === QUOTE && len >= 1 && len <= max ? i : -1;
}

/** the decimal number buf[from, to) (at most 15 digits here: exact) */
function digits(from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (buf[i] - 0x30);
  return n;
}

/** a string, number or boolean as JSON.parse gives it; null, objects and arrays give up */
function scalar(): string | number | boolean {
  skipWs();
  const c = buf[pos];
  if (c === QUOTE) return stringAt();
  if (c === 0x74 && buf[pos + 1] === 0x72 && buf[pos + 2] === 0x75 && buf[pos + 3] === 0x65) {
    pos += 4;
    return true;
  }
  if (c === 0x66 && buf[pos + 1] === 0x61 && buf[pos + 2] === 0x6c && buf[pos + 3] === 0x73 && buf[pos + 4] === 0x65) {
    pos += 5;
    return false;
  }
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return numberAt();
  throw GIVE_UP;
}

function numberAt(): number {
  const start = pos;
  // the common cases, read from their digits: an integer (kinds, codes, counts) or a plain decimal
  // (ratios, seconds) of at most 15 digits. Such a decimal is m / 10^k with m and 10^k both exact doubles,
  // and one IEEE division rounds correctly, so the result is the one Number() gives (Clinger's fast path).
  const neg = buf[pos] === 0x2d;
  const first = neg ? pos + 1 : pos;
  let i = first;
  while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
  const intDigits = i - first;
  if (intDigits > 0 && intDigits <= 15 && (intDigits === 1 || buf[first] !== 0x30)) {
    let c = buf[i];
    if (c !== 0x2e && c !== 0x65 && c !== 0x45) {
      pos = i;
      const n = digits(first, i);
      return neg ? -n : n;
    }
    if (c === 0x2e) {
      const dot = i++;
      while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
      const fracDigits = i - dot - 1;
      c = buf[i];
      if (fracDigits > 0 && intDigits + fracDigits <= 15 && c !== 0x65 && c !== 0x45) {
        pos = i;
        const n = (digits(first, dot) * POW10[fracDigits] + digits(dot + 1, i)) / POW10[fracDigits];
        return neg ? -n : n;
      }
    }
  }
  while (pos < end) {
    const c = buf[pos];
    // digits, '-', '+', '.', 'e', 'E': the token; its grammar is checked below
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) pos++;
    else break;
  }
  const token = buf.latin1Slice(start, pos);
  if (!NUMBER_RE.test(token)) throw GIVE_UP;
  return Number(token);
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** Skips any JSON value (an unknown member's); a null gives up: what a null means is the general decoder's call. */
function skipValue(depth: number): void {
  if (depth > MAX_SKIP_DEPTH) throw GIVE_UP;
  skipWs();
  const c = buf[pos];
  if (c === LBRACE) {
    if (objectStart()) do {
      keyString();
      skipValue(depth + 1);
    } while (objectNext());
  } else if (c === LBRACKET) {
    if (arrayStart()) do skipValue(depth + 1); while (arrayNext());
  } else {
    scalar();
  }
}
