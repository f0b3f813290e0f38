// The store's checkpoint (`index.bin`): every listed trace's summary and the groups holding its data, the
// runs, the baselines, where each group is on disk, and the log position it covers. Written atomically
// (temporary file, fsync, rename) every few seconds while the store changes and on a clean exit; a receiver
// that starts reads it and replays only the groups written after it.
//
// Binary and columnar because a million spans are ~100k traces and the trace list must be ready within a
// second of starting: the JSON form it replaces (`index.json`, still read once and then rewritten) took
// ~1.35 s to read and parse at 1M spans. Layout, little-endian: a 24-byte header ("TXINDEX\n", u32 version,
// u32 flags = 0, u32 payload length, u32 CRC-32 of the payload), then the payload: a sequence of arrays,
// each an 8-byte head (u32 element count, u32 element kind) and its elements padded to 8 bytes, so each is
// read as a typed array over the file's bytes without copying. Every text (trace ids, names, decimal times)
// is an index into one string table: its UTF-16 offsets and one UTF-8 blob, decoded with a single call.
import type { TraceSummary } from '../../protocol/api';
import type { RunInfo, RunTally } from '../runs';
import type { ColdRows, ColdTrace, RestoredSnapshot, StoreSnapshot } from '../traceStore';
import * as zlib from 'node:zlib';
import { crc32 } from './records';

export const CHECKPOINT_FILE = 'index.bin';
/** the JSON checkpoint of store format 1 (read once, then replaced by CHECKPOINT_FILE) */
export const LEGACY_CHECKPOINT_FILE = 'index.json';
export const CHECKPOINT_MAGIC = 'TXINDEX\n';
export const CHECKPOINT_VERSION = 2;
const LEGACY_FORMAT = 'trace-explorer-store-index';
const LEGACY_VERSION = 1;
const HEADER = 24;

/** where a group is: segment number, byte offset of its frame, frame length, Unix ms written */
export type GroupLocation = [seg: number, off: number, len: number, timeMs: number];

interface CheckpointHead {
  epochSec: number;
  /** the log up to here is covered: segment number and byte offset */
  position: [number, number];
  nextGid: number;
  groups: Map<number, GroupLocation>;
  /** segment numbers that were compacted when it was written (their group locations hold only then) */
  compacted: number[];
}

/** what is written */
export interface Checkpoint extends CheckpointHead {
  snapshot: StoreSnapshot;
}

/** what is read back */
export interface ReadCheckpoint extends CheckpointHead {
  snapshot: RestoredSnapshot;
}

// ---- arrays -------------------------------------------------------------------------------------------

const KIND = { u8: 1, u32: 2, i32: 3, f64: 4 } as const;
type Kind = keyof typeof KIND;
type Typed = Uint8Array | Uint32Array | Int32Array | Float64Array;
const CTOR = { u8: Uint8Array, u32: Uint32Array, i32: Int32Array, f64: Float64Array } as const;

/** a typed array that grows while it is filled */
class Column<K extends Kind> {
  a: InstanceType<(typeof CTOR)[K]>;
  n = 0;
  constructor(
    readonly kind: K,
    capacity: number,
  ) {
    this.a = new CTOR[kind](Math.max(capacity, 8)) as InstanceType<(typeof CTOR)[K]>;
  }

  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new CTOR[this.kind](this.a.length * 2) as InstanceType<(typeof CTOR)[K]>;
      b.set(this.a as never);
      this.a = b;
    }
    this.a[this.n++] = v;
  }

  /** the filled part, as bytes */
  bytes(): Uint8Array {
    return new Uint8Array(this.a.buffer, this.a.byteOffset, this.n * this.a.BYTES_PER_ELEMENT);
  }
}

function pad8(n: number): number {
  return (n + 7) & ~7;
}

/** the payload's arrays, kept as the parts they were built in: the file is written from them (writev) */
class Writer {
  private parts: Uint8Array[] = [];
  private length = 0;

