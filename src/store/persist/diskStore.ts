// The persistent store: an append-only log of the batches the receiver accepted, as they came (OTLP
// protobuf or JSON bytes), grouped every 200 ms or 1 MiB, each group compressed (raw deflate, level 1, on
// the thread pool) and framed with its length and CRC-32 (records.ts). Segment files of a few tens of MiB
// are deleted whole, oldest first, to stay within the size and age limits (the store first writes pinned
// traces again). A checkpoint (checkpoint.ts) lists every trace's summary and groups, so a receiver that
// starts lists a million stored spans without decoding them; a trace's spans are read back when it is
// opened. Why this design and its figures: docs/ARCHITECTURE.md, "The persistent store".
//
// Crash safety: a group is written (one write call) at most ~200 ms after its first batch and fdatasync'd
// within a second, so SIGKILL loses under a second; the page cache keeps what was written even then. A torn
// record at the end of the newest segment is cut off on open. Anything else that does not read as ours (a
// foreign meta.json, a bad segment header, a bad record inside the log) sets the store's files aside in a
// `set-aside-<time>` folder beside them, with a message, and a fresh store starts: nothing is deleted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { EpochNs } from '../../model/time';
import { decodeTraces } from '../../otlp/protoDecode';
import { decodeTracesJson } from '../../otlp/jsonDecode';
import type { RawEntry, TraceBacking } from '../backing';
import type { TraceStore } from '../traceStore';
import { lockStore } from './lock';
import { type Checkpoint, type GroupLocation, decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import {
  FRAME_HEADER, MAX_RECORD, SEGMENT_HEADER, crc32, encodeEntries, frameGroup, groupEntries, readGroupHeader, readSegmentHeader, segmentHeader,
} from './records';

export const STORE_FORMAT = 'trace-explorer-store';
export const STORE_VERSION = 1;
export const DEFAULT_MAX_DISK_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export interface DiskStoreLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface DiskStoreOptions {
  dir: string;
  maxDiskBytes?: number;
  maxAgeMs?: number;
  log?: DiskStoreLog;
  /** a group is written this long after its first entry at the latest (default 200 ms) */
  flushMs?: number;
  /** written data is fdatasync'd this often (default 1000 ms) */
  fsyncMs?: number;
  /** a checkpoint is written this often while the store changes (default 15 s) */
  checkpointMs?: number;
  /** default: a sixteenth of the size limit, between 1 and 64 MiB */
  segmentBytes?: number;
  now?: () => number;
}

export interface DiskStoreStats {
  dir: string;
  bytesOnDisk: number;
  segments: number;
  maxDiskBytes: number;
  maxAgeMs: number;
  /** what happened on open that the user should know (a damaged store set aside, a torn write cut off) */
  notice?: string;
}

class DamagedStore extends Error {}

const SEG_RE = /^(\d{8})\.seg$/;
const GROUP_BYTES = 1024 * 1024;
const quietLog: DiskStoreLog = { info: () => undefined, warn: () => undefined };

interface Pending {
  gid: number;
  entries: RawEntry[];
  bytes: number;
}

interface Sealed {
  gid: number;
  timeMs: number;
  raw: Buffer;
  /** the compressed body once the thread pool is done (null: keep raw) */
  body?: Buffer | null;
}

export class DiskStore implements TraceBacking {
  readonly dir: string;
  readonly epoch: EpochNs;
  readonly maxDiskBytes: number;
  readonly maxAgeMs: number;
  private readonly log: DiskStoreLog;
  private readonly flushMs: number;
  private readonly fsyncMs: number;
  private readonly checkpointMs: number;
  private readonly segmentBytes: number;
  private readonly now: () => number;
  private release: (() => void) | undefined;
  /** gid → where it is */
  private groups = new Map<number, GroupLocation>();
  /** segment number → [size, newest group's Unix ms] */
  private segments = new Map<number, { size: number; lastMs: number }>();
  private curSeg = 0;
  private curFd = -1;
  private readFds = new Map<number, number>();
  private nextGid = 1;
  /** groups not written yet, readable from here meanwhile */
  private memGroups = new Map<number, RawEntry[]>();
  private pending: Pending | undefined;
  private pendingTimer: NodeJS.Timeout | undefined;
  private queue: Sealed[] = [];
  private drainWaiters: (() => void)[] = [];
  private generation = 0;
  private dirty = false;
  private syncing = false;
  /** descriptors of rolled segments, closed once the data sync in flight on them is done */
  private toClose: number[] = [];
  private changed = false;
  private checkpointing = false;
  private timers: NodeJS.Timeout[] = [];
  private store: TraceStore | undefined;
  private checkpoint: Checkpoint | undefined;
  private tail: number[] = [];
  private notice: string | undefined;
  private closed = false;
  private evictionLogged = false;

  private constructor(o: DiskStoreOptions) {
    this.dir = path.resolve(o.dir);
    this.maxDiskBytes = o.maxDiskBytes ?? DEFAULT_MAX_DISK_BYTES;
    this.maxAgeMs = o.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.log = o.log ?? quietLog;
    this.flushMs = o.flushMs ?? 200;
    this.fsyncMs = o.fsyncMs ?? 1000;
    this.checkpointMs = o.checkpointMs ?? 15_000;
    this.segmentBytes = o.segmentBytes ?? Math.min(64 * 1024 * 1024, Math.max(1024 * 1024, Math.floor(this.maxDiskBytes / 16)));
    this.now = o.now ?? Date.now;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.release = lockStore(this.dir);
    let epochSec: number;
    try {
      epochSec = this.load();
    } catch (e) {
      if (!(e instanceof DamagedStore)) {
        this.release();
        throw e;
      }
      const aside = this.setAside();
      this.notice = `The trace store in ${this.dir} could not be read (${e.message}); its files were moved to ${aside} and a fresh store was started.`;
      this.log.warn(`[store] ${this.notice}`);
      epochSec = this.fresh();
    }
    this.epoch = new EpochNs(epochSec);
  }

  /** Opens (or creates) the store in `dir`, taking its lock. Throws StoreLockedError when another receiver has it. */
  static open(o: DiskStoreOptions): DiskStore {
    return new DiskStore(o);
  }

  // ---- opening ------------------------------------------------------------------------------------

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  private segName(n: number): string {
    return this.file(`${String(n).padStart(8, '0')}.seg`);
  }

  /** reads meta, checkpoint and the log after it; answers the epoch. Throws DamagedStore. */
  private load(): number {
    const metaFile = this.file('meta.json');
    const segs = fs.readdirSync(this.dir).map((f) => SEG_RE.exec(f)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
    if (!fs.existsSync(metaFile)) {
      if (segs.length || fs.existsSync(this.file('index.json'))) throw new DamagedStore('meta.json is missing');
      return this.fresh();
    }
    let epochSec: number;
    try {
      const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { format?: unknown; version?: unknown; epochSec?: unknown };
      if (meta.format !== STORE_FORMAT) throw new Error('not a Trace Explorer store');
      if (meta.version !== STORE_VERSION) throw new Error(`store format version ${String(meta.version)}, this receiver reads ${STORE_VERSION}`);
      if (typeof meta.epochSec !== 'number' || !Number.isInteger(meta.epochSec)) throw new Error('meta.json has no epoch');
      epochSec = meta.epochSec;
    } catch (e) {
      throw new DamagedStore(`meta.json: ${(e as Error).message}`);
    }
    for (const n of segs) {
      const st = fs.statSync(this.segName(n));
      const head = Buffer.alloc(SEGMENT_HEADER);
      const fd = fs.openSync(this.segName(n), 'r');
      try {
        fs.readSync(fd, head, 0, SEGMENT_HEADER, 0);
      } finally {
        fs.closeSync(fd);
      }
      if (readSegmentHeader(head) !== n) throw new DamagedStore(`${path.basename(this.segName(n))} is not a store segment`);
      this.segments.set(n, { size: st.size, lastMs: st.mtimeMs });
    }
    let cp: Checkpoint | undefined;
    const indexFile = this.file('index.json');
    if (fs.existsSync(indexFile)) {
      try {
        cp = decodeCheckpoint(fs.readFileSync(indexFile, 'utf8'));
        if (cp.epochSec !== epochSec) throw new Error('its epoch is not the store\'s');
      } catch (e) {
        const aside = `${indexFile}.damaged-${stamp()}`;
        fs.renameSync(indexFile, aside);
        this.log.warn(`[store] ${indexFile} could not be read (${(e as Error).message}); moved to ${aside}, rebuilding it from the log`);
        cp = undefined;
      }
    }
    let startSeg = segs[0] ?? 0;
    let startOff = SEGMENT_HEADER;
    if (cp) {
      for (const [gid, loc] of cp.groups) if (this.segments.has(loc[0])) this.groups.set(gid, loc);
      this.nextGid = cp.nextGid;
      if (this.segments.has(cp.position[0])) [startSeg, startOff] = cp.position;
      else startSeg = segs.find((n) => n > cp!.position[0]) ?? 0;
      this.checkpoint = cp;
    }
    for (const [, loc] of this.groups) {
      const s = this.segments.get(loc[0]);
      if (s && loc[3] > s.lastMs) s.lastMs = loc[3];
    }
    const last = segs[segs.length - 1];
    for (const n of segs) if (n >= startSeg && startSeg > 0) this.scan(n, n === startSeg ? startOff : SEGMENT_HEADER, n === last);
    if (last === undefined) this.newSegment(1);
    else {
      this.curSeg = last;
      this.curFd = fs.openSync(this.segName(last), 'r+');
    }
    return epochSec;
  }

  /** reads the records of a segment from `from`; a bad one at the end of the newest segment is a torn write */
  private scan(seg: number, from: number, newest: boolean): void {
    const buf = fs.readFileSync(this.segName(seg));
    let at = from;
    while (at < buf.length) {
      const bad = (why: string) => {
        if (!newest) throw new DamagedStore(`${path.basename(this.segName(seg))}: ${why} at byte ${at}`);
        fs.truncateSync(this.segName(seg), at);
        this.segments.get(seg)!.size = at;
        this.log.warn(`[store] the last ${buf.length - at} bytes of ${this.segName(seg)} were an unfinished write (${why}); cut off`);
      };
      if (at + FRAME_HEADER > buf.length) return bad('a record header cut short');
      const len = buf.readUInt32LE(at);
      if (len > MAX_RECORD || at + FRAME_HEADER + len > buf.length) return bad('a record cut short');
      const payload = buf.subarray(at + FRAME_HEADER, at + FRAME_HEADER + len);
      if (crc32(payload) !== buf.readUInt32LE(at + 4)) return bad('a record fails its checksum');
      let h;
      try {
        h = readGroupHeader(payload);
      } catch (e) {
        return bad((e as Error).message);
      }
      this.groups.set(h.gid, [seg, at, FRAME_HEADER + len, h.timeMs]);
      const s = this.segments.get(seg)!;
      if (h.timeMs > s.lastMs || at === SEGMENT_HEADER) s.lastMs = h.timeMs;
      if (h.gid >= this.nextGid) this.nextGid = h.gid + 1;
      this.tail.push(h.gid);
      at += FRAME_HEADER + len;
    }
  }

  private fresh(): number {
    const epochSec = EpochNs.now().sec;
    const meta = JSON.stringify({ format: STORE_FORMAT, version: STORE_VERSION, epochSec, createdAt: new Date(this.now()).toISOString() });
    writeFileAtomic(this.file('meta.json'), meta);
    if (!this.curSeg) this.newSegment(1);
    return epochSec;
  }

  /** moves every file of the store into a new set-aside folder beside them; answers its path */
  private setAside(): string {
    this.closeFds();
    const to = this.file(`set-aside-${stamp()}`);
    fs.mkdirSync(to, { recursive: true });
    for (const f of fs.readdirSync(this.dir)) {
      if (f === 'meta.json' || f.startsWith('index.json') || SEG_RE.test(f)) fs.renameSync(this.file(f), path.join(to, f));
    }
    this.groups.clear();
    this.segments.clear();
    this.tail = [];
    this.checkpoint = undefined;
    this.nextGid = 1;
    this.curSeg = 0;
    return to;
  }

  private newSegment(n: number): void {
    const fd = fs.openSync(this.segName(n), 'wx+', 0o600);
    fs.writeSync(fd, segmentHeader(n), 0, SEGMENT_HEADER, 0);
    this.curSeg = n;
    this.curFd = fd;
    this.segments.set(n, { size: SEGMENT_HEADER, lastMs: this.now() });
  }

  /**
   * Gives the store its traces: the checkpoint's (listed, read when used), then the groups written after it
   * (replayed as received). The location statistics of the checkpointed traces are rebuilt in the
   * background from the log. Starts the timers.
   */
  attach(store: TraceStore): void {
    this.store = store;
    if (this.checkpoint) store.restore(this.checkpoint.snapshot, (gid) => this.groups.has(gid));
    const covered = [...this.groups.keys()].filter((g) => !this.tail.includes(g)).sort((a, b) => a - b);
    for (const gid of this.tail) {
      const entries = this.readGroup(gid);
      if (entries) store.replayGroup(gid, entries);
    }
    if (this.tail.length) this.changed = true;
    this.tail = [];
    this.checkpoint = undefined;
    this.timers.push(setInterval(() => this.sync(), this.fsyncMs));
    this.timers.push(setInterval(() => {
      if (this.changed) void this.writeCheckpoint();
    }, this.checkpointMs));
    this.timers.push(setInterval(() => this.enforceLimits(), 60_000));
    for (const t of this.timers) t.unref();
    this.enforceLimits();
    if (store.locationIndex && covered.length) this.rebuildLocations(covered);
  }

  private rebuildLocations(gids: number[]): void {
    const gen = this.generation;
    let i = 0;
    const step = () => {
      if (this.closed || gen !== this.generation || !this.store) return;
      const t0 = Date.now();
      while (i < gids.length && Date.now() - t0 < 20) {
        const entries = this.groups.has(gids[i]) ? this.readGroup(gids[i]) : undefined;
        i++;
        for (const en of entries ?? []) {
          if (en.kind !== 'traces') continue;
          try {
            const b = en.encoding === 'protobuf' ? decodeTraces(en.body, this.epoch) : decodeTracesJson(en.body, this.epoch);
            this.store.recordLocations(b.spans);
          } catch {
            // an entry that does not decode adds no statistics
          }
        }
      }
      if (i < gids.length) setImmediate(step);
      else this.log.info(`[store] location statistics rebuilt from ${gids.length} stored group(s)`);
    };
    setImmediate(step);
  }

  // ---- writing ------------------------------------------------------------------------------------

  append(entry: RawEntry): number {
    if (this.closed) return -1;
    let p = this.pending;
    if (!p) {
      p = this.pending = { gid: this.nextGid++, entries: [], bytes: 0 };
      this.memGroups.set(p.gid, p.entries);
      this.pendingTimer = setTimeout(() => this.seal(), this.flushMs);
      this.pendingTimer.unref?.();
    }
    p.entries.push(entry);
    p.bytes += entry.kind === 'control' ? 64 : entry.body.byteLength;
    this.changed = true;
    if (p.bytes >= GROUP_BYTES) this.seal();
    return p.gid;
  }

  /** closes the group being filled and hands it to the thread pool for compression */
  private seal(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    const g: Sealed = { gid: p.gid, timeMs: this.now(), raw: encodeEntries(p.entries) };
    this.queue.push(g);
    const gen = this.generation;
    zlib.deflateRaw(g.raw, { level: 1 }, (err, out) => {
      if (gen !== this.generation) return;
      g.body = err || out.length >= g.raw.length ? null : out;
      this.drain();
    });
  }

  /** writes compressed groups in order, each as one record */
  private drain(): void {
    while (this.queue.length && this.queue[0].body !== undefined) {
      const g = this.queue.shift()!;
      const compressed = g.body !== null;
      const rec = frameGroup(g.gid, g.timeMs, g.raw.length, compressed ? g.body! : g.raw, compressed);
      try {
        const seg = this.segments.get(this.curSeg)!;
        fs.writeSync(this.curFd, rec, 0, rec.length, seg.size);
        this.groups.set(g.gid, [this.curSeg, seg.size, rec.length, g.timeMs]);
        seg.size += rec.length;
        seg.lastMs = g.timeMs;
        this.dirty = true;
        this.memGroups.delete(g.gid);
        if (seg.size >= this.segmentBytes) this.roll();
      } catch (e) {
        // a full or failing disk: the group stays readable from memory until the store is cleared or closed
        this.log.warn(`[store] could not write to ${this.segName(this.curSeg)}: ${(e as Error).message}`);
      }
    }
    if (!this.queue.length && !this.pending) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
    this.enforceSize();
  }

  /** resolves once every entry appended so far is written */
  private flushed(): Promise<void> {
    this.seal();
    if (!this.queue.length) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }

  private roll(): void {
    const old = this.curFd;
    if (this.dirty) fs.fdatasyncSync(old);
    this.dirty = false;
    if (!this.syncing) fs.closeSync(old);
    else this.toClose.push(old);
    this.newSegment(this.curSeg + 1);
  }

  private sync(): void {
    if (!this.dirty || this.syncing || this.curFd < 0) return;
    this.dirty = false;
    this.syncing = true;
    fs.fdatasync(this.curFd, () => {
      this.syncing = false;
      for (const fd of this.toClose.splice(0)) fs.close(fd, () => undefined);
    });
  }

  // ---- reading ------------------------------------------------------------------------------------

  readGroup(gid: number): RawEntry[] | undefined {
    const mem = this.memGroups.get(gid);
    if (mem) return mem;
    const loc = this.groups.get(gid);
    if (!loc) return undefined;
    const [seg, off, len] = loc;
    try {
      let fd = seg === this.curSeg ? this.curFd : this.readFds.get(seg);
      if (fd === undefined) {
        fd = fs.openSync(this.segName(seg), 'r');
        this.readFds.set(seg, fd);
      }
      const rec = Buffer.alloc(len);
      fs.readSync(fd, rec, 0, len, off);
      const payload = rec.subarray(FRAME_HEADER);
      if (rec.readUInt32LE(0) !== len - FRAME_HEADER || crc32(payload) !== rec.readUInt32LE(4)) throw new Error('the record fails its checksum');
      return groupEntries(payload);
    } catch (e) {
      this.log.warn(`[store] group ${gid} in ${this.segName(seg)} could not be read: ${(e as Error).message}`);
      this.groups.delete(gid);
      return undefined;
    }
  }

  // ---- limits -------------------------------------------------------------------------------------

  bytesOnDisk(): number {
    let n = 0;
    for (const s of this.segments.values()) n += s.size;
    return n;
  }

  private enforceSize(): void {
    if (this.store && this.bytesOnDisk() > this.maxDiskBytes) this.enforceLimits();
  }

  /** deletes the oldest segments while the store is over its size or holds groups older than the age limit */
  enforceLimits(): void {
    if (!this.store || this.closed) return;
    const cutoff = this.now() - this.maxAgeMs;
    for (let guard = 0; guard < 10_000; guard++) {
      const segs = [...this.segments.keys()].sort((a, b) => a - b);
      const oldest = segs[0];
      const info = this.segments.get(oldest)!;
      const overSize = this.bytesOnDisk() > this.maxDiskBytes;
      const tooOld = info.lastMs < cutoff && info.size > SEGMENT_HEADER;
      if (!overSize && !tooOld) return;
      if (segs.length === 1) {
        if (info.size <= SEGMENT_HEADER) return;
        this.roll();
        continue;
      }
      let minGid = this.nextGid;
      for (const [gid, loc] of this.groups) if (loc[0] !== oldest && gid < minGid) minGid = gid;
      for (const gid of this.memGroups.keys()) if (gid < minGid) minGid = gid;
      const gone = this.store.evictGroupsBefore(minGid);
      if (!this.evictionLogged) {
        this.evictionLogged = true;
        this.log.warn(`[store] ${overSize ? `over its size limit (${mib(this.maxDiskBytes)})` : `holding traces older than ${Math.round(this.maxAgeMs / 86_400_000)} day(s)`}: ` +
          `deleting the oldest stored traces (pinned ones are kept); first ${gone} trace(s) from ${this.segName(oldest)}`);
      }
      for (const [gid, loc] of this.groups) if (loc[0] === oldest) this.groups.delete(gid);
      const fd = this.readFds.get(oldest);
      if (fd !== undefined) fs.closeSync(fd);
      this.readFds.delete(oldest);
      this.segments.delete(oldest);
      fs.rmSync(this.segName(oldest), { force: true });
      this.changed = true;
    }
  }

  // ---- checkpoint, clear, close -------------------------------------------------------------------

  /** writes index.json (everything appended so far written first) */
  async writeCheckpoint(): Promise<void> {
    if (this.checkpointing || !this.store || this.closed) return;
    this.checkpointing = true;
    try {
      await this.flushed();
      if (this.closed) return;
      const gen = this.generation;
      const text = this.checkpointText();
      this.changed = false;
      const tmp = this.file('index.json.tmp');
      await fs.promises.writeFile(tmp, text, { mode: 0o600 });
      const fh = await fs.promises.open(tmp, 'r+');
      await fh.datasync();
      await fh.close();
      if (gen !== this.generation || this.closed) return;
      await fs.promises.rename(tmp, this.file('index.json'));
    } catch (e) {
      this.log.warn(`[store] could not write ${this.file('index.json')}: ${(e as Error).message}`);
    } finally {
      this.checkpointing = false;
    }
  }

  private checkpointText(): string {
    const seg = this.segments.get(this.curSeg)!;
    return encodeCheckpoint({ epochSec: this.epoch.sec, position: [this.curSeg, seg.size], nextGid: this.nextGid, groups: this.groups, snapshot: this.store!.snapshot() });
  }

  /** Clear All Traces: every segment and the index go; the next batch starts a new segment. */
  clear(): void {
    this.generation++;
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    this.pending = undefined;
    this.queue = [];
    this.memGroups.clear();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
    const next = Math.max(0, ...this.segments.keys()) + 1;
    this.closeFds();
    for (const n of this.segments.keys()) fs.rmSync(this.segName(n), { force: true });
    fs.rmSync(this.file('index.json'), { force: true });
    this.segments.clear();
    this.groups.clear();
    this.dirty = false;
    this.changed = false;
    this.evictionLogged = false;
    this.newSegment(next);
  }

  stats(): DiskStoreStats {
    const s: DiskStoreStats = { dir: this.dir, bytesOnDisk: this.bytesOnDisk(), segments: this.segments.size, maxDiskBytes: this.maxDiskBytes, maxAgeMs: this.maxAgeMs };
    if (this.notice) s.notice = this.notice;
    return s;
  }

  /** writes what is pending and a checkpoint, syncs, and releases the lock */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    await this.flushed();
    while (this.checkpointing) await new Promise((r) => setTimeout(r, 10));
    try {
      if (this.store) writeFileAtomic(this.file('index.json'), this.checkpointText());
    } catch (e) {
      this.log.warn(`[store] could not write ${this.file('index.json')}: ${(e as Error).message}`);
    }
    this.closed = true;
    try {
      if (this.curFd >= 0) fs.fdatasyncSync(this.curFd);
    } catch {
      // closing anyway
    }
    this.closeFds();
    this.release?.();
    this.release = undefined;
  }

  private closeFds(): void {
    for (const fd of this.readFds.values()) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.readFds.clear();
    if (this.curFd >= 0 && this.syncing) this.toClose.push(this.curFd);
    else if (this.curFd >= 0) {
      try {
        fs.closeSync(this.curFd);
      } catch {
        // already closed
      }
    }
    this.curFd = -1;
  }
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function mib(n: number): string {
  return `${Math.round(n / 1024 / 1024)} MiB`;
}

function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
