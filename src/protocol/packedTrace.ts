// The packed trace: a whole trace in one ArrayBuffer for the waterfall webview. The receiver encodes it
// (GET /api/traces/{id}/packed), the extension host passes the bytes on untouched and the webview reads
// them through typed-array views without copying. 100k spans with a few attributes each are ~10 MB instead
// of ~68 MB of span JSON; full span details (attribute values in full, events, links, logs) are fetched on
// demand as SpanDetail.
//
// Browser-safe: no Node, no vscode — TextEncoder/TextDecoder and typed arrays only. The typed arrays use the
// platform's byte order, little endian everywhere VS Code runs; the header is read with DataView (LE).
//
// Layout, every section 8-byte aligned:
//   header (64 bytes): 0 magic u32 · 4 version u16 · 6 flags u16 · 8 span count u32 · 12 string count u32 ·
//     16 string blob bytes u32 · 20 attribute pairs u32 · 24 store epoch (Unix s) f64 · 32 trace start
//     (ns from the epoch) f64 · 40 trace end (ns from the trace start) f64 · 48 the whole trace's span count
//     u32 (above the span count in a head: flag Partial)
//   string table: Uint32 UTF-16 offsets [stringCount+1] + one UTF-8 blob of all strings joined
//     (string 0 is the trace id, string 1 is '')
//   per span, in depth-first order (buildTree's order):
//     start, end        Float64  ns offsets from the trace start (exact: doubles hold integers to 2^53)
//     parent            Int32    index of the parent row, -1 for roots (orphans and cut cycles included)
//     depth             Int32
//     service, name     Uint32   string table indexes
//     id                8 bytes  the span id (hex ids) — or Uint32 string index when flag IdsInTable
//     kind, status, tree, bits   Uint8  SpanKind, status code, TreeFlag bits, SpanBit bits
//     eventCount        Uint32
//     attrStart         Uint32 [n+1] then attrs Uint32 pairs (key, value) — span attributes for find,
//                       values cut to PACKED_VALUE_CHARS
//   parentIds           Uint32 string index of the received parentSpanId for rows without a parent row
//                       (roots: '' or the id of a missing parent); 0 elsewhere (read it from the parent row)
import { buildTree, buildTreeSteps, runSteps, touchPages, type TraceTree } from '../store/tree';

// the tree flag bits travel in the packed form: the webview reads them from here
export { TreeFlag, TREE_PROBLEMS } from '../store/tree';
import type { AttrValue, Attrs, Span } from '../model/span';
import type { EpochNs } from '../model/time';

export const PACKED_MAGIC = 0x4b505854; // 'TXPK' read little endian
export const PACKED_VERSION = 1;
const HEADER_BYTES = 64;
const enum HeaderFlag {
  IdsInTable = 1,
  /** a head: the first rows only (TracePacker.encode) */
  Partial = 2,
}

/** Per-span bits beyond the tree flags. */
export const SpanBit = {
  /** the span carries a source location signal (code.* attributes or a stack trace) */
  HasLocation: 1,
  /** an `exception` event is recorded on the span */
  HasException: 2,
  HasLinks: 4,
} as const;

/** Attribute values are cut to this many characters in the packed form (find only; details are full). */
export const PACKED_VALUE_CHARS = 1024;

export interface EncodeOptions {
  /** whether a span can be tied to source; default: code.* attributes or an exception stack trace */
  hasLocation?: (span: Span) => boolean;
}

export interface PackedTrace {
  traceId: string;
  /** rows held here */
  spanCount: number;
  /** a head: only the first rows in depth-first order (the whole trace follows) */
  partial: boolean;
  /** the whole trace's span count (spanCount unless partial) */
  totalSpanCount: number;
  /** the store epoch (whole Unix seconds) and the trace start as an exact ns offset from it */
  epochSec: number;
  startOffsetNs: number;
  /** trace end, ns from the trace start (max end over all spans) */
  durationNs: number;
  start: Float64Array;
  end: Float64Array;
  parent: Int32Array;
  depth: Int32Array;
  service: Uint32Array;
  name: Uint32Array;
  kind: Uint8Array;
  status: Uint8Array;
  tree: Uint8Array;
  bits: Uint8Array;
  eventCount: Uint32Array;
  attrStart: Uint32Array;
  attrs: Uint32Array;
  parentIdIndex: Uint32Array;
  /** index after the last descendant of each row (rows are depth-first, so a subtree is a range) */
  subtreeEnd: Int32Array;
  /** number of direct children per row */
  childCount: Int32Array;
  stringCount: number;
  /** string by table index */
  str(i: number): string;
  /** span id of a row, lowercase hex */
  spanId(row: number): string;
  /** the parentSpanId the span was received with ('' for a root) */
  parentId(row: number): string;
  /** row of a span id (first one received for duplicates), or -1 */
  rowOf(spanId: string): number;
  /** distinct service string indexes, in order of first appearance */
  services: number[];
  /** the string table as one text and the UTF-16 offset of each string in it (stringCount + 1 offsets) */
  table(): { text: string; offsets: Uint32Array };
}

