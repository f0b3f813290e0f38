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

// Ids as strings, shared while they repeat: the spans of one trace arrive together (one trace id for all
// of them), and a parent's span id comes back as its children's parent id. Each shared id is one string
// fewer per stored span for the garbage collector to copy and keep (27 bytes per span in the memory
// bench), and the store's maps find an id whose hash is already computed. A direct-mapped cache keyed by
// the id's last four bytes (random in every SDK's ids; the first ones can be a timestamp) answers a repeat
// with a few integer compares instead of a new string.
const ID_SLOTS = 1 << 12;
/** per slot: the id's bytes as int32 words (up to 32 bytes: a trace id as JSON hex text) */
const idWords = new Int32Array(ID_SLOTS * 8);
/** per slot: the id's byte length, plus 64 when it was read as text (0: empty) */
const idCode = new Uint8Array(ID_SLOTS);
const idStr: string[] = new Array<string>(ID_SLOTS).fill('');

function cachedId(buf: RawBuffer, start: number, len: number, code: number, text: boolean): string {
  if (buf !== viewBuf) {
    viewBuf = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const v = view;
  const words = len >> 2;
  const slot = Math.imul(v.getInt32(start + len - 4, true) ^ code, 0x9e3779b1) >>> 20; // the top 12 bits
  const o = slot << 3;
  if (idCode[slot] === code) {
    let i = 0;
    while (i < words && idWords[o + i] === v.getInt32(start + (i << 2), true)) i++;
    if (i === words) return idStr[slot];
  }
  const s = text ? buf.latin1Slice(start, start + len) : buf.hexSlice(start, start + len);
  for (let i = 0; i < words; i++) idWords[o + i] = v.getInt32(start + (i << 2), true);
  idCode[slot] = code;
  idStr[slot] = s;
  return s;
}

/** buf[start, end) (a binary id: 16 bytes for a trace, 8 for a span) as lowercase hex, shared when repeated */
export function internHexId(buf: RawBuffer, start: number, end: number): string {
  const len = end - start;
  if (len !== 16 && len !== 8) return len === 0 ? '' : buf.hexSlice(start, end);
  return cachedId(buf, start, len, len, false);
}

/** buf[start, end) (an id's text in JSON: ASCII, not checked here) as a string, shared when repeated */
export function internIdText(buf: RawBuffer, start: number, end: number): string {
  const len = end - start;
  if (len !== 32 && len !== 16) return buf.latin1Slice(start, end);
  return cachedId(buf, start, len, len | 64, true);
}
