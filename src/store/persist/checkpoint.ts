// The store's checkpoint (`index.json`): every listed trace's summary and the groups holding its data, the
// runs, the baselines, where each group is on disk, and the log position it covers. Written atomically
// (temporary file, fsync, rename) every few seconds while the store changes and on a clean exit; a receiver
// that starts reads it and replays only the groups written after it. Summaries are rows of a string table:
// a million spans are ~100k traces, and the file must parse well within the one second a reopen may take.
import type { TraceSummary } from '../../protocol/api';
import type { RunInfo } from '../runs';
import type { ColdTraceRow, StoreSnapshot } from '../traceStore';

export const CHECKPOINT_FORMAT = 'trace-explorer-store-index';
export const CHECKPOINT_VERSION = 1;

/** where a group is: segment number, byte offset of its frame, frame length, Unix ms written */
export type GroupLocation = [seg: number, off: number, len: number, timeMs: number];

export interface Checkpoint {
  epochSec: number;
  /** the log up to here is covered: segment number and byte offset */
  position: [number, number];
  nextGid: number;
  groups: Map<number, GroupLocation>;
  /** segment numbers that were compacted when it was written (their group locations hold only then) */
  compacted: number[];
  snapshot: StoreSnapshot;
}

type Row = [
  traceId: string, rootName: number, rootTarget: number, rootService: number, services: number[], spanCount: number, errorCount: number,
  startNs: string, durNs: string, startMs: number, durationMs: number, flags: number, sourceName: number, broken: number, runId: number,
  refs: number[], tallies: (number)[],
];

export function encodeCheckpoint(c: Checkpoint): string {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const si = (v: string | undefined): number => {
    if (v === undefined) return -1;
    let i = ids.get(v);
    if (i === undefined) {
      i = strings.length;
      strings.push(v);
      ids.set(v, i);
    }
    return i;
  };
  const rows: Row[] = c.snapshot.traces.map(([t, refs, tallies]) => {
    const flat: number[] = [];
    for (const [runId, spans, errors, minStart, maxEnd] of tallies) flat.push(si(runId), spans, errors, minStart, maxEnd);
    return [
      t.traceId, si(t.rootName), si(t.rootTarget), si(t.rootService), t.services.map(si), t.spanCount, t.errorCount,
      t.startTimeUnixNano, t.durationNano, t.startMs, t.durationMs, (t.pinned ? 1 : 0) | (t.source === 'file' ? 2 : 0), si(t.sourceName),
      t.brokenParents, si(t.runId), refs, flat,
    ];
  });
  return JSON.stringify({
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    epochSec: c.epochSec,
    position: c.position,
    nextGid: c.nextGid,
    groups: [...c.groups].map(([gid, loc]) => [gid, ...loc]),
    compacted: c.compacted,
    runs: c.snapshot.runs,
    baselines: c.snapshot.baselines,
    strings,
    traces: rows,
  });
}

/** Parses a checkpoint; throws when it is not one (the caller then replays the whole log). */
export function decodeCheckpoint(text: string): Checkpoint {
  const j = JSON.parse(text) as {
    format: string; version: number; epochSec: number; position: [number, number]; nextGid: number; groups: number[][];
    runs: RunInfo[]; baselines: [string, string][]; strings: string[]; traces: Row[]; compacted?: number[];
  };
  if (j.format !== CHECKPOINT_FORMAT || j.version !== CHECKPOINT_VERSION) throw new Error(`not a version ${CHECKPOINT_VERSION} store index`);
  if (!Array.isArray(j.traces) || !Array.isArray(j.groups) || !Array.isArray(j.strings)) throw new Error('store index is incomplete');
  const str = j.strings;
  const groups = new Map<number, GroupLocation>();
  for (const [gid, seg, off, len, timeMs] of j.groups) groups.set(gid, [seg, off, len, timeMs]);
  const traces: ColdTraceRow[] = j.traces.map((r) => {
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
    const tallies: [string, number, number, number, number][] = [];
    for (let i = 0; i + 4 < flat.length; i += 5) tallies.push([str[flat[i]], flat[i + 1], flat[i + 2], flat[i + 3], flat[i + 4]]);
    return [t, refs, tallies];
  });
  return {
    epochSec: j.epochSec,
    position: j.position,
    nextGid: j.nextGid,
    groups,
    compacted: Array.isArray(j.compacted) ? j.compacted : [],
    snapshot: { epochSec: j.epochSec, runs: j.runs ?? [], baselines: j.baselines ?? [], traces },
  };
}