interface Layout {
  strOffsets: number;
  strBlob: number;
  strBlobBytes: number;
  start: number;
  end: number;
  parent: number;
  depth: number;
  service: number;
  name: number;
  ids: number;
  kind: number;
  status: number;
  tree: number;
  bits: number;
  eventCount: number;
  attrStart: number;
  attrs: number;
  parentIds: number;
  total: number;
}

const align8 = (x: number) => (x + 7) & ~7;

function layout(n: number, stringCount: number, strBlobBytes: number, attrPairs: number, idsInTable: boolean): Layout {
  let o = HEADER_BYTES;
  const take = (bytes: number) => {
    const at = o;
    o = align8(o + bytes);
    return at;
  };
  const strOffsets = take(4 * (stringCount + 1));
  const strBlob = take(strBlobBytes);
  return {
    strOffsets,
    strBlob,
    strBlobBytes,
    start: take(8 * n),
    end: take(8 * n),
    parent: take(4 * n),
    depth: take(4 * n),
    service: take(4 * n),
    name: take(4 * n),
    ids: take(idsInTable ? 4 * n : 8 * n),
    kind: take(n),
    status: take(n),
    tree: take(n),
    bits: take(n),
    eventCount: take(4 * n),
    attrStart: take(4 * (n + 1)),
    attrs: take(8 * attrPairs),
    parentIds: take(4 * n),
    total: o,
  };
}

const HEX16 = /^[0-9a-f]{16}$/;
/** values up to this long are shared in the string table; longer ones are stored as they come */
const SHARED_VALUE_CHARS = 48;
/** attribute places (key/value slots of a span) whose last string is remembered while packing */
const SEEN_PLACES = 64;
const nibble = (c: number) => (c <= 57 ? c - 48 : c - 87); // '0'-'9', 'a'-'f' (ids are checked first: tree.hexIds, HEX16)
const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, b) => (b < 16 ? '0' : '') + b.toString(16));

/** rows the panel gets ahead of the whole trace on a first load: more than a tall panel shows */
export const PANEL_HEAD_ROWS = 200;

/** A trace ordered into rows once (buildTree), ready to pack whole or as a head of its first rows. */
export interface TracePacker {
  readonly spanCount: number;
  /**
   * The packed trace; with `rows` below the span count, only the first `rows` rows in depth-first order (the
   * rows an all-expanded waterfall shows first), flagged partial: the panel paints those while the whole
   * trace is still on its way. A head keeps the whole trace's span count and time range.
   */
  encode(rows?: number): Uint8Array;
}

export function packTrace(spans: Span[], epoch: EpochNs, options: EncodeOptions = {}): TracePacker {
  const hasLocation = options.hasLocation ?? defaultHasLocation;
  const tree = buildTree(spans);
  const n = spans.length;
  return { spanCount: n, encode: (rows = n) => encodeRows(spans, epoch, tree, hasLocation, Math.max(0, Math.min(n, Math.floor(rows)))) };
}

/** Packs one trace's spans (any arrival order). `spans` must all belong to one trace; may be empty. */
export function encodePackedTrace(spans: Span[], epoch: EpochNs, options: EncodeOptions = {}): Uint8Array {
  return packTrace(spans, epoch, options).encode();
}

/**
 * encodePackedTrace in steps (runSteps runs them at once): it yields after every `slice` spans read, ordered
 * or packed, so that the receiver answers others while it orders a million spans.
 */