  array(kind: Kind, bytes: Uint8Array[], count: number): void {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(count, 0);
    head.writeUInt32LE(KIND[kind], 4);
    this.parts.push(head, ...bytes);
    const size = bytes.reduce((a, p) => a + p.length, 0);
    this.length += 8 + size;
    const padded = pad8(size);
    if (padded !== size) {
      this.parts.push(Buffer.alloc(padded - size));
      this.length += padded - size;
    }
  }

  column(c: Column<Kind>): void {
    this.array(c.kind, [c.bytes()], c.n);
  }

  numbers(kind: Kind, values: number[]): void {
    const a = new CTOR[kind](values.length);
    a.set(values);
    this.array(kind, [new Uint8Array(a.buffer)], values.length);
  }

  payload(): Uint8Array[] {
    return this.parts;
  }
}

/** the CRC-32 of a payload continued over one more of its parts (start with 0) */
export function continueCrc(crc: number, part: Uint8Array): number {
  // an empty part leaves it as it is (zlib.crc32 answers 0 for an empty view with a start value)
  return part.length ? zlib.crc32(part, crc) >>> 0 : crc;
}

/** the file's header for a payload of its parts */
export function checkpointHeader(parts: Uint8Array[], crc: number): Buffer {
  const head = Buffer.alloc(HEADER);
  head.write(CHECKPOINT_MAGIC, 0, 'latin1');
  head.writeUInt32LE(CHECKPOINT_VERSION, 8);
  head.writeUInt32LE(0, 12);
  head.writeUInt32LE(parts.reduce((a, p) => a + p.length, 0), 16);
  head.writeUInt32LE(crc >>> 0, 20);
  return head;
}

class Reader {
  private at = 0;
  constructor(private readonly payload: Buffer) {}

  next<K extends Kind>(kind: K, what: string): InstanceType<(typeof CTOR)[K]> {
    const p = this.payload;
    if (this.at + 8 > p.length) throw new Error(`the index ends before its ${what}`);
    const count = p.readUInt32LE(this.at);
    if (p.readUInt32LE(this.at + 4) !== KIND[kind]) throw new Error(`the index's ${what} are not of their kind`);
    const size = count * CTOR[kind].BYTES_PER_ELEMENT;
    const from = this.at + 8;
    if (from + size > p.length) throw new Error(`the index's ${what} are cut short`);
    this.at = from + pad8(size);
    return new CTOR[kind](p.buffer as ArrayBuffer, p.byteOffset + from, count) as InstanceType<(typeof CTOR)[K]>;
  }

  done(): void {
    if (this.at !== this.payload.length) throw new Error('the index holds more than it lists');
  }
}

// ---- the string table ---------------------------------------------------------------------------------

class Strings {
  /** texts not yet turned into bytes (once per slice of traces: one call instead of one per text) */
  private pending: string[] = [];
  private readonly blobs: Buffer[] = [];
  private readonly ends: Column<'u32'>;
  private chars = 0;
  private readonly ids = new Map<string, number>();

  constructor(capacity: number) {
    this.ends = new Column('u32', capacity);
  }

  /** a text seen once (a trace id, a time): not looked up */
  unique(v: string): number {
    this.pending.push(v);
    this.chars += v.length;
    this.ends.push(this.chars);
    return this.ends.n - 1;
  }

  /** a text many rows share (a service, a name): stored once; -1 for none */
  shared(v: string | undefined): number {
    if (v === undefined) return -1;
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.unique(v);
      this.ids.set(v, i);
    }
    return i;
  }

  /** the texts so far, as bytes */
  settle(): void {
    if (!this.pending.length) return;
    this.blobs.push(Buffer.from(this.pending.join(''), 'utf8'));
    this.pending = [];
  }

  write(w: Writer): void {
    this.settle();
    w.column(this.ends);
    w.array('u8', this.blobs, this.blobs.reduce((a, b) => a + b.length, 0));
  }
}

/** the texts of a table read back, each cut from one decoded string when first asked for */
class StringTable {
  private readonly all: string;
  private readonly cache: (string | undefined)[];

