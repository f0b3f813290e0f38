// Approximate retained heap per span / log record / resource, for the store's memory cap. Every byte a
// stored item keeps is counted: names, keys, values, event names, trace states, nested values at any depth
// (decoders refuse nesting beyond MAX_VALUE_DEPTH, so the recursion here is bounded), and the resource and
// scope objects the store shares between spans (charged once each, by the store).
//
// Strings are charged in full (V8: a 16-byte header, one byte per character, two per character when any is
// beyond U+00FF), even short ones that interning (src/otlp/intern.ts) shares between spans: the store
// cannot tell a shared string from a fresh one cheaply, and an estimate that trusted sharing could be
// fooled by a flood of distinct short strings. So the estimate errs on the high side for ordinary spans.
// 64-bit V8 without pointer compression: 8-byte fields and array slots.
import type { AttrValue, Attrs, LogRecord, Resource, Scope, Span } from '../model/span';
import { KvList } from '../model/span';
import { MAX_INTERNED_LENGTH } from '../otlp/intern';

const SPAN_OBJECT = 176 + 32 /* start/end boxes */ + 64 /* span id + parent id strings */;
const ARRAY = 32;
const STRING_HEADER = 16;
/** any character beyond Latin-1 makes V8 store the whole string with two bytes per character */
const TWO_BYTE = /[^\u0000-\u00ff]/;

/** the string's own heap size ('' is a shared constant) */
export function stringBytes(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  // short strings are not scanned (the hot path): charged as if every character took two bytes
  if (n <= MAX_INTERNED_LENGTH) return STRING_HEADER + 2 * n;
  return STRING_HEADER + (TWO_BYTE.test(s) ? 2 * n : n);
}

function valueBytes(v: AttrValue): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'string':
      return stringBytes(v);
    case 'number':
      return 16;
    case 'bigint':
      return 24;
    case 'boolean':
      return 0;
  }
  if (v instanceof Uint8Array) return 96 + v.byteLength;
  if (v instanceof KvList) return 24 + attrsBytes(v.kv);
  let n = ARRAY + 8 * v.length;
  for (const x of v) n += valueBytes(x);
  return n;
}

export function attrsBytes(attrs: Attrs): number {
  let n = ARRAY + 8 * attrs.length;
  for (let i = 0; i < attrs.length; i += 2) n += stringBytes(attrs[i] as string) + valueBytes(attrs[i + 1] as AttrValue);
  return n;
}

export function estimateSpanBytes(s: Span): number {
  let n = SPAN_OBJECT + stringBytes(s.name) + attrsBytes(s.attrs) + stringBytes(s.traceState) + stringBytes(s.statusMessage);
  if (s.events) {
    n += ARRAY + 8 * s.events.length;
    for (const e of s.events) n += 72 + stringBytes(e.name) + attrsBytes(e.attrs);
  }
  if (s.links) {
    n += ARRAY + 8 * s.links.length;
    for (const l of s.links) n += 136 + attrsBytes(l.attrs) + stringBytes(l.traceState);
  }
  return n;
}

export function estimateLogBytes(l: LogRecord): number {
  return 160 + attrsBytes(l.attrs) + valueBytes(l.body) + stringBytes(l.severityText) + stringBytes(l.eventName);
}

/** a shared resource, plus its identity key in the store's table (a string as long as its attributes) */
export function estimateResourceBytes(r: Resource, keyLength: number): number {
  return 96 + attrsBytes(r.attrs) + stringBytes(r.schemaUrl) + STRING_HEADER + 2 * keyLength + 64 /* table entry */;
}

export function estimateScopeBytes(sc: Scope, keyLength: number): number {
  return 96 + stringBytes(sc.name) + stringBytes(sc.version) + attrsBytes(sc.attrs) + stringBytes(sc.schemaUrl) + STRING_HEADER + 2 * keyLength + 64;
}