export function* encodePackedTraceSteps(spans: Span[], epoch: EpochNs, options: EncodeOptions, slice: number): Generator<void, Uint8Array> {
  const tree = yield* buildTreeSteps(spans, slice);
  yield;
  return yield* encodeRowsSteps(spans, epoch, tree, options.hasLocation ?? defaultHasLocation, tree.order.length, slice);
}

/** rows 0..h-1 of the trace (all of it when h is the span count) */
function encodeRows(spans: Span[], epoch: EpochNs, tree: TraceTree, hasLocation: (span: Span) => boolean, h: number): Uint8Array {
  return runSteps(encodeRowsSteps(spans, epoch, tree, hasLocation, h, Infinity));
}

function* encodeRowsSteps(spans: Span[], epoch: EpochNs, tree: TraceTree, hasLocation: (span: Span) => boolean, h: number, slice: number): Generator<void, Uint8Array> {
  const total = tree.order.length; // (the store may add spans to the array after the tree was built)
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  // long attribute values are nearly always unique (URLs, SQL, prompts): hashing them only costs time
  const value = (s: string): number => {
    if (s.length <= SHARED_VALUE_CHARS) return intern(s);
    strings.push(s);
    return strings.length - 1;
  };
  const traceId = total ? spans[0].traceId : '';
  intern(traceId); // string 0
  intern(''); // string 1 (0 when the trace id is empty)
  const idsInTable = !tree.hexIds;
  const traceStart = tree.minStart;
  const n = h;

  // One pass over the span objects, in the order they are stored — arrival order, which is also their order
  // in memory — collecting everything into row-indexed arrays: at 100k spans every span object read out of
  // that order is a cache miss (row order visits them at random), and the fixed-size sections are copied into
  // place afterwards (memcpy). Attributes are collected per span here and put in row order after. A head
  // skips the spans past its rows.
  const { order, rowOf, rowParent } = tree;
  const svc = new Uint32Array(n);
  const nm = new Uint32Array(n);
  const pid = new Uint32Array(n);
  const idIdx = idsInTable ? new Uint32Array(n) : null;
  const idBytes = idsInTable ? null : new Uint8Array(8 * n);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const kind = new Uint8Array(n);
  const status = new Uint8Array(n);
  const treeFlags = new Uint8Array(n);
  const bits = new Uint8Array(n);
  const eventCount = new Uint32Array(n);
  /** by span index: where its attribute pairs start and end in `staged` */
  const stagedStart = new Uint32Array(total);
  const stagedEnd = new Uint32Array(total);
  const seenKey: unknown[] = new Array(SEEN_PLACES).fill(undefined);
  const seenKeyIdx = new Uint32Array(SEEN_PLACES);
  const seenVal: unknown[] = new Array(SEEN_PLACES).fill(undefined);
  const seenValIdx = new Uint32Array(SEEN_PLACES);
  const into = { staged: new Uint32Array(Math.max(16, n * 24)), a: 0 };
  if (slice < total) yield* touchPages([svc, nm, pid, idIdx ?? idBytes!, start, end, kind, status, treeFlags, bits, eventCount, stagedStart, stagedEnd]);
  // the pass over the span objects, a slice of them at a time
  const readRange = (from: number, to: number): void => {
    let { staged, a } = into;
    for (let i = from; i < to; i++) {
      const r = rowOf[i];
      if (r >= n) continue; // past the head
      const s = spans[i];
      svc[r] = intern(s.resource.serviceName);
      nm[r] = intern(s.name);
      // a parent id is only needed where it cannot be read from the parent row: roots (orphans, cut cycles)
      pid[r] = rowParent[r] === -1 ? intern(s.parentSpanId) : 0;
      if (idIdx) idIdx[r] = intern(s.spanId);
      else {
        // the id's bytes in order: its two halves as the tree parsed them, most significant byte first
        const hi = tree.idHi[i], lo = tree.idLo[i], o = 8 * r;
        idBytes![o] = hi >>> 24;
        idBytes![o + 1] = hi >>> 16;
        idBytes![o + 2] = hi >>> 8;
        idBytes![o + 3] = hi;
        idBytes![o + 4] = lo >>> 24;
        idBytes![o + 5] = lo >>> 16;
        idBytes![o + 6] = lo >>> 8;
        idBytes![o + 7] = lo;
      }
      stagedStart[i] = a;
      const at = s.attrs;
      if (a + at.length > staged.length) {
        const grown = new Uint32Array(Math.max(2 * staged.length, a + at.length));
        grown.set(staged.subarray(0, a));
        staged = grown;
      }
      for (let k = 0; k + 1 < at.length; k += 2) {
        // spans of one kind carry the same keys (and often values) in the same places: the string seen at this
        // place last time answers without a hash lookup (strings are compared by identity first)
        const key = at[k] as string;
        if (k < SEEN_PLACES && seenKey[k] === key) staged[a++] = seenKeyIdx[k];
        else {
          const ki = intern(String(key));
          staged[a++] = ki;
          if (k < SEEN_PLACES && typeof key === 'string') {
            seenKey[k] = key;
            seenKeyIdx[k] = ki;
          }
        }
        const v = at[k + 1];
        if (k < SEEN_PLACES && seenVal[k] === v && typeof v === 'string') staged[a++] = seenValIdx[k];
        else {
          const vi = value(typeof v === 'string' && v.length <= PACKED_VALUE_CHARS ? v : valueText(v as AttrValue, PACKED_VALUE_CHARS));
          staged[a++] = vi;
          if (k < SEEN_PLACES && typeof v === 'string' && v.length <= SHARED_VALUE_CHARS) {
            seenVal[k] = v;
            seenValIdx[k] = vi;
          }
        }
      }
      start[r] = s.start - traceStart;
      end[r] = s.end - traceStart;
      kind[r] = s.kind;
      status[r] = s.statusCode;
      treeFlags[r] = tree.flags[i];
      let b = 0;
      if (hasLocation(s)) b |= SpanBit.HasLocation;
      if (s.events) for (const e of s.events) if (e.name === 'exception') b |= SpanBit.HasException;
      if (s.links && s.links.length) b |= SpanBit.HasLinks;
      bits[r] = b;
      eventCount[r] = s.events ? s.events.length : 0;
      stagedEnd[i] = a;
    }
    into.staged = staged;
    into.a = a;
  };
  for (let i = 0; i < total; i += slice) {
    readRange(i, Math.min(total, i + slice));
    if (i + slice < total) yield;
  }
  const { staged, a } = into;
  yield;
  const attrPairs = a >> 1;
  const maxEnd = Math.max(0, tree.maxTime - traceStart);

  // strings: one UTF-8 blob, offsets in UTF-16 code units (the decoder slices the decoded string); encoded a
  // slice of strings at a time
  const encoder = new TextEncoder();
  const blobs: Uint8Array[] = [];
  let blobBytes = 0;
  for (let i = 0; i < strings.length; i += slice) {
    const part = encoder.encode(i === 0 && slice >= strings.length ? strings.join('') : strings.slice(i, i + slice).join(''));
    blobs.push(part);
    blobBytes += part.byteLength;
    if (i + slice < strings.length) yield;
  }
  const L = layout(n, strings.length, blobBytes, attrPairs, idsInTable);
  const buf = new ArrayBuffer(L.total);
  const bytes = new Uint8Array(buf);
  if (slice < total) yield* touchPages([bytes]);
  const dv = new DataView(buf);
  dv.setUint32(0, PACKED_MAGIC, true);
  dv.setUint16(4, PACKED_VERSION, true);
  dv.setUint16(6, (idsInTable ? HeaderFlag.IdsInTable : 0) | (n < total ? HeaderFlag.Partial : 0), true);
  dv.setUint32(8, n, true);
  dv.setUint32(12, strings.length, true);
  dv.setUint32(16, blobBytes, true);
  dv.setUint32(20, attrPairs, true);
  dv.setFloat64(24, epoch.sec, true);
  dv.setFloat64(32, traceStart, true);
  dv.setFloat64(40, maxEnd, true);
  dv.setUint32(48, total, true);

  const offs = new Uint32Array(buf, L.strOffsets, strings.length + 1);
  let c = 0;
  for (let i = 0; i < strings.length; i++) {
    offs[i] = c;
    c += strings[i].length;
  }
  offs[strings.length] = c;
  for (let i = 0, at = L.strBlob; i < blobs.length; at += blobs[i].byteLength, i++) bytes.set(blobs[i], at);
  new Float64Array(buf, L.start, n).set(start);
  new Float64Array(buf, L.end, n).set(end);
  new Int32Array(buf, L.parent, n).set(tree.rowParent.subarray(0, n));
  new Int32Array(buf, L.depth, n).set(tree.rowDepth.subarray(0, n));
  new Uint32Array(buf, L.service, n).set(svc);
  new Uint32Array(buf, L.name, n).set(nm);
  if (idIdx) new Uint32Array(buf, L.ids, n).set(idIdx);
  else bytes.set(idBytes!, L.ids);
  bytes.set(kind, L.kind);
  bytes.set(status, L.status);
  bytes.set(treeFlags, L.tree);
  bytes.set(bits, L.bits);
  new Uint32Array(buf, L.eventCount, n).set(eventCount);
  // the attribute pairs, put in row order straight into their section (typed arrays only)
  const attrStart = new Uint32Array(buf, L.attrStart, n + 1);
  const attrs = new Uint32Array(buf, L.attrs, a);
  let w = 0;
  let left = slice;
  for (let r = 0; r < n; r++) {
    if (--left === 0) {
      left = slice;
      yield;
    }
    const i = order[r];
    attrStart[r] = w >> 1;
    for (let k = stagedStart[i], to = stagedEnd[i]; k < to; k++) attrs[w++] = staged[k];
  }
  attrStart[n] = attrPairs;
  new Uint32Array(buf, L.parentIds, n).set(pid);
  return bytes;
}