  constructor(
    private readonly ends: Uint32Array,
    blob: Uint8Array,
  ) {
    this.all = Buffer.from(blob.buffer, blob.byteOffset, blob.length).toString('utf8');
    let from = 0;
    for (let i = 0; i < ends.length; i++) {
      if (ends[i] < from || ends[i] > this.all.length) throw new Error('the index\'s string table is inconsistent');
      from = ends[i];
    }
    this.cache = new Array<string | undefined>(ends.length);
  }

  get length(): number {
    return this.ends.length;
  }

  /** a text read once per row (not cached) */
  once(i: number): string {
    return this.all.substring(i ? this.ends[i - 1] : 0, this.ends[i]);
  }

  get(i: number): string {
    return (this.cache[i] ??= this.once(i));
  }
}

// ---- encoding -----------------------------------------------------------------------------------------

const F_PINNED = 1;
const F_FILE = 2;
/** texts per trace row: id, root name, root target, root service, start ns, duration ns, source name, run */
const TEXTS = 8;

/**
 * Builds a checkpoint a slice of traces at a time, so that a store of a million spans is written without
 * holding the event loop for the whole encoding (DiskStore.writeCheckpoint yields between slices).
 */
export class CheckpointEncoder {
  private readonly str: Strings;
  private readonly text: Column<'i32'>;
  private readonly counts: Column<'u32'>;
  private readonly times: Column<'f64'>;
  private readonly flags: Column<'u8'>;
  private readonly svcEnd: Column<'u32'>;
  private readonly svc: Column<'i32'>;
  private readonly refEnd: Column<'u32'>;
  private readonly refs: Column<'u32'>;
  private readonly tallyEnd: Column<'u32'>;
  private readonly tallyText: Column<'i32'>;
  private readonly tallyCounts: Column<'u32'>;
  private readonly tallyTimes: Column<'f64'>;
  private readonly head: CheckpointHead;
  private readonly runs: RunInfo[];
  private readonly baselines: [string, string][];
  readonly traces: ColdTrace[];
  private done = 0;
  /** for the table rows are copied from: its shared texts' numbers in this checkpoint (-1: not yet) */
  private remapOf: TraceTable | undefined;
  private remap = new Int32Array(0);

  /** `c.groups` is copied: the caller may change its map while the traces are added */
  constructor(c: Checkpoint) {
    this.head = { epochSec: c.epochSec, position: [c.position[0], c.position[1]], nextGid: c.nextGid, groups: new Map(c.groups), compacted: c.compacted.slice() };
    this.runs = c.snapshot.runs.slice();
    this.baselines = c.snapshot.baselines.slice();
    this.traces = c.snapshot.traces;
    const n = this.traces.length;
    this.str = new Strings(n * 3 + 64);
    this.text = new Column('i32', n * TEXTS);
    this.counts = new Column('u32', n * 3);
    this.times = new Column('f64', n * 2);
    this.flags = new Column('u8', n);
    this.svcEnd = new Column('u32', n);
    this.svc = new Column('i32', n * 2);
    this.refEnd = new Column('u32', n);
    this.refs = new Column('u32', n * 2);
    this.tallyEnd = new Column('u32', n);
    this.tallyText = new Column('i32', n);
    this.tallyCounts = new Column('u32', n * 2);
    this.tallyTimes = new Column('f64', n * 2);
  }

