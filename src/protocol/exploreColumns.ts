// The search page's trace summaries as columns: typed arrays over one buffer plus a string table, so 100,000
// traces cross from the receiver to the webview as a few MB of bytes (no JSON), and the page filters and
// sorts them on typed arrays. The receiver keeps these columns as traces change (src/explore/
// summaryColumnsIndex.ts), so a buffer is a copy, not an encoding. Little-endian (every platform VS Code runs on).
//
//   u32 × 12  magic 'TXS2', n (rows), strings, service sets, set list length, string bytes,
//             first (rows 0..first-1 are the newest traces, newest first: a first screen), total (traces
//             the store holds: more than n when this is a first screen), 0, 0, 0, 0
//   f64 × n   start (Unix ms)          f64 × n   duration (ms)
//   u32 × n   spans, errors, root service (string), label (string), trace id (string), services (set)
//   u32 × sets+1  offsets into         u32 × L   the sets' services (strings)
//   u32 × strings  string byte offsets u32 × strings  string byte lengths
//   u8 × n    flags (ROW_PINNED, ROW_INCOMPLETE, ROW_FILE)
//   bytes     the strings, UTF-8 (unused stretches allowed: the receiver reuses freed places)
// A full buffer's rows are in no particular order (the page sorts them); traces that share a set of
// services share one set (a few dozen sets for 100,000 traces).
const MAGIC = 0x32535854;
const HEADER_WORDS = 12;

export const ROW_PINNED = 1;
/** a span names a parent that is not there: the root and duration are provisional */
export const ROW_INCOMPLETE = 2;
/** opened from a trace file (not received) */
export const ROW_FILE = 4;

/**
 * What the search page asks for first as it opens: the newest rows of a screen and a sample of the plot's
 * points (a few hundred KB however many traces are stored); every row follows.
 */
export const FIRST_SCREEN = { rows: 80, sample: 2000 } as const;

/** whether a buffer is a first screen (more rows follow), read from its header */
export function isFirstScreen(bytes: Uint8Array): boolean {
  return bytes.byteLength >= HEADER_WORDS * 4 && new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(24, true) > 0;
}

export interface SummaryColumns {
  readonly n: number;
  /** rows 0..first-1 are the newest traces, newest first (a first screen); 0 in a full buffer */
  readonly first: number;
  /** traces the store holds (n, unless this is a first screen: then n holds the newest and a sample) */
  readonly total: number;
  readonly start: Float64Array;
  readonly duration: Float64Array;
  readonly spans: Uint32Array;
  readonly errors: Uint32Array;
  readonly rootService: Uint32Array;
  readonly label: Uint32Array;
  readonly traceId: Uint32Array;
  /** per row: its set of services (an index into setOffsets) */
  readonly serviceSet: Uint32Array;
  /** set s holds the strings setServices[setOffsets[s] .. setOffsets[s + 1]) */
  readonly setOffsets: Uint32Array;
  readonly setServices: Uint32Array;
  readonly flags: Uint8Array;
  readonly stringCount: number;
  /** string i of the table (decoded on first use) */
  string(i: number): string;
  /** whether string i starts with `prefix` (ASCII), read from the bytes (no string made: trace id prefixes) */
  startsWithAscii(i: number, prefix: string): boolean;
}

/** the parts of a buffer, as the receiver's index holds them (the arrays may be longer than used) */
export interface ColumnParts {
  n: number;
  first: number;
  total: number;
  start: Float64Array;
  duration: Float64Array;
  spans: Uint32Array;
  errors: Uint32Array;
  rootService: Uint32Array;
  label: Uint32Array;
  traceId: Uint32Array;
  serviceSet: Uint32Array;
  sets: number;
  setOffsets: Uint32Array;
  setListLength: number;
  setServices: Uint32Array;
  flags: Uint8Array;
  strings: number;
  stringOffsets: Uint32Array;
  stringLengths: Uint32Array;
  text: Uint8Array;
  textLength: number;
}

/** the buffer of these parts: a header and one copy of each column */
export function writeColumns(p: ColumnParts): Uint8Array {
  const { n } = p;
  const u32Words = n * 6 + (p.sets + 1) + p.setListLength + p.strings * 2;
  const out = new Uint8Array(HEADER_WORDS * 4 + n * 16 + u32Words * 4 + n + p.textLength);
  new Uint32Array(out.buffer, 0, HEADER_WORDS).set([MAGIC, n, p.strings, p.sets, p.setListLength, p.textLength, p.first, p.total]);
  let o = HEADER_WORDS * 4;
  const put = (a: Float64Array | Uint32Array | Uint8Array, len: number) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, len * a.BYTES_PER_ELEMENT), o);
    o += len * a.BYTES_PER_ELEMENT;
  };
  put(p.start, n);
  put(p.duration, n);
  for (const a of [p.spans, p.errors, p.rootService, p.label, p.traceId, p.serviceSet]) put(a, n);
  put(p.setOffsets, p.sets + 1);
  put(p.setServices, p.setListLength);
  put(p.stringOffsets, p.strings);
  put(p.stringLengths, p.strings);
  put(p.flags, n);
  put(p.text, p.textLength);
  return out;
}

/** the newest start among the rows (-Infinity when there are none), read from the buffer */
export function newestStartMs(bytes: Uint8Array): number {
  const c = decodeSummaryColumns(bytes);
  let m = -Infinity;
  for (let i = 0; i < c.n; i++) if (c.start[i] > m) m = c.start[i];
  return m;
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
  const [, n, stringCount, sets, listLen, strBytes, first, total] = h;
  const need = HEADER_WORDS * 4 + n * 16 + (n * 6 + (sets + 1) + listLen + stringCount * 2) * 4 + n + strBytes;
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
  const serviceSet = u32(n);
  const setOffsets = u32(sets + 1);
  const setServices = u32(listLen);
  const strOff = u32(stringCount);
  const strLen = u32(stringCount);
  const flags = new Uint8Array(ab, o, n);
  o += n;
  const text = new Uint8Array(ab, o, strBytes);
  for (let i = 0; i < stringCount; i++) {
    if (strOff[i] + strLen[i] > strBytes) throw new ColumnsFormatError(`summary columns: string ${i} lies past the text`);
  }
  const cache: (string | undefined)[] = new Array(stringCount);
  const dec = new TextDecoder();
  return {
    n, first, total, start, duration, spans, errors, rootService, label, traceId, serviceSet, setOffsets, setServices, flags, stringCount,
    startsWithAscii(i: number, prefix: string): boolean {
      const a = strOff[i];
      if (strLen[i] < prefix.length) return false;
      for (let j = 0; j < prefix.length; j++) if (text[a + j] !== prefix.charCodeAt(j)) return false;
      return true;
    },
    string(i: number): string {
      let s = cache[i];
      if (s === undefined) {
        const a = strOff[i];
        const b = a + strLen[i];
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