/** Whether these bytes are a head (TracePacker.encode with fewer rows than the trace has); reads the header only. */
export function isPackedHead(bytes: Uint8Array): boolean {
  if (bytes.byteLength < HEADER_BYTES) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  return dv.getUint32(0, true) === PACKED_MAGIC && (dv.getUint16(6, true) & HeaderFlag.Partial) !== 0;
}

/** Reads a packed trace. Throws an Error with a clear message for anything that is not one. */
export function decodePackedTrace(input: ArrayBuffer | ArrayBufferView): PackedTrace {
  let buf: ArrayBuffer;
  let base = 0;
  let len: number;
  if (input instanceof ArrayBuffer) {
    buf = input;
    len = input.byteLength;
  } else if (ArrayBuffer.isView(input) && input.buffer instanceof ArrayBuffer) {
    len = input.byteLength;
    if (input.byteOffset % 8 === 0) {
      buf = input.buffer;
      base = input.byteOffset;
    } else {
      // typed-array views need aligned offsets: copy once
      buf = new ArrayBuffer(len);
      new Uint8Array(buf).set(new Uint8Array(input.buffer, input.byteOffset, len));
    }
  } else throw new Error('packed trace: expected an ArrayBuffer');
  if (len < HEADER_BYTES) throw new Error(`packed trace: ${len} bytes is too short for a header`);
  const dv = new DataView(buf, base, len);
  if (dv.getUint32(0, true) !== PACKED_MAGIC) throw new Error('packed trace: bad magic (not a packed trace)');
  const version = dv.getUint16(4, true);
  if (version !== PACKED_VERSION) throw new Error(`packed trace: version ${version} is not supported (expected ${PACKED_VERSION})`);
  const flags = dv.getUint16(6, true);
  const idsInTable = (flags & HeaderFlag.IdsInTable) !== 0;
  const partial = (flags & HeaderFlag.Partial) !== 0;
  const n = dv.getUint32(8, true);
  // (packed traces from before the head existed leave the field 0)
  const totalSpanCount = partial ? dv.getUint32(48, true) : n;
  if (totalSpanCount < n) throw new Error(`packed trace: a head of ${n} rows claims a trace of ${totalSpanCount} spans (corrupt)`);
  const stringCount = dv.getUint32(12, true);
  const blobBytes = dv.getUint32(16, true);
  const attrPairs = dv.getUint32(20, true);
  const L = layout(n, stringCount, blobBytes, attrPairs, idsInTable);
  if (L.total !== len) throw new Error(`packed trace: ${len} bytes, expected ${L.total} for ${n} spans (truncated or corrupt)`);
  const at = (o: number) => base + o;
  const offs = new Uint32Array(buf, at(L.strOffsets), stringCount + 1);
  const all = new TextDecoder().decode(new Uint8Array(buf, at(L.strBlob), blobBytes));
  if (offs[stringCount] !== all.length) throw new Error('packed trace: string table does not match its offsets (corrupt)');
  const cache: (string | undefined)[] = new Array(stringCount);
  const str = (i: number): string => {
    if (i >= stringCount) return '';
    let s = cache[i];
    if (s === undefined) cache[i] = s = all.slice(offs[i], offs[i + 1]);
    return s;
  };
  const parent = new Int32Array(buf, at(L.parent), n);
  const parentIds = new Uint32Array(buf, at(L.parentIds), n);
  const service = new Uint32Array(buf, at(L.service), n);
  const idBytes = idsInTable ? null : new Uint8Array(buf, at(L.ids), 8 * n);
  const idStr = idsInTable ? new Uint32Array(buf, at(L.ids), n) : null;
  const spanId = (row: number): string => {
    if (idStr) return str(idStr[row]);
    const o = 8 * row;
    const b = idBytes!;
    return HEX_BYTE[b[o]] + HEX_BYTE[b[o + 1]] + HEX_BYTE[b[o + 2]] + HEX_BYTE[b[o + 3]] + HEX_BYTE[b[o + 4]] + HEX_BYTE[b[o + 5]] + HEX_BYTE[b[o + 6]] + HEX_BYTE[b[o + 7]];
  };
  // span id → row: keyed by the id's low 32 bits (numbers hash fast; no string per row), checked in full
  let idMap: Map<number, number> | undefined;
  let idWords: Uint32Array | undefined;
  let strMap: Map<string, number> | undefined;
  const rowOf = (id: string): number => {
    if (idStr || !HEX16.test(id)) {
      if (!strMap) {
        strMap = new Map();
        for (let r = n - 1; r >= 0; r--) strMap.set(spanId(r), r); // the first row wins for duplicates
      }
      return strMap.get(id) ?? -1;
    }
    if (!idMap) {
      idMap = new Map();
      idWords = new Uint32Array(buf, at(L.ids), 2 * n);
      for (let r = n - 1; r >= 0; r--) {
        const key = idWords[2 * r + 1];
        const prev = idMap.get(key);
        // a collision of the low words (rare) is marked -2: those ids are found by a scan;
        // the same full id again (a duplicate span) keeps the earlier row
        if (prev === undefined || (prev >= 0 && idWords[2 * prev] === idWords[2 * r])) idMap.set(key, r);
        else idMap.set(key, -2);
      }
    }
    const bytes = new Uint8Array(8);
    for (let k = 0; k < 8; k++) bytes[k] = (nibble(id.charCodeAt(2 * k)) << 4) | nibble(id.charCodeAt(2 * k + 1));
    const w = new Uint32Array(bytes.buffer);
    const hit = idMap.get(w[1]);
    if (hit === undefined) return -1;
    if (hit >= 0) return idWords![2 * hit] === w[0] ? hit : -1;
    for (let r = 0; r < n; r++) if (idWords![2 * r] === w[0] && idWords![2 * r + 1] === w[1]) return r;
    return -1;
  };
  // subtree ranges and child counts from the parent links (rows are depth-first)
  const subtreeEnd = new Int32Array(n);
  const childCount = new Int32Array(n);
  for (let r = n - 1; r >= 0; r--) {
    if (subtreeEnd[r] === 0) subtreeEnd[r] = r + 1;
    const p = parent[r];
    if (p >= 0) {
      if (p >= r) throw new Error('packed trace: a parent comes after its child (corrupt)');
      childCount[p]++;
      if (subtreeEnd[p] < subtreeEnd[r]) subtreeEnd[p] = subtreeEnd[r];
    }
  }
  const seen = new Uint8Array(stringCount);
  const services: number[] = [];
  for (let r = 0; r < n; r++) {
    const s = service[r];
    if (!seen[s]) {
      seen[s] = 1;
      services.push(s);
    }
  }
  return {
    traceId: str(0),
    spanCount: n,
    partial,
    totalSpanCount,
    epochSec: dv.getFloat64(24, true),
    startOffsetNs: dv.getFloat64(32, true),
    durationNs: dv.getFloat64(40, true),
    start: new Float64Array(buf, at(L.start), n),
    end: new Float64Array(buf, at(L.end), n),
    parent,
    depth: new Int32Array(buf, at(L.depth), n),
    service,
    name: new Uint32Array(buf, at(L.name), n),
    kind: new Uint8Array(buf, at(L.kind), n),
    status: new Uint8Array(buf, at(L.status), n),
    tree: new Uint8Array(buf, at(L.tree), n),
    bits: new Uint8Array(buf, at(L.bits), n),
    eventCount: new Uint32Array(buf, at(L.eventCount), n),
    attrStart: new Uint32Array(buf, at(L.attrStart), n + 1),
    attrs: new Uint32Array(buf, at(L.attrs), 2 * attrPairs),
    parentIdIndex: parentIds,
    subtreeEnd,
    childCount,
    stringCount,
    str,
    spanId,
    parentId: (row: number) => (parent[row] >= 0 ? spanId(parent[row]) : str(parentIds[row])),
    rowOf,
    services,
    table: () => ({ text: all, offsets: offs }),
  };
}

