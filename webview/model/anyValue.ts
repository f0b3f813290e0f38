// OTLP JSON values (SpanDetail) as display text and as plain JSON for "copy as JSON", and Unix-ns
// timestamps as offsets from the trace start. Pure.
import type { AnyValue, KeyValue } from '../../src/protocol/waterfall';

export function anyValueText(v: AnyValue | undefined): string {
  if (!v) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return JSON.stringify(anyValueJson(v));
  if (v.kvlistValue) return JSON.stringify(anyValueJson(v));
  return '';
}

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** a value as plain JSON (64-bit ints stay decimal strings when they would lose precision) */
export function anyValueJson(v: AnyValue | undefined): Json {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValueJson);
  if (v.kvlistValue) return attrsJson(v.kvlistValue.values ?? []);
  return null;
}

export function attrsJson(kvs: KeyValue[]): { [k: string]: Json } {
  const o: { [k: string]: Json } = {};
  for (const kv of kvs) o[kv.key] = anyValueJson(kv.value);
  return o;
}

export function findAttr(kvs: KeyValue[] | undefined, key: string): string | undefined {
  const kv = kvs?.find((a) => a.key === key);
  return kv ? anyValueText(kv.value) : undefined;
}

/** ns offset of a Unix-ns decimal string from the trace start (epoch seconds + offset ns); NaN if bad */
export function offsetFromTraceStart(unixNano: string, epochSec: number, startOffsetNs: number): number {
  if (!/^\d{1,20}$/.test(unixNano)) return NaN;
  const d = BigInt(unixNano) - (BigInt(epochSec) * 1_000_000_000n + BigInt(Math.round(startOffsetNs)));
  return Number(d);
}