  /** adds up to `count` more traces; answers whether every trace is added */
  add(count: number): boolean {
    const { str, text, counts, times, flags, svcEnd, svc, refEnd, refs, tallyEnd, tallyText, tallyCounts, tallyTimes } = this;
    const end = Math.min(this.traces.length, this.done + count);
    for (; this.done < end; this.done++) {
      const c = this.traces[this.done];
      // a trace read from the last checkpoint and not changed since is copied column to column
      if (c instanceof TableTrace && !c.ownSummary) {
        this.copySummary(c.table, c.i, c.id);
        this.copyRefs(c);
        this.copyRuns(c);
        continue;
      }
      const t = c.summary;
      text.push(str.unique(t.traceId));
      text.push(str.shared(t.rootName));
      text.push(str.shared(t.rootTarget));
      text.push(str.shared(t.rootService));
      text.push(str.unique(t.startTimeUnixNano));
      text.push(str.unique(t.durationNano));
      text.push(str.shared(t.sourceName));
      text.push(str.shared(t.runId));
      counts.push(t.spanCount);
      counts.push(t.errorCount);
      counts.push(t.brokenParents);
      times.push(t.startMs);
      times.push(t.durationMs);
      flags.push((t.pinned ? F_PINNED : 0) | (t.source === 'file' ? F_FILE : 0));
      for (const x of t.services) svc.push(str.shared(x));
      svcEnd.push(svc.n);
      this.copyRefs(c);
      this.copyRuns(c);
    }
    this.str.settle();
    return this.done === this.traces.length;
  }

  /** a shared text of `table` as a text of this checkpoint */
  private sharedOf(table: TraceTable, k: number): number {
    if (k < 0) return -1;
    if (this.remapOf !== table) {
      this.remapOf = table;
      this.remap = new Int32Array(table.str.length).fill(-1);
    }
    let x = this.remap[k];
    if (x < 0) this.remap[k] = x = this.str.shared(table.str.get(k));
    return x;
  }

  private copySummary(table: TraceTable, i: number, id: string): void {
    const o = i * TEXTS;
    const { str, text } = this;
    const from = table.text;
    text.push(str.unique(id));
    text.push(this.sharedOf(table, from[o + 1]));
    text.push(this.sharedOf(table, from[o + 2]));
    text.push(this.sharedOf(table, from[o + 3]));
    text.push(str.unique(table.str.once(from[o + 4])));
    text.push(str.unique(table.str.once(from[o + 5])));
    text.push(this.sharedOf(table, from[o + 6]));
    text.push(this.sharedOf(table, from[o + 7]));
    for (let k = 0; k < 3; k++) this.counts.push(table.counts[i * 3 + k]);
    this.times.push(table.times[i * 2]);
    this.times.push(table.times[i * 2 + 1]);
    this.flags.push(table.flags[i]);
    for (let k = i ? table.svcEnd[i - 1] : 0; k < table.svcEnd[i]; k++) this.svc.push(this.sharedOf(table, table.svc[k]));
    this.svcEnd.push(this.svc.n);
  }

  private copyRefs(c: ColdTrace): void {
    if (c instanceof TableTrace && !c.refsRead) {
      const t = c.table;
      for (let k = c.i ? t.refEnd[c.i - 1] : 0; k < t.refEnd[c.i]; k++) this.refs.push(t.refs[k]);
    } else for (const g of c.refs) this.refs.push(g);
    this.refEnd.push(this.refs.n);
  }

  private copyRuns(c: ColdTrace): void {
    const { tallyText, tallyCounts, tallyTimes } = this;
    if (c instanceof TableTrace && !c.ownRuns) {
      const t = c.table;
      for (let k = c.i ? t.tallyEnd[c.i - 1] : 0; k < t.tallyEnd[c.i]; k++) {
        tallyText.push(this.sharedOf(t, t.tallyText[k]));
        tallyCounts.push(t.tallyCounts[k * 2]);
        tallyCounts.push(t.tallyCounts[k * 2 + 1]);
        tallyTimes.push(t.tallyTimes[k * 2]);
        tallyTimes.push(t.tallyTimes[k * 2 + 1]);
      }
    } else {
      for (const r of c.runs) {
        tallyText.push(this.str.shared(r.runId));
        tallyCounts.push(r.spans);
        tallyCounts.push(r.errors);
        tallyTimes.push(r.minStart);
        tallyTimes.push(r.maxEnd);
      }
    }
    this.tallyEnd.push(tallyText.n);
  }