/** The first row in depth-first order (the outermost span) that carries a location signal, or -1. */
export function firstRowWithLocation(t: Pick<PackedTrace, 'spanCount' | 'bits'>): number {
  for (let r = 0; r < t.spanCount; r++) if (t.bits[r] & SpanBit.HasLocation) return r;
  return -1;
}

const LOCATION_KEYS = new Set(['code.filepath', 'code.file.path', 'code.function', 'code.function.name', 'code.lineno', 'code.line.number', 'code.stacktrace']);

/** code.* attributes or an exception stack trace on the span itself (the packed form's HasLocation bit) */
export function defaultHasLocation(s: Span): boolean {
  const at: Attrs = s.attrs;
  for (let k = 0; k < at.length; k += 2) if (LOCATION_KEYS.has(at[k] as string)) return true;
  if (s.events)
    for (const e of s.events)
      if (e.name === 'exception')
        for (let k = 0; k < e.attrs.length; k += 2) if (e.attrs[k] === 'exception.stacktrace') return true;
  return false;
}

/** An attribute value as text for find (browser-safe; bytes as hex), cut to `max` characters. */
export function valueText(v: AttrValue, max: number): string {
  let s: string;
  if (v === null || v === undefined) s = '';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') s = String(v);
  else if (v instanceof Uint8Array) {
    s = '';
    for (let i = 0; i < v.length && s.length < max; i++) s += (v[i] < 16 ? '0' : '') + v[i].toString(16);
  } else if (Array.isArray(v)) s = `[${v.map((x) => valueText(x, max)).join(', ')}]`;
  else if (typeof v === 'object' && 'kv' in v) {
    const parts: string[] = [];
    for (let k = 0; k + 1 < v.kv.length; k += 2) parts.push(`${String(v.kv[k])}=${valueText(v.kv[k + 1] as AttrValue, max)}`);
    s = `{${parts.join(', ')}}`;
  } else s = String(v);
  return s.length > max ? s.slice(0, max) : s;
}

