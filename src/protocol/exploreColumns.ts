// The search page's trace summaries as columns: typed arrays over one buffer plus a string table, so 100,000
// traces cross from the receiver to the webview as a few MB of bytes (no JSON), and the page filters and
// sorts them on typed arrays. Little-endian (every platform VS Code runs on).
//
//   u32 × 8   magic 'TXS1', n (traces), strings, service-list length, string bytes, 0, 0, 0
//   f64 × n   start (Unix ms)          f64 × n   duration (ms)
//   u32 × n   spans, errors, root service (string), label (string), trace id (string)
//   u32 × n+1 services offsets into    u32 × L   service list (strings)
//   u32 × strings+1  string byte offsets
//   u8 × n    flags (ROW_PINNED, ROW_INCOMPLETE, ROW_FILE)
//   bytes     the strings, UTF-8
const MAGIC = 0x31535854;
const HEADER_WORDS = 8;

export const ROW_PINNED = 1;
/** a span names a parent that is not there: the root and duration are provisional */
export const ROW_INCOMPLETE = 2;
/** opened from a trace file (not received) */
export const ROW_FILE = 4;

export interface ColumnRow {
  traceId: string;
  /** the root as the trace list labels it (rootLabel) */
  label: string;
  rootService: string;
  services: readonly string[];
  spanCount: number;
  errorCount: number;
  startMs: number;
  durationMs: number;
  flags: number;
}

export interface SummaryColumns {
  readonly n: number;
  readonly start: Float64Array;
  readonly duration: Float64Array;
  readonly spans: Uint32Array;
  readonly errors: Uint32Array;
  readonly rootService: Uint32Array;
  readonly label: Uint32Array;
  readonly traceId: Uint32Array;
  readonly serviceOffsets: Uint32Array;
  readonly serviceList: Uint32Array;
  readonly flags: Uint8Array;
  readonly stringCount: number;
  /** string i of the table (decoded on first use) */
  string(i: number): string;
  /** whether string i starts with `prefix` (ASCII), read from the bytes (no string made: trace id prefixes) */
  startsWithAscii(i: number, prefix: string): boolean;
}

/**
 * Encodes `n` rows; `row(i, into)` fills the one reused row object for row i (no object per row: 100,000
 * summaries are encoded as the search page opens).
 */
export function encodeSummaryColumns(n: number, row: (i: number, into: ColumnRow) => void): Uint8Array {
  const index = new Map<string, number>();
  const strings: string[] = [];
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const start = new Float64Array(n);
  const duration = new Float64Array(n);
  const spans = new Uint32Array(n);
  const errors = new Uint32Array(n);
  const rootService = new Uint32Array(n);
  const label = new Uint32Array(n);
  const traceId = new Uint32Array(n);
  const svcOff = new Uint32Array(n + 1);
  let svcList = new Uint32Array(Math.max(16, n * 4));
  const flags = new Uint8Array(n);
  const r: ColumnRow = { traceId: '', label: '', rootService: '', services: [], spanCount: 0, errorCount: 0, startMs: 0, durationMs: 0, flags: 0 };
  let k = 0;
  for (let i = 0; i < n; i++) {
    row(i, r);
    start[i] = r.startMs;
    duration[i] = r.durationMs;
    spans[i] = r.spanCount;
    errors[i] = r.errorCount;
    rootService[i] = intern(r.rootService);
    label[i] = intern(r.label);
    // trace ids are unique: straight into the table, without the map
    traceId[i] = strings.length;
    strings.push(r.traceId);
    svcOff[i] = k;
    const svcs = r.services;
    if (k + svcs.length > svcList.length) {
      const bigger = new Uint32Array(Math.max(svcList.length * 2, k + svcs.length));
      bigger.set(svcList);
      svcList = bigger;
    }
    for (let j = 0; j < svcs.length; j++) svcList[k++] = intern(svcs[j]);
    flags[i] = r.flags;
  }
  svcOff[n] = k;
  const listLen = k;
  // string bytes: one native join and encode; when every string is ASCII (ids, most names) the byte offsets
  // are the character offsets, else each string is measured and encoded on its own
  const strOff = new Uint32Array(strings.length + 1);
  let chars = 0;
  for (let i = 0; i < strings.length; i++) {
    strOff[i] = chars;
    chars += strings[i].length;
  }
  strOff[strings.length] = chars;
  let text: Uint8Array | null = new TextEncoder().encode(strings.join(''));
  let bytes = chars;
  if (text.length !== chars) {
    text = null;
    bytes = 0;
    for (let i = 0; i < strings.length; i++) {
      strOff[i] = bytes;
      bytes += utf8Length(strings[i]);
    }
    strOff[strings.length] = bytes;
  }
  const u32Words = n * 5 + (n + 1) + listLen + (strings.length + 1);
  const textAt = HEADER_WORDS * 4 + n * 16 + u32Words * 4 + n;
  const out = new Uint8Array(textAt + bytes);
  const header = new Uint32Array(out.buffer, 0, HEADER_WORDS);
  header.set([MAGIC, n, strings.length, listLen, bytes, 0, 0, 0]);
  let o = HEADER_WORDS * 4;
  const put = (a: Float64Array | Uint32Array | Uint8Array) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o);
    o += a.byteLength;
  };
  for (const a of [start, duration, spans, errors, rootService, label, traceId, svcOff, svcList.subarray(0, listLen), strOff, flags]) put(a);
  if (text) out.set(text, textAt);
  else {
    const enc = new TextEncoder();
    for (let i = 0; i < strings.length; i++) enc.encodeInto(strings[i], out.subarray(textAt + strOff[i], textAt + strOff[i + 1]));
  }
  return out;
}