  /** the payload, as parts to write in order after the header (checkpointHeader); every trace is added first */
  payload(): Uint8Array[] {
    this.add(Infinity);
    const { head, str } = this;
    const w = new Writer();
    w.numbers('f64', [head.epochSec, head.position[0], head.position[1], head.nextGid]);
    const gids: number[] = [];
    const locs: number[] = [];
    for (const [gid, loc] of head.groups) {
      gids.push(gid);
      locs.push(loc[0], loc[1], loc[2], loc[3]);
    }
    w.numbers('u32', gids);
    w.numbers('f64', locs);
    w.numbers('u32', head.compacted);
    const runText: number[] = [];
    const runPid: number[] = [];
    for (const r of this.runs) {
      runText.push(str.shared(r.runId), str.shared(r.service), str.shared(r.instanceId), str.shared(r.hostName));
      runPid.push(r.pid ?? -1);
    }
    w.numbers('i32', runText);
    w.numbers('f64', runPid);
    const base: number[] = [];
    for (const [svcName, run] of this.baselines) base.push(str.shared(svcName), str.shared(run));
    w.numbers('i32', base);
    for (const col of [this.text, this.counts, this.times, this.flags, this.svcEnd, this.svc, this.refEnd, this.refs, this.tallyEnd, this.tallyText, this.tallyCounts, this.tallyTimes]) {
      w.column(col as Column<Kind>);
    }
    str.write(w);
    return w.payload();
  }

  /** the whole file, as parts to write in order */
  finish(): Uint8Array[] {
    const parts = this.payload();
    let crc = 0;
    for (const p of parts) crc = continueCrc(crc, p);
    return [checkpointHeader(parts, crc), ...parts];
  }
}

/** the whole file in one buffer */
export function encodeCheckpoint(c: Checkpoint): Buffer {
  return Buffer.concat(new CheckpointEncoder(c).finish());
}

// ---- decoding -----------------------------------------------------------------------------------------

/** Reads a checkpoint file's bytes, binary or the JSON of store format 1; throws when it is not one (the caller then replays the whole log). */
export function decodeCheckpoint(file: Buffer): ReadCheckpoint {
  if (file.length >= 1 && file[0] === 0x7b /* { */) return decodeLegacy(file.toString('utf8'));
  if (file.length < HEADER || file.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC) throw new Error('not a store index');
  const version = file.readUInt32LE(8);
  if (version !== CHECKPOINT_VERSION) throw new Error(`store index version ${version}, this receiver reads ${CHECKPOINT_VERSION}`);
  const length = file.readUInt32LE(16);
  if (HEADER + length !== file.length) throw new Error(`the index is ${file.length - HEADER} bytes long, its header says ${length} (cut short or run on)`);
  let payload = file.subarray(HEADER);
  if (crc32(payload) !== file.readUInt32LE(20)) throw new Error('the index fails its checksum');
  // typed arrays need their element alignment: a pooled buffer may not give it
  if (payload.byteOffset % 8 !== 0) payload = Buffer.from(Uint8Array.prototype.slice.call(payload));
  return decodePayload(new Reader(payload));
}

/** the trace columns of a checkpoint read back */
class TraceTable implements ColdRows {
  readonly length: number;
  /** the id read last (restore asks for it, then for the trace) */
  private lastId = -1;
  private lastText = '';
  /** one services array per distinct list: most traces of a program touch the same few services */
  private readonly serviceLists = new Map<string, string[]>();

  constructor(
    readonly str: StringTable,
    readonly text: Int32Array,
    readonly counts: Uint32Array,
    readonly times: Float64Array,
    readonly flags: Uint8Array,
    readonly svcEnd: Uint32Array,
    readonly svc: Int32Array,
    readonly refEnd: Uint32Array,
    readonly refs: Uint32Array,
    readonly tallyEnd: Uint32Array,
    readonly tallyText: Int32Array,
    readonly tallyCounts: Uint32Array,
    readonly tallyTimes: Float64Array,
  ) {
    this.length = flags.length;
  }

  traceId(i: number): string {
    if (this.lastId !== i) {
      this.lastId = i;
      this.lastText = this.str.once(this.text[i * TEXTS]);
    }
    return this.lastText;
  }

