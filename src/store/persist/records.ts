// The on-disk framing of the store's log. A segment file is a 16-byte header ("TXSEG001", u32 segment
// number, u8 flags: 1 = compacted, every record compressed where that made it smaller) followed by records: u32 payload length, u32 CRC-32 of the payload, payload (all little-endian). A record
// is one group of received entries: u8 format (1), u8 compression (0 none, 1 raw deflate), u32 group number,
// f64 Unix ms written, u32 length of the entries uncompressed, then the entries. A record that is cut short
// or fails its checksum at the end of the newest segment is a torn write and is truncated on open.
import * as zlib from 'node:zlib';
import type { ControlOp, RawEntry } from '../backing';

export const SEGMENT_MAGIC = 'TXSEG001';
export const SEGMENT_HEADER = 16;
export const FRAME_HEADER = 8;
const GROUP_HEADER = 18;
/** no record is larger than this: a length beyond it is damage, not data */
export const MAX_RECORD = 512 * 1024 * 1024;

export function crc32(b: Uint8Array): number {
  return zlib.crc32(b) >>> 0;
}

export function segmentHeader(segNo: number, compacted = false): Buffer {
  const h = Buffer.alloc(SEGMENT_HEADER);
  h.write(SEGMENT_MAGIC, 0, 'latin1');
  h.writeUInt32LE(segNo, 8);
  h[12] = compacted ? 1 : 0;
  return h;
}

/** the segment number and flags in a header, or undefined when it is not one of ours */
export function readSegmentHeader(h: Buffer): { segNo: number; compacted: boolean } | undefined {
  if (h.length < SEGMENT_HEADER || h.toString('latin1', 0, 8) !== SEGMENT_MAGIC) return undefined;
  return { segNo: h.readUInt32LE(8), compacted: (h[12] & 1) === 1 };
}

const KIND = { traces: 1, logs: 2, control: 3 } as const;

/** entries → one uncompressed buffer */
export function encodeEntries(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const head = Buffer.alloc(9);
    head[0] = KIND[e.kind];
    let name = Buffer.alloc(0);
    let body: Uint8Array;
    if (e.kind === 'control') body = Buffer.from(JSON.stringify(e.op));
    else {
      head[1] = e.encoding === 'protobuf' ? 0 : 1;
      body = e.body;
      if (e.kind === 'traces') {
        head[2] = e.source === 'file' ? 1 : 0;
        if (e.name !== undefined) {
          head[2] |= 2;
          name = Buffer.from(e.name, 'utf8');
        }
      }
    }
    head.writeUInt16LE(Math.min(name.length, 0xffff), 3);
    head.writeUInt32LE(body.byteLength, 5);
    parts.push(head, name.subarray(0, 0xffff), Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }
  return Buffer.concat(parts);
}

export function decodeEntries(b: Buffer): RawEntry[] {
  const out: RawEntry[] = [];
  let at = 0;
  while (at < b.length) {
    if (at + 9 > b.length) throw new Error('entry header cut short');
    const kind = b[at];
    const enc = b[at + 1] === 0 ? 'protobuf' : 'json';
    const flags = b[at + 2];
    const nameLen = b.readUInt16LE(at + 3);
    const bodyLen = b.readUInt32LE(at + 5);
    at += 9;
    if (at + nameLen + bodyLen > b.length) throw new Error('entry cut short');
    const name = b.toString('utf8', at, at + nameLen);
    at += nameLen;
    const body = b.subarray(at, at + bodyLen);
    at += bodyLen;
    if (kind === KIND.traces) {
      const e: RawEntry = { kind: 'traces', encoding: enc, body, source: flags & 1 ? 'file' : 'otlp' };
      if (flags & 2) e.name = name;
      out.push(e);
    } else if (kind === KIND.logs) out.push({ kind: 'logs', encoding: enc, body });
    else if (kind === KIND.control) out.push({ kind: 'control', op: JSON.parse(body.toString('utf8')) as ControlOp });
    else throw new Error(`unknown entry kind ${kind}`);
  }
  return out;
}

export interface GroupHeader {
  compressed: boolean;
  gid: number;
  timeMs: number;
  rawLength: number;
}

/** a whole framed record (frame header + group header + body) */
export function frameGroup(gid: number, timeMs: number, rawLength: number, body: Buffer, compressed: boolean): Buffer {
  const rec = Buffer.alloc(FRAME_HEADER + GROUP_HEADER + body.length);
  const p = rec.subarray(FRAME_HEADER);
  p[0] = 1;
  p[1] = compressed ? 1 : 0;
  p.writeUInt32LE(gid, 2);
  p.writeDoubleLE(timeMs, 6);
  p.writeUInt32LE(rawLength, 14);
  body.copy(p, GROUP_HEADER);
  rec.writeUInt32LE(p.length, 0);
  rec.writeUInt32LE(crc32(p), 4);
  return rec;
}

export function readGroupHeader(payload: Buffer): GroupHeader {
  if (payload.length < GROUP_HEADER || payload[0] !== 1) throw new Error('not a group record');
  return { compressed: payload[1] === 1, gid: payload.readUInt32LE(2), timeMs: payload.readDoubleLE(6), rawLength: payload.readUInt32LE(14) };
}

/** the entries of a record's payload (checksum already checked) */
export function groupEntries(payload: Buffer): RawEntry[] {
  const h = readGroupHeader(payload);
  const body = payload.subarray(GROUP_HEADER);
  const raw = h.compressed ? zlib.inflateRawSync(body, { maxOutputLength: Math.max(h.rawLength, 1) }) : body;
  return decodeEntries(raw);
}
