// What a trace diff (src/diff/) answers: plain JSON, shared by the CLI, the compare webview and agent
// tools. Types only; the matching itself is src/diff/match.ts.

/** where a span's code is, when its code.* attributes say */
export interface CodeRef {
  file?: string;
  line?: number;
  function?: string;
}

export type RowKind = 'matched' | 'renamed' | 'added' | 'removed';

/** One side of a row. Times in ms. */
export interface RowSide {
  spanId: string;
  name: string;
  durationMs: number;
  /** the span's duration less the time covered by its children */
  selfMs: number;
  /** start from its trace's first start */
  startMs: number;
  error: boolean;
  code?: CodeRef;
}

export interface DiffRow {
  kind: RowKind;
  depth: number;
  /** the parent's row index; -1 for a root */
  parent: number;
  service: string;
  spanKind: number;
  /** B's name, or A's when the span was removed */
  name: string;
  a?: RowSide;
  b?: RowSide;
  /** B − A (matched and renamed rows) */
  deltaMs?: number;
  /** (B − A) / A in %, null when A took no time */
  deltaPct?: number | null;
  selfDeltaMs?: number;
}

export interface SideSummary {
  traceId: string;
  spanCount: number;
  /** first start to last end */
  durationMs: number;
}

export interface TraceDiff {
  a: SideSummary;
  b: SideSummary;
  /** depth-first; children after their parent, ordered by start */
  rows: DiffRow[];
  counts: Record<RowKind, number>;
  /** some span was added, removed or renamed */
  structureDiffers: boolean;
  /** row indexes of paired spans that got slower, the biggest change of their own (self) time first */
  regressions: number[];
  /** row indexes of paired spans that got faster, the biggest first */
  improvements: number[];
}
