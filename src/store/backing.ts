// What the trace store asks of a persistent backing (src/store/persist/diskStore.ts): keep every received
// batch as it came (grouped, numbered), read a group back, and the changes that are not batches (pins,
// removals, baselines) in the same order. Plain data: no files here, so the store stays testable in memory.

export type RawEncoding = 'protobuf' | 'json';

export type ControlOp =
  | { op: 'pin'; traceId: string; pinned: boolean }
  | { op: 'remove'; traceId: string }
  | { op: 'baseline'; service: string; runId: string | null };

export type RawEntry =
  | { kind: 'traces'; encoding: RawEncoding; body: Uint8Array; source: 'otlp' | 'file'; name?: string }
  | { kind: 'logs'; encoding: RawEncoding; body: Uint8Array }
  | { kind: 'control'; op: ControlOp };

export interface TraceBacking {
  /** keeps an entry; answers the number of the group it is written in (groups only grow) */
  append(entry: RawEntry): number;
  /** the entries of a group (from disk, or memory while it is being written); undefined when it is gone */
  readGroup(gid: number): RawEntry[] | undefined;
  /** the group is written and will not change (its decoded form may be cached) */
  sealed(gid: number): boolean;
  /** drops everything kept (Clear All Traces) */
  clear(): void;
}
