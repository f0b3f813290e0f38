// The persistent store: an append-only log of the batches the receiver accepted, as they came (OTLP
// protobuf or JSON bytes), grouped every 200 ms or 1 MiB and framed with length and CRC-32 (records.ts).
// Compression waits until ingest pauses for 2 s (or more than 256 MiB wait uncompressed): a segment is
// then rewritten with each group deflated on the thread pool, and swapped in by rename — deflate costs about
// as much CPU as decoding, and at ingest it would take a fifth of the receiver's throughput. Segment files of
// a few tens of MiB are deleted whole, oldest first, to stay within the size and age limits (the store
// first writes pinned traces again). A checkpoint (checkpoint.ts) lists every trace's summary and groups, so a receiver that
// starts lists a million stored spans without decoding them; a trace's spans are read back when it is
// opened. Why this design and its figures: docs/ARCHITECTURE.md, "The persistent store".
//
// Crash safety: a group is written (one write call) at most ~200 ms after its first batch; the page cache
// keeps what was written through SIGKILL, so a killed receiver loses under a second. The log is
// fdatasync'd before each checkpoint (every 15 s while it changes), at each segment roll and on close — not
// every second: fdatasync bills the kernel's writeback of the raw log to the receiver, which cost it ~40% of
// its spans per CPU-second in bench:ingest (docs/ARCHITECTURE.md). A power loss can cost the last seconds,
// never what came before (checksums, torn tail cut off). A torn
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
import { CHECKPOINT_FILE, CheckpointEncoder, checkpointHeader, continueCrc, type GroupLocation, LEGACY_CHECKPOINT_FILE, type ReadCheckpoint, decodeCheckpoint } from './checkpoint';
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
  /** the log is also fdatasync'd this often when set (default: only at checkpoints, rolls and close) */
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
/** traces encoded per turn of the event loop while a checkpoint is written */
const CHECKPOINT_SLICE = 5_000;
const GROUP_BYTES = 1024 * 1024;
/** the statistics' rebuild from the log starts this long after the store opens */
const REBUILD_DELAY_MS = 3000;
const quietLog: DiskStoreLog = { info: () => undefined, warn: () => undefined };

interface Pending {
  gid: number;
  entries: RawEntry[];
  bytes: number;
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
  /** segment number → size, newest group's Unix ms, whether compacted */
  private segments = new Map<number, { size: number; lastMs: number; compacted: boolean }>();
  private curSeg = 0;
  private curFd = -1;
  private readFds = new Map<number, number>();
  private nextGid = 1;
  /** groups not written yet, readable from here meanwhile */
  private memGroups = new Map<number, RawEntry[]>();
  private pending: Pending | undefined;
  private pendingTimer: NodeJS.Timeout | undefined;
  private generation = 0;
  private lastAppend = 0;
  private compacting = false;
  private dirty = false;
  private syncing = false;
  /** descriptors of rolled segments, closed once the data sync in flight on them is done */
  private toClose: number[] = [];
  private changed = false;
  private checkpointing = false;
  private timers: NodeJS.Timeout[] = [];
  private store: TraceStore | undefined;
  private checkpoint: ReadCheckpoint | undefined;
  private tail: number[] = [];
  private notice: string | undefined;
  /** an index.json of store format 1 is beside the store: replaced by the binary checkpoint at the next one */
  private legacyIndex = false;
  private closed = false;
  private evictionLogged = false;

