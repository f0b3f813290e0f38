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
export type RawBuffer = Buffer & { utf8Slice(start: number, end: number): string; hexSlice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

const SLOTS = 1 << 14;
// The cached bytes live in one arena, compared four bytes at a time through DataViews: a byte-by-byte loop
// over two typed arrays was most of the decoder's time (a hit costs the comparison of the whole string).
const ARENA_BYTES = 1 << 20;
const arena = new Uint8Array(ARENA_BYTES);
const arenaView = new DataView(arena.buffer);
let arenaUsed = 0;
/** per slot: where its bytes are in the arena, and their length (-1: empty) */
const slotOffset = new Int32Array(SLOTS);
const slotLength = new Int32Array(SLOTS).fill(-1);
const slotStr: string[] = new Array<string>(SLOTS).fill('');

// a DataView over the buffer being decoded, made once per buffer (released by releaseInternBuffer)
let viewBuf: Uint8Array | null = null;
let view: DataView = arenaView;

/** Forget the DataView over the last decoded buffer, so it does not keep that request body alive. */
export function releaseInternBuffer(): void {
  viewBuf = null;
  view = arenaView;
}

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
  if (slotLength[slot] === len) {
    if (buf !== viewBuf) {
      viewBuf = buf;
      view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const v = view;
    const d = slotOffset[slot] - start; // arena offset = buffer offset + d
    let i = start;
    const end4 = end - 3;
    while (i < end4 && arenaView.getInt32(i + d, true) === v.getInt32(i, true)) i += 4;
    if (i >= end4) while (i < end && arena[i + d] === buf[i]) i++;
    if (i === end) return slotStr[slot];
  }
  const s = buf.utf8Slice(start, end);
  // a copy (not a view, which would keep the whole request buffer alive); a full arena starts over
  if (arenaUsed + len > ARENA_BYTES) {
    slotLength.fill(-1);
    arenaUsed = 0;
  }
  // (a loop: buf.subarray would make a Buffer object per string, and these are at most 96 bytes)
  for (let i = 0; i < len; i++) arena[arenaUsed + i] = buf[start + i];
  slotOffset[slot] = arenaUsed;
  slotLength[slot] = len;
  slotStr[slot] = s;
  arenaUsed += len;
  return s;
}
