// find_spans: spans across the stored traces (newest trace first) by name, service, attribute, status,
// duration or where their code is. Each call reads at most TRACE_SCAN_LIMIT traces; `nextCursor` carries on
// from the trace and row where it stopped, so an agent can keep searching without one call reading the store.
import { ANSWER_BUDGET, AgentInputError, cap, fit, round, type Answer } from './answer';
import { locationRef } from './places';
import type { AgentContext } from './source';
import { rowAttr, rowDurationMs, rowLocation, rowName, STATUS_ERROR, type TraceCache, type TraceData } from './traceData';
import { SpanBit } from '../protocol/packedTrace';
import { compareDecimal } from '../tracelist/traceListModel';

export interface FindSpansInput {
  name?: string;
  service?: string;
  attributes?: string[];
  errorsOnly?: boolean;
  minDurationMs?: number;
  file?: string;
  function?: string;
  traceId?: string;
  sinceMinutes?: number;
  limit?: number;
  cursor?: string;
}

export const TRACE_SCAN_LIMIT = 100;
export const FOUND_COLUMNS = ['traceId', 'spanId', 'name', 'service', 'durationMs', 'error', 'at'] as const;

interface Cursor {
  trace: number;
  row: number;
}

function parseFindCursor(c: string | undefined): Cursor {
  if (!c) return { trace: 0, row: 0 };
  const m = /^(\d{1,7})\.(\d{1,9})$/.exec(c);
  if (!m) throw new AgentInputError(`cursor must be a nextCursor from an earlier find_spans answer, got ${JSON.stringify(cap(c, 40))}`);
  return { trace: Number(m[1]), row: Number(m[2]) };
}

/** '/'-separated, lower case, no leading './' — for comparing paths as an agent and a span spell them */
function normPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').toLowerCase();
}

export async function findSpans(ctx: AgentContext, cache: TraceCache, input: FindSpansInput): Promise<Answer> {
  const now = ctx.now?.() ?? Date.now();
  const terms = (input.attributes ?? []).map((a) => {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new AgentInputError(`attribute ${JSON.stringify(cap(a, 80))} must be key=value (key= or key=* for any value)`);
    const v = a.slice(eq + 1).toLowerCase();
    return { key: a.slice(0, eq), value: v === '*' ? '' : v };
  });
  const name = input.name?.toLowerCase();
  const service = input.service?.toLowerCase();
  const file = input.file ? normPath(input.file) : undefined;
  const fileBase = file?.slice(file.lastIndexOf('/') + 1);
  const fn = input.function?.toLowerCase();
  const minNs = input.minDurationMs !== undefined ? input.minDurationMs * 1e6 : undefined;
  const sinceMs = input.sinceMinutes !== undefined ? now - input.sinceMinutes * 60_000 : undefined;
  if (!name && !service && !terms.length && !input.errorsOnly && minNs === undefined && !file && !fn && !input.traceId) {
    throw new AgentInputError('give at least one criterion (name, service, attributes, errorsOnly, minDurationMs, file, function or traceId)');
  }

  const traces = input.traceId ? [{ traceId: input.traceId }] : (await ctx.source.traces())
    .filter((s) => (!input.errorsOnly || s.errorCount > 0)
      && (minNs === undefined || s.durationMs * 1e6 >= minNs)
      && (sinceMs === undefined || s.startMs >= sinceMs)
      && (!service || s.services.some((x) => x.toLowerCase().includes(service))))
    .sort((a, b) => compareDecimal(b.startTimeUnixNano, a.startTimeUnixNano));
  const start = parseFindCursor(input.cursor);
  const limit = Math.min(input.limit ?? 50, 500);
  const end = Math.min(traces.length, start.trace + TRACE_SCAN_LIMIT);

  const matches = (d: TraceData, r: number): boolean => {
    const t = d.t;
    if (input.errorsOnly && t.status[r] !== STATUS_ERROR && (t.bits[r] & SpanBit.HasException) === 0) return false;
    if (minNs !== undefined && t.end[r] - t.start[r] < minNs) return false;
    if (service && !t.str(t.service[r]).toLowerCase().includes(service)) return false;
    if (name && !rowName(t, r).toLowerCase().includes(name)) return false;
    for (const term of terms) {
      const v = rowAttr(t, r, term.key);
      if (v === undefined || (term.value && !v.toLowerCase().includes(term.value))) return false;
    }
    if (file || fn) {
      const loc = rowLocation(t, r);
      if (!loc) return false;
      if (fn) {
        const full = (loc.namespace ? `${loc.namespace}.${loc.function ?? ''}` : loc.function ?? '').toLowerCase();
        if (!(full === fn || full.endsWith(`.${fn}`) || full.endsWith(`::${fn}`) || (loc.function ?? '').toLowerCase() === fn)) return false;
      }
      if (file) {
        if (!loc.file) return false;
        const raw = normPath(loc.file);
        if (raw.slice(raw.lastIndexOf('/') + 1) !== fileBase) return false;
        if (!(raw === file || raw.endsWith(`/${file}`) || normPath(ctx.place?.(loc) ?? '').startsWith(`${file}:`))) return false;
      }
    }
    return true;
  };

  const found: { d: TraceData; r: number }[] = [];
  let next: Cursor | undefined;
  let scannedTraces = 0;
  let scannedSpans = 0;
  outer: for (let i = start.trace; i < end; i++) {
    let d: TraceData;
    try {
      d = await cache.get(traces[i].traceId);
    } catch (e) {
      if (input.traceId) throw e;
      continue; // evicted since the list was read
    }
    scannedTraces++;
    for (let r = i === start.trace ? start.row : 0; r < d.t.spanCount; r++) {
      scannedSpans++;
      if (!matches(d, r)) continue;
      if (found.length === limit) {
        next = { trace: i, row: r };
        break outer;
      }
      found.push({ d, r });
    }
  }
  if (!next && end < traces.length) next = { trace: end, row: 0 };

  const rows: unknown[][] = [];
  const rowAt = (i: number): unknown[] => {
    if (rows[i]) return rows[i];
    const { d, r } = found[i];
    const t = d.t;
    return (rows[i] = [t.traceId, t.spanId(r), cap(rowName(t, r), 100), cap(t.str(t.service[r]), 40), round(rowDurationMs(t, r)), t.status[r] === STATUS_ERROR ? 1 : 0, locationRef(ctx, rowLocation(t, r))?.at ?? null]);
  };
  const build = (n: number): Answer => {
    const spans: unknown[][] = [];
    for (let i = 0; i < n; i++) spans.push(rowAt(i));
    const cursor = n < found.length ? `${traceIndexOf(found[n].d)}.${found[n].r}` : next ? `${next.trace}.${next.row}` : undefined;
    const data: Record<string, unknown> = { columns: FOUND_COLUMNS, spans, scanned: { traces: scannedTraces, spans: scannedSpans } };
    if (cursor) data.nextCursor = cursor;
    const summary = `${n} matching span${n === 1 ? '' : 's'} shown from ${scannedTraces} trace(s) read (${scannedSpans} spans checked)${cursor ? `; more may match: pass cursor "${cursor}"` : '; no more traces to read'}.`;
    return { summary, data };
  };
  const traceIndex = new Map<string, number>();
  traces.forEach((s, i) => traceIndex.set(s.traceId, i));
  const traceIndexOf = (d: TraceData): number => traceIndex.get(d.summary.traceId) ?? traceIndex.get(d.t.traceId) ?? 0;
  return fit(build, found.length, ctx.budget ?? ANSWER_BUDGET).answer;
}