  private constructor(o: DiskStoreOptions) {
    this.dir = path.resolve(o.dir);
    this.maxDiskBytes = o.maxDiskBytes ?? DEFAULT_MAX_DISK_BYTES;
    this.maxAgeMs = o.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.log = o.log ?? quietLog;
    this.flushMs = o.flushMs ?? 200;
    this.fsyncMs = o.fsyncMs ?? 0;
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
      if (segs.length || fs.existsSync(this.file(CHECKPOINT_FILE)) || fs.existsSync(this.file(LEGACY_CHECKPOINT_FILE))) throw new DamagedStore('meta.json is missing');
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
      const h = readSegmentHeader(head);
      if (h?.segNo !== n) throw new DamagedStore(`${path.basename(this.segName(n))} is not a store segment`);
      this.segments.set(n, { size: st.size, lastMs: st.mtimeMs, compacted: h.compacted });
    }
    let cp: ReadCheckpoint | undefined;
    // the binary checkpoint; else the JSON one of a receiver before it (read once: the next checkpoint replaces it)
    this.legacyIndex = fs.existsSync(this.file(LEGACY_CHECKPOINT_FILE));
    const indexFile = fs.existsSync(this.file(CHECKPOINT_FILE)) ? this.file(CHECKPOINT_FILE) : this.legacyIndex ? this.file(LEGACY_CHECKPOINT_FILE) : undefined;
    if (indexFile) {
      try {
        cp = decodeCheckpoint(fs.readFileSync(indexFile));
        if (cp.epochSec !== epochSec) throw new Error('its epoch is not the store\'s');
      } catch (e) {
        const aside = `${indexFile}.damaged-${stamp()}`;
        fs.renameSync(indexFile, aside);
        this.log.warn(`[store] ${indexFile} could not be read (${(e as Error).message}); moved to ${aside}. ` +
          'The traces are listed again by replaying the whole log (nothing is lost; this start takes longer) and a new checkpoint is written');
        cp = undefined;
        this.legacyIndex = fs.existsSync(this.file(LEGACY_CHECKPOINT_FILE));
      }
    }
    // A segment is read from the checkpoint's group locations when it is as the checkpoint saw it: before
    // the checkpoint's position and compacted then as now. Others are scanned: from the position when only
    // appended to since, whole when compacted since. Groups numbered from the checkpoint's nextGid on were
    // written after it (everything before was written when it was taken) and are replayed.
    const last = segs[segs.length - 1];
    const firstNew = cp ? cp.nextGid : 0;
    if (cp) {
      const compactedThen = new Set(cp.compacted);
      const [posSeg, posOff] = cp.position;
      const trusted = (n: number) => n < posSeg && this.segments.get(n)!.compacted === compactedThen.has(n);
      for (const [gid, loc] of cp.groups) if (this.segments.has(loc[0]) && trusted(loc[0])) this.groups.set(gid, loc);
      this.nextGid = cp.nextGid;
      this.checkpoint = cp;
      for (const n of segs) {
        if (trusted(n)) continue;
        const appendedOnly = n === posSeg && !this.segments.get(n)!.compacted && !compactedThen.has(n);
        if (appendedOnly) for (const [gid, loc] of cp.groups) if (loc[0] === n && loc[1] < posOff) this.groups.set(gid, loc);
        this.scan(n, appendedOnly ? posOff : SEGMENT_HEADER, n === last, firstNew);
      }
    } else for (const n of segs) this.scan(n, SEGMENT_HEADER, n === last, firstNew);
    for (const [, loc] of this.groups) {
      const s = this.segments.get(loc[0]);
      if (s && loc[3] > s.lastMs) s.lastMs = loc[3];
    }
    if (last === undefined) this.newSegment(1);
    else {
      this.curSeg = last;
      this.curFd = fs.openSync(this.segName(last), 'r+');
    }
    return epochSec;
  }

  /**
   * Reads the records of a segment from `from`; groups numbered `firstNew` or later are to be replayed. A bad
   * record at the end of the newest segment is a torn write.
   */
  private scan(seg: number, from: number, newest: boolean, firstNew: number): void {
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
      if (h.gid >= firstNew) this.tail.push(h.gid);
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
      if (f === 'meta.json' || f.startsWith(CHECKPOINT_FILE) || f.startsWith(LEGACY_CHECKPOINT_FILE) || SEG_RE.test(f)) fs.renameSync(this.file(f), path.join(to, f));
    }
    this.groups.clear();
    this.segments.clear();
    this.legacyIndex = false;
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
    this.segments.set(n, { size: SEGMENT_HEADER, lastMs: this.now(), compacted: false });
  }

  /**
   * Gives the store its traces: the checkpoint's (listed, read when used), then the groups written after it
   * (replayed as received). The location statistics of the checkpointed traces are rebuilt in the
   * background from the log. Starts the timers.
   */
  attach(store: TraceStore): void {
    this.store = store;
    if (this.checkpoint) store.restore(this.checkpoint.snapshot, (gid) => this.groups.has(gid));
    const tail = new Set(this.tail);
    const covered = [...this.groups.keys()].filter((g) => !tail.has(g)).sort((a, b) => a - b);
    this.tail.sort((a, b) => a - b);
    for (const gid of this.tail) {
      const entries = this.readGroup(gid);
      if (entries) store.replayGroup(gid, entries);
    }
    if (this.tail.length) this.changed = true;
    // a store of format 1: its JSON checkpoint is replaced soon, not at the first change
    if (this.legacyIndex) {
      this.changed = true;
      const t = setTimeout(() => void this.writeCheckpoint(), 1000);
      t.unref();
      this.timers.push(t);
    }
    this.tail = [];
    this.checkpoint = undefined;
    if (this.fsyncMs > 0) this.timers.push(setInterval(() => this.sync(), this.fsyncMs));
    this.timers.push(setInterval(() => {
      if (this.changed) void this.writeCheckpoint();
    }, this.checkpointMs));
    this.timers.push(setInterval(() => this.enforceLimits(), 60_000));
    this.timers.push(setInterval(() => this.maybeCompact(), 1000));
    for (const t of this.timers) t.unref();
    this.enforceLimits();
    // after the first requests of the windows that connect (the trace list first), not competing with them
    if (covered.length) {
      const t = setTimeout(() => this.rebuildLocations(covered), REBUILD_DELAY_MS);
      t.unref();
      this.timers.push(t);
    }
  }

  private rebuildLocations(gids: number[]): void {
    const gen = this.generation;
    let i = 0;
    const step = () => {
      if (this.closed || gen !== this.generation || !this.store) return;
      const t0 = Date.now();
      while (i < gids.length && Date.now() - t0 < 10) {
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
      // a pause between slices: requests and ingest go first
      if (i < gids.length) setTimeout(step, 5);
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
    this.lastAppend = this.now();
    if (p.bytes >= GROUP_BYTES) this.seal();
    return p.gid;
  }

  /** writes the group being filled as one record (uncompressed: see compact()) */
  private seal(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    const timeMs = this.now();
    const raw = encodeEntries(p.entries);
    const rec = frameGroup(p.gid, timeMs, raw.length, raw, false);
    try {
      const seg = this.segments.get(this.curSeg)!;
      fs.writeSync(this.curFd, rec, 0, rec.length, seg.size);
      this.groups.set(p.gid, [this.curSeg, seg.size, rec.length, timeMs]);
      seg.size += rec.length;
      seg.lastMs = timeMs;
      this.dirty = true;
      this.memGroups.delete(p.gid);
      if (seg.size >= this.segmentBytes) this.roll();
    } catch (e) {
      // a full or failing disk: the group stays readable from memory until the store is cleared or closed
      this.log.warn(`[store] could not write to ${this.segName(this.curSeg)}: ${(e as Error).message}`);
    }
    this.enforceSize();
  }

  /** everything appended so far is written */
  private flushed(): Promise<void> {
    this.seal();
    return Promise.resolve();
  }

  // ---- compaction ---------------------------------------------------------------------------------

  private rawBytes(): number {
    let n = 0;
    for (const s of this.segments.values()) if (!s.compacted) n += s.size;
    return n;
  }

  /** once ingest has paused for 2 s (or too much waits uncompressed), compacts the oldest raw segment */
  private maybeCompact(): void {
    if (this.compacting || this.closed || !this.store) return;
    const idle = this.now() - this.lastAppend >= 2000;
    if (!idle && this.rawBytes() < 256 * 1024 * 1024) return;
    void this.compactOne(idle);
  }

  /** Compacts every segment now (the current one is closed first when it holds data); for benchmarks and tests. */
  async compactAll(): Promise<void> {
    while (this.compacting) await new Promise((r) => setTimeout(r, 10));
    this.seal();
    while (await this.compactOne(true));
  }

  /** compacts the oldest segment not compacted yet; false when there was none */
  private async compactOne(rollCurrent: boolean): Promise<boolean> {
    const cur = this.segments.get(this.curSeg);
    if (rollCurrent && cur && !cur.compacted && cur.size > SEGMENT_HEADER && !this.pending) this.roll();
    const n = [...this.segments.keys()].sort((a, b) => a - b).find((k) => k !== this.curSeg && !this.segments.get(k)!.compacted);
    if (n === undefined) return false;
    this.compacting = true;
    try {
      await this.compact(n);
    } catch (e) {
      this.log.warn(`[store] could not compact ${this.segName(n)}: ${(e as Error).message}`);
      const s = this.segments.get(n);
      if (s) s.compacted = true; // not tried again this run: it stays readable as it is
    } finally {
      this.compacting = false;
    }
    return true;
  }

  /** rewrites a sealed segment with every group deflated, then swaps it in (rename) and moves its groups */
  private async compact(n: number): Promise<void> {
    const gen = this.generation;
    const file = this.segName(n);
    const buf = await fs.promises.readFile(file);
    const out: Buffer[] = [segmentHeader(n, true)];
    const moved = new Map<number, GroupLocation>();
    let off = SEGMENT_HEADER;
    let at = SEGMENT_HEADER;
    while (at + FRAME_HEADER <= buf.length) {
      const len = buf.readUInt32LE(at);
      const whole = buf.subarray(at, at + FRAME_HEADER + len);
      const payload = whole.subarray(FRAME_HEADER);
      if (payload.length !== len || crc32(payload) !== buf.readUInt32LE(at + 4)) throw new Error(`a record at byte ${at} fails its checksum`);
      const h = readGroupHeader(payload);
      let rec: Buffer = whole;
      if (!h.compressed) {
        const body = payload.subarray(GROUP_HEADER_BYTES);
        const z = await deflateRaw(body);
        if (z.length < body.length) rec = frameGroup(h.gid, h.timeMs, h.rawLength, z, true);
      }
      moved.set(h.gid, [n, off, rec.length, h.timeMs]);
      out.push(rec);
      off += rec.length;
      at += FRAME_HEADER + len;
    }
    if (gen !== this.generation || this.closed || !this.segments.has(n)) return;
    const tmp = `${file}.compact`;
    const fh = await fs.promises.open(tmp, 'w', 0o600);
    try {
      await fh.writev(out);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    if (gen !== this.generation || this.closed || !this.segments.has(n)) {
      await fs.promises.rm(tmp, { force: true });
      return;
    }
    // from here on synchronous: no read can see the new file with the old locations
    fs.renameSync(tmp, file);
    const fd = this.readFds.get(n);
    if (fd !== undefined) fs.closeSync(fd);
    this.readFds.delete(n);
    for (const [gid, loc] of moved) if (this.groups.get(gid)?.[0] === n) this.groups.set(gid, loc);
    const s = this.segments.get(n)!;
    s.size = off;
    s.compacted = true;
    this.changed = true;
  }

  private roll(): void {
    const old = this.curFd;
    if (this.dirty) fs.fdatasyncSync(old);
    this.dirty = false;
    if (!this.syncing) fs.closeSync(old);
    else this.toClose.push(old);
    this.newSegment(this.curSeg + 1);
  }

  private syncNow(): Promise<void> {
    if (!this.dirty || this.curFd < 0) return Promise.resolve();
    if (this.syncing) return new Promise((r) => setTimeout(r, 20)).then(() => this.syncNow());
    this.dirty = false;
    this.syncing = true;
    return new Promise((resolve) => {
      fs.fdatasync(this.curFd, () => {
        this.syncing = false;
        for (const fd of this.toClose.splice(0)) fs.close(fd, () => undefined);
        resolve();
      });
    });
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

  sealed(gid: number): boolean {
    return !this.memGroups.has(gid) && this.groups.has(gid);
  }

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

  /** writes the checkpoint (everything appended so far written first) */
  async writeCheckpoint(): Promise<void> {
    if (this.checkpointing || !this.store || this.closed) return;
    this.checkpointing = true;
    try {
      await this.flushed();
      if (this.closed) return;
      // the log first: the checkpoint must not name groups a power loss could take
      await this.syncNow();
      if (this.closed) return;
      const gen = this.generation;
      // the traces are encoded a slice at a time: at a million spans the whole takes long enough to delay
      // requests and ingest (the slice's size: docs/ARCHITECTURE.md, "The persistent store")
      const enc = this.checkpointEncoder();
      this.changed = false;
      while (!enc.add(CHECKPOINT_SLICE)) {
        await new Promise((r) => setImmediate(r));
        if (gen !== this.generation || this.closed) return;
      }
      const parts = enc.payload();
      let crc = 0;
      for (const p of parts) {
        crc = continueCrc(crc, p);
        await new Promise((r) => setImmediate(r));
      }
      parts.unshift(checkpointHeader(parts, crc));
      const tmp = this.file(`${CHECKPOINT_FILE}.tmp`);
      const fh = await fs.promises.open(tmp, 'w', 0o600);
      try {
        await fh.writev(parts);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      if (gen !== this.generation || this.closed) return;
      await fs.promises.rename(tmp, this.file(CHECKPOINT_FILE));
      this.dropLegacyIndex();
    } catch (e) {
      this.log.warn(`[store] could not write ${this.file(CHECKPOINT_FILE)}: ${(e as Error).message}`);
    } finally {
      this.checkpointing = false;
    }
  }

  /** the JSON checkpoint of format 1, once a binary one is in place, says nothing more */
  private dropLegacyIndex(): void {
    if (!this.legacyIndex) return;
    this.legacyIndex = false;
    fs.rmSync(this.file(LEGACY_CHECKPOINT_FILE), { force: true });
    this.log.info(`[store] ${this.file(LEGACY_CHECKPOINT_FILE)} (the checkpoint of an earlier version) was replaced by ${this.file(CHECKPOINT_FILE)}`);
  }

  private checkpointEncoder(): CheckpointEncoder {
    const seg = this.segments.get(this.curSeg)!;
    const compacted = [...this.segments].filter(([, s]) => s.compacted).map(([k]) => k);
    return new CheckpointEncoder({ epochSec: this.epoch.sec, position: [this.curSeg, seg.size], nextGid: this.nextGid, groups: this.groups, compacted, snapshot: this.store!.snapshot() });
  }

  /** Clear All Traces: every segment and the index go; the next batch starts a new segment. */
  clear(): void {
    this.generation++;
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    this.pending = undefined;
    this.memGroups.clear();
    const next = Math.max(0, ...this.segments.keys()) + 1;
    this.closeFds();
    for (const n of this.segments.keys()) fs.rmSync(this.segName(n), { force: true });
    fs.rmSync(this.file(CHECKPOINT_FILE), { force: true });
    fs.rmSync(this.file(LEGACY_CHECKPOINT_FILE), { force: true });
    this.legacyIndex = false;
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
    // a compaction in flight is abandoned: its segment stays as it was (the closed flag stops the swap)
    try {
      if (this.store) {
        writeFileAtomic(this.file(CHECKPOINT_FILE), Buffer.concat(this.checkpointEncoder().finish()));
        this.dropLegacyIndex();
      }
    } catch (e) {
      this.log.warn(`[store] could not write ${this.file(CHECKPOINT_FILE)}: ${(e as Error).message}`);
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

const GROUP_HEADER_BYTES = 18;

function deflateRaw(b: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => zlib.deflateRaw(b, { level: 1 }, (e, out) => (e ? reject(e) : resolve(out))));
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function mib(n: number): string {
  return `${Math.round(n / 1024 / 1024)} MiB`;
}

function writeFileAtomic(file: string, text: string | Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    if (typeof text === 'string') fs.writeSync(fd, text);
    else fs.writeSync(fd, text, 0, text.length);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
