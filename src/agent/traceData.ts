// One trace as the operations read it: the packed form the waterfall gets (rows depth-first, with the span
// attributes), decoded once and kept with what every answer about it needs (self times, the critical path,
// rows by self time). A few recent traces are cached, keyed by span count, so paging through a 100k-span
// trace decodes it once, and a trace that grew is read again.
import { decodePackedTrace, SpanBit, type PackedTrace } from '../protocol/packedTrace';
import { readCodeAttrs } from '../protocol/codeAttrs';
import type { TraceSummary } from '../protocol/api';
import type { RawLocation } from '../source/signal';
import { criticalPath } from '../../webview/model/criticalPath';
import { selfTimes } from '../../webview/model/stats';
import { rowTarget } from '../../webview/model/rowTarget';
import { AgentInputError, cap } from './answer';
import type { TraceSource } from './source';

export const STATUS_ERROR = 2;

export interface TraceData {
  summary: TraceSummary;
  t: PackedTrace;
  self: Float64Array;
  /** ns on the critical path per row (0 for rows off it) */
  onPathNs: Float64Array;
  pathRows: number;
  /** rows by self time, largest first */
  bySelf: Int32Array;
  /** rows with error status or an exception event, depth-first */
  errorRows: number[];
}

const CACHE_SIZE = 4;

export class TraceCache {
  private readonly entries = new Map<string, TraceData>();

  constructor(private readonly source: TraceSource) {}

  /** The trace, or an AgentInputError the agent can act on when the receiver does not hold it. */
  async get(traceId: string): Promise<TraceData> {
    const id = checkTraceId(traceId);
    const summary = await this.source.summary(id);
    if (!summary) throw new AgentInputError(`no trace ${id} is stored (evicted, removed, or never received); list_traces shows what is there`);
    const hit = this.entries.get(id);
    if (hit && hit.summary.spanCount === summary.spanCount && hit.t.spanCount === summary.spanCount) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const bytes = await this.source.packedTrace(id);
    if (!bytes) throw new AgentInputError(`trace ${id} left the store while it was being read`);
    const data = analyse(summary, decodePackedTrace(bytes));
    this.entries.delete(id);
    this.entries.set(id, data);
    while (this.entries.size > CACHE_SIZE) this.entries.delete(this.entries.keys().next().value as string);
    return data;
  }
}

export function checkTraceId(id: unknown): string {
  if (typeof id !== 'string' || !/^[0-9a-fA-F]{1,64}$/.test(id)) throw new AgentInputError(`traceId must be a hex trace id as list_traces gives it, got ${JSON.stringify(typeof id === 'string' ? cap(id, 80) : id)}`);
  return id.toLowerCase();
}

export function checkSpanId(id: unknown): string {
  if (typeof id !== 'string' || !/^[0-9a-fA-F]{1,32}$/.test(id)) throw new AgentInputError(`spanId must be a hex span id as get_trace gives it, got ${JSON.stringify(typeof id === 'string' ? cap(id, 80) : id)}`);
  return id.toLowerCase();
}

function analyse(summary: TraceSummary, t: PackedTrace): TraceData {
  const n = t.spanCount;
  const self = selfTimes(t);
  const cp = criticalPath(t);
  const onPathNs = new Float64Array(n);
  for (const s of cp.segments) onPathNs[s.row] += s.to - s.from;
  let pathRows = 0;
  for (let r = 0; r < n; r++) pathRows += cp.onPath[r];
  const bySelf = new Int32Array(n);
  for (let r = 0; r < n; r++) bySelf[r] = r;
  bySelf.sort((a, b) => self[b] - self[a] || a - b);
  const errorRows: number[] = [];
  for (let r = 0; r < n; r++) if (t.status[r] === STATUS_ERROR || (t.bits[r] & SpanBit.HasException) !== 0) errorRows.push(r);
  return { summary, t, self, onPathNs, pathRows, bySelf, errorRows };
}

/** A row's name as a person reads it: "GET /cart" for a span named by its HTTP method alone. */
export function rowName(t: PackedTrace, r: number): string {
  const name = t.str(t.name[r]);
  const target = rowTarget(t, r);
  return target ? `${name} ${target}` : name;
}

/** The value of attribute `key` on row r (cut to the packed form's length), or undefined. */
export function rowAttr(t: PackedTrace, r: number, key: string): string | undefined {
  for (let a = 2 * t.attrStart[r], e = 2 * t.attrStart[r + 1]; a < e; a += 2) if (t.str(t.attrs[a]) === key) return t.str(t.attrs[a + 1]);
  return undefined;
}

/** The code location the span's own code.* attributes give (stack traces need the span's detail). */
export function rowLocation(t: PackedTrace, r: number): RawLocation | null {
  if ((t.bits[r] & SpanBit.HasLocation) === 0) return null;
  const flat: string[] = [];
  for (let a = 2 * t.attrStart[r], e = 2 * t.attrStart[r + 1]; a < e; a += 2) {
    const k = t.str(t.attrs[a]);
    if (k.startsWith('code.')) flat.push(k, t.str(t.attrs[a + 1]));
  }
  const c = readCodeAttrs(flat);
  if (!c || (!c.file && !c.function)) return null;
  const loc: RawLocation = { layer: c.file ? 'attributes' : 'name' };
  if (c.file) loc.file = c.file;
  if (c.line !== undefined) loc.line = c.line;
  if (c.column !== undefined) loc.column = c.column;
  if (c.function) loc.function = c.function;
  if (c.namespace) loc.namespace = c.namespace;
  return loc;
}

/** ms from the trace start */
export function rowStartMs(t: PackedTrace, r: number): number {
  return t.start[r] / 1e6;
}

export function rowDurationMs(t: PackedTrace, r: number): number {
  return Math.max(0, t.end[r] - t.start[r]) / 1e6;
}

/** Unix ms of a row's start */
export function rowUnixMs(t: PackedTrace, r: number): number {
  return t.epochSec * 1000 + (t.startOffsetNs + t.start[r]) / 1e6;
}
