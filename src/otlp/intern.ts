// String interning for decoded telemetry. Attribute keys, span names and short values repeat across
// millions of spans; keeping one instance of each is most of what keeps the store near its memory target.
// The table is bounded: when it fills up it starts over (strings already stored stay valid, they are just
// no longer shared with new arrivals), so hostile high-cardinality input cannot grow it without limit.

const MAX_ENTRIES = 50_000;
/** longer strings are rarely repeated (URLs with ids, SQL with literals, messages) and are kept as they come */
export const MAX_INTERNED_LENGTH = 96;

let table = new Map<string, string>();

export function intern(s: string): string {
  if (s.length > MAX_INTERNED_LENGTH) return s;
  const hit = table.get(s);
  if (hit !== undefined) return hit;
  if (table.size >= MAX_ENTRIES) table = new Map();
  table.set(s, s);
  return s;
}

// Small non-negative integers (status codes, ports, line numbers, counts) as shared bigint instances,
// created on first use: a bigint is a 24-byte heap object, and these repeat on nearly every span.
const SMALL_LIMIT = 65536;
const SMALL_BIGINTS: (bigint | undefined)[] = new Array<bigint | undefined>(SMALL_LIMIT);

export function smallBigInt(n: number): bigint {
  if (n >= 0 && n < SMALL_LIMIT && Number.isInteger(n)) return (SMALL_BIGINTS[n] ??= BigInt(n));
  return BigInt(n);
}

// Interning straight from UTF-8 bytes: a direct-mapped cache keyed by a hash of the bytes answers repeated
// keys and values without decoding them again (no temporary string, no Map hashing) — the protobuf decoder
// spends most of its time on strings otherwise.
/** Buffer's own slice decoders (undocumented but stable since Node 0.x; skip toString's argument handling) */
export type RawBuffer = Buffer & { utf8Slice(start: number, end: number): string; hexSlice(start: number, end: number): string };

const SLOTS = 1 << 14;
const slotBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(undefined);
const slotStr: string[] = new Array<string>(SLOTS).fill('');

/** buf[start, end) as a string, shared with earlier equal strings when short */
export function internUtf8(buf: RawBuffer, start: number, end: number): string {
  const len = end - start;
  if (len === 0) return '';
  if (len > MAX_INTERNED_LENGTH) return buf.utf8Slice(start, end);
  // hash a sample of the bytes (ends and middle); equality is checked in full below
  const last = end - 1;
  let h = Math.imul(0x811c9dc5 ^ len, 0x01000193);
  h = Math.imul(h ^ buf[start], 0x01000193);
  h = Math.imul(h ^ buf[last], 0x01000193);
  h = Math.imul(h ^ buf[start + (len >> 1)], 0x01000193);
  h = Math.imul(h ^ buf[last - (len >> 2)], 0x01000193);
  h = Math.imul(h ^ buf[start + (len >> 2)], 0x01000193);
  if (len > 2) h = Math.imul(h ^ buf[last - 1], 0x01000193);
  if (len > 3) h = Math.imul(h ^ buf[last - 2], 0x01000193);
  const slot = (h ^ (h >>> 14)) & (SLOTS - 1);
  const k = slotBytes[slot];
  if (k !== undefined && k.length === len) {
    let i = 0;
    while (i < len && k[i] === buf[start + i]) i++;
    if (i === len) return slotStr[slot];
  }
  const s = buf.utf8Slice(start, end);
  // a copy (not a view, which would keep the whole request buffer alive)
  const copy = new Uint8Array(len);
  for (let i = 0; i < len; i++) copy[i] = buf[start + i];
  slotBytes[slot] = copy;
  slotStr[slot] = s;
  return s;
}