  spanCount(i: number): number {
    return this.counts[i * 3];
  }

  trace(i: number, live: (gid: number) => boolean): ColdTrace | undefined {
    const from = i ? this.refEnd[i - 1] : 0;
    const to = this.refEnd[i];
    let kept = 0;
    for (let k = from; k < to; k++) if (live(this.refs[k])) kept++;
    if (kept === 0) return undefined;
    const c = new TableTrace(this, i, this.traceId(i));
    // some groups are gone (deleted after the checkpoint): the ones left are chosen now, not when first read
    if (kept < to - from) c.refs = Array.from(this.refs.subarray(from, to)).filter(live);
    return c;
  }

  /** the trace's services (an array other summaries share: summaries are replaced, never changed in place) */
  private services(i: number): string[] {
    const s0 = i ? this.svcEnd[i - 1] : 0;
    const key = this.svc.subarray(s0, this.svcEnd[i]).join(',');
    let list = this.serviceLists.get(key);
    if (!list) {
      list = Array.from(this.svc.subarray(s0, this.svcEnd[i]), (k) => this.str.get(k));
      this.serviceLists.set(key, list);
    }
    return list;
  }

  summary(i: number, id: string): TraceSummary {
    const o = i * TEXTS;
    const { str, text, counts } = this;
    const f = this.flags[i];
    const t: TraceSummary = {
      traceId: id,
      rootName: str.get(text[o + 1]),
      rootService: str.get(text[o + 3]),
      services: this.services(i),
      spanCount: counts[i * 3],
      errorCount: counts[i * 3 + 1],
      startTimeUnixNano: str.once(text[o + 4]),
      durationNano: str.once(text[o + 5]),
      startMs: this.times[i * 2],
      durationMs: this.times[i * 2 + 1],
      pinned: (f & F_PINNED) !== 0,
      source: f & F_FILE ? 'file' : 'otlp',
      brokenParents: counts[i * 3 + 2],
    };
    if (text[o + 2] >= 0) t.rootTarget = str.get(text[o + 2]);
    if (text[o + 6] >= 0) t.sourceName = str.get(text[o + 6]);
    if (text[o + 7] >= 0) t.runId = str.get(text[o + 7]);
    return t;
  }

  groupRefs(i: number): number[] {
    return Array.from(this.refs.subarray(i ? this.refEnd[i - 1] : 0, this.refEnd[i]));
  }

  tallies(i: number): RunTally[] {
    const out: RunTally[] = [];
    for (let k = i ? this.tallyEnd[i - 1] : 0; k < this.tallyEnd[i]; k++) {
      out.push({ runId: this.str.get(this.tallyText[k]), spans: this.tallyCounts[k * 2], errors: this.tallyCounts[k * 2 + 1], minStart: this.tallyTimes[k * 2], maxEnd: this.tallyTimes[k * 2 + 1] });
    }
    return out;
  }
}

/**
 * A cold trace read from a checkpoint: listing a million spans must not build every trace's parts, so each
 * is built from the columns when first asked for (the summary when the list is sent, the groups when the
 * trace is opened or the disk evicts, the tallies for run statistics).
 */
class TableTrace implements ColdTrace {
  private s: TraceSummary | undefined;
  private r: number[] | undefined;
  private u: RunTally[] | undefined;
  /** a part was set (a pin replaces the summary): the next checkpoint encodes it, not the table's row */
  ownSummary = false;
  ownRuns = false;

  constructor(
    readonly table: TraceTable,
    readonly i: number,
    readonly id: string,
  ) {}

  get summary(): TraceSummary {
    return (this.s ??= this.table.summary(this.i, this.id));
  }

  set summary(v: TraceSummary) {
    this.s = v;
    this.ownSummary = true;
  }

  /** the groups were handed out (the store may add to them in place) */
  get refsRead(): boolean {
    return this.r !== undefined;
  }