/**
 * Some rows of a packed trace as a packed trace of their own (a window of a trace too big to send whole):
 * `rows` are row indexes of `t`, ascending (display order is depth-first order). A row's parent is the
 * window row of its parent when that is in the window, else -1 with the parent's span id kept as its
 * received parent id; depths stay the whole trace's. The header keeps the whole trace's span count and time
 * range, flagged partial. Child counts and subtree ends of the decoded window count only what is in it: the
 * receiver sends the whole trace's child counts beside it (src/protocol/rowWindow.ts).
 */
export function slicePackedTrace(t: PackedTrace, rows: ArrayLike<number>): Uint8Array {
  const n = rows.length;
  const strings: string[] = [];
  const index = new Map<number, number>();
  const byText = new Map<string, number>();
  const text = (s: string): number => {
    let i = byText.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      byText.set(s, i);
    }
    return i;
  };
  const intern = (i: number): number => {
    let j = index.get(i);
    if (j === undefined) index.set(i, (j = text(t.str(i))));
    return j;
  };
  text(t.traceId);
  text('');
  const idsInTable = t.spanCount > 0 && !HEX16.test(t.spanId(0));
  const winOf = new Map<number, number>();
  for (let j = 0; j < n; j++) winOf.set(rows[j], j);
  let attrPairs = 0;
  for (let j = 0; j < n; j++) attrPairs += t.attrStart[rows[j] + 1] - t.attrStart[rows[j]];
  const svc = new Uint32Array(n), nm = new Uint32Array(n), pid = new Uint32Array(n), par = new Int32Array(n), dep = new Int32Array(n);
  const idIdx = idsInTable ? new Uint32Array(n) : null;
  const idBytes = idsInTable ? null : new Uint8Array(8 * n);
  const start = new Float64Array(n), end = new Float64Array(n);
  const kind = new Uint8Array(n), status = new Uint8Array(n), tree = new Uint8Array(n), bits = new Uint8Array(n);
  const eventCount = new Uint32Array(n);
  const attrStart = new Uint32Array(n + 1);
  const attrs = new Uint32Array(2 * attrPairs);
  let w = 0;
  for (let j = 0; j < n; j++) {
    const r = rows[j];
    svc[j] = intern(t.service[r]);
    nm[j] = intern(t.name[r]);
    const p = t.parent[r];
    const pw = p >= 0 ? winOf.get(p) : undefined;
    par[j] = pw ?? -1;
    pid[j] = pw !== undefined ? 0 : text(t.parentId(r));
    dep[j] = t.depth[r];
    const id = t.spanId(r);
    if (idIdx) idIdx[j] = text(id);
    else for (let k = 0; k < 8; k++) idBytes![8 * j + k] = (nibble(id.charCodeAt(2 * k)) << 4) | nibble(id.charCodeAt(2 * k + 1));
    start[j] = t.start[r];
    end[j] = t.end[r];
    kind[j] = t.kind[r];
    status[j] = t.status[r];
    tree[j] = t.tree[r];
    bits[j] = t.bits[r];
    eventCount[j] = t.eventCount[r];
    attrStart[j] = w >> 1;
    for (let a = 2 * t.attrStart[r], e = 2 * t.attrStart[r + 1]; a < e; a++) attrs[w++] = intern(t.attrs[a]);
  }
  attrStart[n] = attrPairs;
  const joined = strings.join('');
  const blob = new TextEncoder().encode(joined);
  const L = layout(n, strings.length, blob.byteLength, attrPairs, idsInTable);
  const buf = new ArrayBuffer(L.total);
  const bytes = new Uint8Array(buf);
  const dv = new DataView(buf);
  dv.setUint32(0, PACKED_MAGIC, true);
  dv.setUint16(4, PACKED_VERSION, true);
  dv.setUint16(6, (idsInTable ? HeaderFlag.IdsInTable : 0) | HeaderFlag.Partial, true);
  dv.setUint32(8, n, true);
  dv.setUint32(12, strings.length, true);
  dv.setUint32(16, blob.byteLength, true);
  dv.setUint32(20, attrPairs, true);
  dv.setFloat64(24, t.epochSec, true);
  dv.setFloat64(32, t.startOffsetNs, true);
  dv.setFloat64(40, t.durationNs, true);
  dv.setUint32(48, Math.max(n, t.totalSpanCount), true);
  const offs = new Uint32Array(buf, L.strOffsets, strings.length + 1);
  let c = 0;
  for (let i = 0; i < strings.length; i++) {
    offs[i] = c;
    c += strings[i].length;
  }
  offs[strings.length] = c;
  bytes.set(blob, L.strBlob);
  new Float64Array(buf, L.start, n).set(start);
  new Float64Array(buf, L.end, n).set(end);
  new Int32Array(buf, L.parent, n).set(par);
  new Int32Array(buf, L.depth, n).set(dep);
  new Uint32Array(buf, L.service, n).set(svc);
  new Uint32Array(buf, L.name, n).set(nm);
  if (idIdx) new Uint32Array(buf, L.ids, n).set(idIdx);
  else bytes.set(idBytes!, L.ids);
  bytes.set(kind, L.kind);
  bytes.set(status, L.status);
  bytes.set(tree, L.tree);
  bytes.set(bits, L.bits);
  new Uint32Array(buf, L.eventCount, n).set(eventCount);
  new Uint32Array(buf, L.attrStart, n + 1).set(attrStart);
  new Uint32Array(buf, L.attrs, 2 * attrPairs).set(attrs);
  new Uint32Array(buf, L.parentIds, n).set(pid);
  return bytes;
}
