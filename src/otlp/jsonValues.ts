// The leaves of OTLP JSON — ids, times, enums, counts, AnyValue scalars — checked and converted the same way
// by both JSON decoders (jsonDecode.ts over JSON.parse's tree, jsonFast.ts straight from the bytes).
import type { EpochNs } from '../model/time';
import { smallBigInt } from './intern';
import { OtlpDecodeError } from './protoDecode';

/**
 * JSON.parse turns integers beyond 2^53 into inexact doubles, and OTLP JSON (from SDKs that write int64 as
 * numbers, and files some tools write) can carry nanosecond timestamps and int64 attributes as bare numbers.
 * Quote them first so they survive exactly. Only values of keys that hold int64s are touched (also Jaeger's
 * and Zipkin's startTime, timestamp, duration); a key can only match outside string literals because inside
 * them quotes are escaped.
 */
export function quoteBigIntegers(text: string): string {
  return text.replace(
    /("(?:\w*(?:[Uu]nix_?[Nn]ano|int_?[Vv]alue)|startTime|timestamp|duration)"\s*:\s*)(-?[1-9]\d{15,})(?=\s*[,}\]])/g,
    '$1"$2"',
  );
}

export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

export function fail(path: string, expected: string, v: unknown): never {
  throw new OtlpDecodeError(`invalid OTLP JSON at ${path}: expected ${expected}, got ${typeName(v)}`);
}

export function uint(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return fail(path, 'a non-negative integer', v);
}

export function enumValue(v: unknown, names: readonly string[], prefix: string, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    const up = v.toUpperCase();
    const bare = up.startsWith(prefix) ? up.slice(prefix.length) : up;
    const i = names.indexOf(bare);
    if (i >= 0) return i;
    throw new OtlpDecodeError(`invalid OTLP JSON at ${path}: unknown enum value "${v.slice(0, 60)}"`);
  }
  return fail(path, 'an enum number or name', v);
}

export const KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
export const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'] as const;
export const SEVERITY_NAMES = [
  'UNSPECIFIED', 'TRACE', 'TRACE2', 'TRACE3', 'TRACE4', 'DEBUG', 'DEBUG2', 'DEBUG3', 'DEBUG4', 'INFO', 'INFO2',
  'INFO3', 'INFO4', 'WARN', 'WARN2', 'WARN3', 'WARN4', 'ERROR', 'ERROR2', 'ERROR3', 'ERROR4', 'FATAL', 'FATAL2',
  'FATAL3', 'FATAL4',
] as const;

export function time(v: unknown, epoch: EpochNs, path: string): number {
  if (v === undefined || v === null) return 0 - epoch.sec * 1e9;
  if (typeof v === 'string' || typeof v === 'number') {
    const t = epoch.fromDecimal(v);
    if (!Number.isNaN(t)) return t;
  }
  return fail(path, 'a Unix-nanosecond int64 (decimal string or number)', v);
}

const HEX_RE = /^[0-9a-fA-F]*$/;
export const B64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * An id as lowercase hex: hex of the expected length in any case, or base64/base64url of the byte length.
 * Returns the input unchanged (so spanProblem names it) when it is neither; '' for empty.
 */
export function normalizeId(v: unknown, bytes: number, path: string): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') fail(path, 'a hex or base64 id string', v);
  if (v.length === bytes * 2 && HEX_RE.test(v)) return v.toLowerCase();
  if (B64_RE.test(v) && v.length >= Math.floor((bytes * 4) / 3) && v.length <= Math.ceil(bytes / 3) * 4) {
    const b = Buffer.from(v, v.includes('-') || v.includes('_') ? 'base64url' : 'base64');
    if (b.length === bytes) return b.toString('hex');
  }
  return `invalid:${v.slice(0, 80)}`;
}

export function idProblem(id: string, what: string): string {
  return id.startsWith('invalid:') ? `${what} "${id.slice(8)}" is neither ${what === 'trace_id' ? 32 : 16} hex digits nor base64` : '';
}


// AnyValue scalars; `path` is the AnyValue's, the field name is added only for an error message

export function boolValue(x: unknown, path: string): boolean {
  if (typeof x === 'boolean') return x;
  if (x === 'true' || x === 'false') return x === 'true';
  return fail(`${path}.boolValue`, 'a boolean', x);
}

export function intValue(x: unknown, path: string): bigint {
  if (typeof x === 'number' && Number.isInteger(x)) return smallBigInt(x);
  if (typeof x === 'string' && /^-?\d{1,20}$/.test(x)) {
    const v = BigInt(x);
    // out of range is an error in the protobuf JSON mapping, not a value to wrap around
    if (v === BigInt.asIntN(64, v)) return v;
    throw new OtlpDecodeError(`invalid OTLP JSON at ${path}.intValue: ${x} is outside the int64 range`);
  }
  return fail(`${path}.intValue`, 'an int64 (string or integer)', x);
}

export function doubleValue(x: unknown, path: string): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  if (typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x))) return Number(x);
  return fail(`${path}.doubleValue`, 'a number', x);
}

export function bytesValue(x: unknown, path: string): Uint8Array {
  if (x === null) x = '';
  if (typeof x !== 'string') fail(`${path}.bytesValue`, 'a string', x);
  if (!B64_RE.test(x)) fail(`${path}.bytesValue`, 'base64 text', x);
  return new Uint8Array(Buffer.from(x, x.includes('-') || x.includes('_') ? 'base64url' : 'base64'));
}