  get refs(): number[] {
    return (this.r ??= this.table.groupRefs(this.i));
  }

  set refs(v: number[]) {
    this.r = v;
  }

  get runs(): RunTally[] {
    return (this.u ??= this.table.tallies(this.i));
  }

  set runs(v: RunTally[]) {
    this.u = v;
    this.ownRuns = true;
  }
}

function decodePayload(r: Reader): ReadCheckpoint {
  const head = r.next('f64', 'header fields');
  if (head.length !== 4) throw new Error('the index has no position');
  const gids = r.next('u32', 'group numbers');
  const locs = r.next('f64', 'group locations');
  if (locs.length !== gids.length * 4) throw new Error('the index\'s group locations do not match its groups');
  const compacted = Array.from(r.next('u32', 'compacted segments'));
  const runText = r.next('i32', 'runs');
  const runPid = r.next('f64', 'run pids');
  const base = r.next('i32', 'baselines');
  const text = r.next('i32', 'trace texts');
  const counts = r.next('u32', 'trace counts');
  const times = r.next('f64', 'trace times');
  const flags = r.next('u8', 'trace flags');
  const svcEnd = r.next('u32', 'service ends');
  const svc = r.next('i32', 'services');
  const refEnd = r.next('u32', 'group reference ends');
  const refs = r.next('u32', 'group references');
  const tallyEnd = r.next('u32', 'run tally ends');
  const tallyText = r.next('i32', 'run tally runs');
  const tallyCounts = r.next('u32', 'run tally counts');
  const tallyTimes = r.next('f64', 'run tally times');
  const str = new StringTable(r.next('u32', 'string offsets'), r.next('u8', 'strings'));
  r.done();

  // everything a row may later read is checked now: a trace built when first listed must not fail then
  const n = flags.length;
  if (text.length !== n * TEXTS || counts.length !== n * 3 || times.length !== n * 2 || svcEnd.length !== n || refEnd.length !== n || tallyEnd.length !== n) {
    throw new Error('the index\'s trace columns differ in length');
  }
  if (runText.length !== runPid.length * 4 || base.length % 2 !== 0) throw new Error('the index\'s runs are inconsistent');
  if (tallyCounts.length !== tallyText.length * 2 || tallyTimes.length !== tallyText.length * 2) throw new Error('the index\'s run tallies are inconsistent');
  const ends = (e: Uint32Array, total: number, what: string) => {
    let prev = 0;
    for (let i = 0; i < e.length; i++) {
      if (e[i] < prev || e[i] > total) throw new Error(`the index's ${what} are inconsistent`);
      prev = e[i];
    }
  };
  ends(svcEnd, svc.length, 'services');
  ends(refEnd, refs.length, 'group references');
  ends(tallyEnd, tallyText.length, 'run tallies');
  const texts = str.length;
  for (const col of [svc, tallyText, base]) for (let i = 0; i < col.length; i++) if (col[i] < 0 || col[i] >= texts) throw new Error('the index names a text its table does not hold');
  for (let i = 0; i < runText.length; i++) if (runText[i] < -1 || runText[i] >= texts || (runText[i] < 0 && i % 4 < 2)) throw new Error('the index has a run without its id or service');
  for (let i = 0; i < text.length; i++) {
    const required = (1 << (i % TEXTS)) & 0b111011; // id, root name, root service, start, duration
    if (text[i] >= texts || text[i] < -1 || (text[i] < 0 && required)) throw new Error('the index has a trace without its id, name or times');
  }

  const groups = new Map<number, GroupLocation>();
  for (let i = 0; i < gids.length; i++) groups.set(gids[i], [locs[i * 4], locs[i * 4 + 1], locs[i * 4 + 2], locs[i * 4 + 3]]);
  const runs: RunInfo[] = [];
  for (let i = 0; i < runPid.length; i++) {
    const info: RunInfo = { runId: str.get(runText[i * 4]), service: str.get(runText[i * 4 + 1]) };
    if (runText[i * 4 + 2] >= 0) info.instanceId = str.get(runText[i * 4 + 2]);
    if (runPid[i] >= 0) info.pid = runPid[i];
    if (runText[i * 4 + 3] >= 0) info.hostName = str.get(runText[i * 4 + 3]);
    runs.push(info);
  }
  const baselines: [string, string][] = [];
  for (let i = 0; i < base.length; i += 2) baselines.push([str.get(base[i]), str.get(base[i + 1])]);
  const epochSec = head[0];
  return {
    epochSec,
    position: [head[1], head[2]],
    nextGid: head[3],
    groups,
    compacted,
    snapshot: { runs, baselines, traces: new TraceTable(str, text, counts, times, flags, svcEnd, svc, refEnd, refs, tallyEnd, tallyText, tallyCounts, tallyTimes) },
  };
}