/** bytes of a string in UTF-8 (lone surrogates count as the 3 bytes of U+FFFD, as TextEncoder writes them) */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 4 bytes for 2 units
      i++;
    } else n += 2;
  }
  return n;
}

export class ColumnsFormatError extends Error {}

export function decodeSummaryColumns(buf: ArrayBuffer | Uint8Array): SummaryColumns {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  if (bytes.byteOffset % 8 !== 0) return decodeSummaryColumns(bytes.slice());
  const ab = bytes.buffer;
  const base = bytes.byteOffset;
  if (bytes.byteLength < HEADER_WORDS * 4) throw new ColumnsFormatError('summary columns: too short');
  const h = new Uint32Array(ab, base, HEADER_WORDS);
  if (h[0] !== MAGIC) throw new ColumnsFormatError('summary columns: not this format');
  const n = h[1];
  const stringCount = h[2];
  const listLen = h[3];
  const strBytes = h[4];
  const need = HEADER_WORDS * 4 + n * 16 + (n * 5 + (n + 1) + listLen + (stringCount + 1)) * 4 + n + strBytes;
  if (bytes.byteLength < need) throw new ColumnsFormatError(`summary columns: ${bytes.byteLength} bytes, ${need} expected`);
  let o = base + HEADER_WORDS * 4;
  const f64 = (len: number) => {
    const a = new Float64Array(ab, o, len);
    o += len * 8;
    return a;
  };
  const u32 = (len: number) => {
    const a = new Uint32Array(ab, o, len);
    o += len * 4;
    return a;
  };
  const start = f64(n);
  const duration = f64(n);
  const spans = u32(n);
  const errors = u32(n);
  const rootService = u32(n);
  const label = u32(n);
  const traceId = u32(n);
  const serviceOffsets = u32(n + 1);
  const serviceList = u32(listLen);
  const strOff = u32(stringCount + 1);
  const flags = new Uint8Array(ab, o, n);
  o += n;
  const text = new Uint8Array(ab, o, strBytes);
  const cache: (string | undefined)[] = new Array(stringCount);
  const dec = new TextDecoder();
  return {
    n, start, duration, spans, errors, rootService, label, traceId, serviceOffsets, serviceList, flags, stringCount,
    startsWithAscii(i: number, prefix: string): boolean {
      const a = strOff[i];
      if (strOff[i + 1] - a < prefix.length) return false;
      for (let j = 0; j < prefix.length; j++) if (text[a + j] !== prefix.charCodeAt(j)) return false;
      return true;
    },
    string(i: number): string {
      let s = cache[i];
      if (s === undefined) {
        const a = strOff[i];
        const b = strOff[i + 1];
        // short ASCII strings (ids, names): fromCharCode beats TextDecoder's call overhead
        let ascii = b - a <= 64;
        for (let j = a; ascii && j < b; j++) if (text[j] > 127) ascii = false;
        s = ascii ? String.fromCharCode.apply(null, text.subarray(a, b) as unknown as number[]) : dec.decode(text.subarray(a, b));
        cache[i] = s;
      }
      return s;
    },
  };
}
