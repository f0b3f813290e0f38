// Approximate retained heap per span / log record, for the store's memory cap. Calibrated against
// bench/ingest.mjs's memory figure (64-bit V8 without pointer compression: 8-byte fields, 16-byte string
// and heap-number headers). Attribute keys and short values are interned (src/otlp/intern.ts) and cost
// only their array slot; the estimate still charges short values, so it errs on the high side.
import type { AttrValue, Attrs, LogRecord, Span } from '../model/span';
import { KvList } from '../model/span';
import { MAX_INTERNED_LENGTH } from '../otlp/intern';

const SPAN_OBJECT = 176 + 32 /* start/end boxes */ + 64 /* span id + parent id strings */;
const ARRAY = 32;

function valueBytes(v: AttrValue, depth: number): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'string':
      return v.length > MAX_INTERNED_LENGTH ? 24 + v.length : 8;
    case 'number':
      return 16;
    case 'bigint':
      return 24;
    case 'boolean':
      return 0;
  }
  if (depth > 8) return 64;
  if (v instanceof Uint8Array) return 96 + v.byteLength;
  if (v instanceof KvList) return 24 + attrsBytes(v.kv, depth + 1);
  let n = ARRAY + 8 * v.length;
  for (const x of v) n += valueBytes(x, depth + 1);
  return n;
}

export function attrsBytes(attrs: Attrs, depth = 0): number {
  let n = ARRAY + 8 * attrs.length;
  for (let i = 1; i < attrs.length; i += 2) n += valueBytes(attrs[i] as AttrValue, depth);
  return n;
}

export function estimateSpanBytes(s: Span): number {
  let n = SPAN_OBJECT + attrsBytes(s.attrs) + s.traceState.length + s.statusMessage.length;
  if (s.events) {
    n += ARRAY + 8 * s.events.length;
    for (const e of s.events) n += 72 + attrsBytes(e.attrs);
  }
  if (s.links) {
    n += ARRAY + 8 * s.links.length;
    for (const l of s.links) n += 136 + attrsBytes(l.attrs) + l.traceState.length;
  }
  return n;
}

export function estimateLogBytes(l: LogRecord): number {
  return 160 + attrsBytes(l.attrs) + valueBytes(l.body, 0) + (typeof l.body === 'string' ? l.body.length : 0);
}