// ---- store format 1: index.json -----------------------------------------------------------------------

type LegacyRow = [
  traceId: string, rootName: number, rootTarget: number, rootService: number, services: number[], spanCount: number, errorCount: number,
  startNs: string, durNs: string, startMs: number, durationMs: number, flags: number, sourceName: number, broken: number, runId: number,
  refs: number[], tallies: number[],
];

/** Parses the JSON checkpoint of store format 1 (a receiver before the binary index wrote it). */
function decodeLegacy(text: string): ReadCheckpoint {
  const j = JSON.parse(text) as {
    format: string; version: number; epochSec: number; position: [number, number]; nextGid: number; groups: number[][];
    runs: RunInfo[]; baselines: [string, string][]; strings: string[]; traces: LegacyRow[]; compacted?: number[];
  };
  if (j.format !== LEGACY_FORMAT || j.version !== LEGACY_VERSION) throw new Error(`not a version ${LEGACY_VERSION} store index`);
  if (!Array.isArray(j.traces) || !Array.isArray(j.groups) || !Array.isArray(j.strings)) throw new Error('store index is incomplete');
  const str = j.strings;
  const groups = new Map<number, GroupLocation>();
  for (const [gid, seg, off, len, timeMs] of j.groups) groups.set(gid, [seg, off, len, timeMs]);
  const traces: ColdTrace[] = j.traces.map((r) => {
    const [traceId, rootName, rootTarget, rootService, services, spanCount, errorCount, startNs, durNs, startMs, durationMs, flags, sourceName, broken, runId, refs, flat] = r;
    const t: TraceSummary = {
      traceId,
      rootName: str[rootName],
      rootService: str[rootService],
      services: services.map((i) => str[i]),
      spanCount,
      errorCount,
      startTimeUnixNano: startNs,
      durationNano: durNs,
      startMs,
      durationMs,
      pinned: (flags & 1) !== 0,
      source: flags & 2 ? 'file' : 'otlp',
      brokenParents: broken,
    };
    if (rootTarget >= 0) t.rootTarget = str[rootTarget];
    if (sourceName >= 0) t.sourceName = str[sourceName];
    if (runId >= 0) t.runId = str[runId];
    const runs: RunTally[] = [];
    for (let i = 0; i + 4 < flat.length; i += 5) runs.push({ runId: str[flat[i]], spans: flat[i + 1], errors: flat[i + 2], minStart: flat[i + 3], maxEnd: flat[i + 4] });
    return { summary: t, refs, runs };
  });
  return {
    epochSec: j.epochSec,
    position: j.position,
    nextGid: j.nextGid,
    groups,
    compacted: Array.isArray(j.compacted) ? j.compacted : [],
    snapshot: { runs: j.runs ?? [], baselines: j.baselines ?? [], traces: listRows(traces) },
  };
}

/** traces already built, as rows to restore */
function listRows(traces: ColdTrace[]): ColdRows {
  return {
    length: traces.length,
    traceId: (i) => traces[i].summary.traceId,
    spanCount: (i) => traces[i].summary.spanCount,
    trace: (i, live) => {
      const c = traces[i];
      const refs = c.refs.filter(live);
      return refs.length ? { ...c, refs } : undefined;
    },
  };
}
