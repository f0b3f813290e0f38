// get_trace: one trace as a summary an agent can act on — root, services, size, the critical path, the spans
// with the most self time, the errors with their messages and top application frames — then its spans as a
// table, depth-first, a page at a time (`cursor` = the row to start at), so a 100k-span trace is read whole
// only by an agent that keeps asking.
import { rootLabel } from '../tracelist/format';
import { ANSWER_BUDGET, AgentInputError, cap, fit, parseCursor, q, round, type Answer } from './answer';
import { exceptionEntry, exceptionOf } from './exceptions';
import { locationRef } from './places';
import type { AgentContext } from './source';
import { rowDurationMs, rowLocation, rowName, rowStartMs, STATUS_ERROR, type TraceCache, type TraceData } from './traceData';

export interface GetTraceInput {
  traceId: string;
  cursor?: string;
  limit?: number;
}

export const SPAN_COLUMNS = ['row', 'parentRow', 'spanId', 'name', 'service', 'startMs', 'durationMs', 'selfMs', 'error', 'at'] as const;
const MAX_PAGE = 2000;
const ERRORS_DETAILED = 5;

/** One span as a row of the spans table (SPAN_COLUMNS). */
export function spanRow(ctx: AgentContext, d: TraceData, r: number): unknown[] {
  const t = d.t;
  const loc = locationRef(ctx, rowLocation(t, r));
  return [
    r,
    t.parent[r],
    t.spanId(r),
    cap(rowName(t, r), 100),
    cap(t.str(t.service[r]), 40),
    round(rowStartMs(t, r)),
    round(rowDurationMs(t, r)),
    round(d.self[r] / 1e6),
    t.status[r] === STATUS_ERROR ? 1 : 0,
    loc?.at ?? null,
  ];
}

/** A span named in a list of the summary: id, name, service, where. */
function spanRef(ctx: AgentContext, d: TraceData, r: number, extra: Record<string, unknown>): Record<string, unknown> {
  const t = d.t;
  const out: Record<string, unknown> = { spanId: t.spanId(r), name: cap(rowName(t, r), 100), service: cap(t.str(t.service[r]), 40), ...extra };
  const loc = locationRef(ctx, rowLocation(t, r));
  if (loc) Object.assign(out, loc);
  return out;
}

export function traceHeader(d: TraceData): Record<string, unknown> {
  const t = d.t;
  const s = d.summary;
  const services: string[] = t.services.slice(0, 12).map((i) => cap(t.str(i), 40));
  const header: Record<string, unknown> = {
    traceId: s.traceId,
    root: cap(rootLabel(s) || '(root span not received)', 120),
    rootService: cap(s.rootService, 40),
    services,
    spans: t.spanCount,
    errors: d.errorRows.length,
    durationMs: round(s.durationMs),
    startedAt: new Date(s.startMs).toISOString(),
  };
  if (t.services.length > services.length) header.moreServices = t.services.length - services.length;
  if (s.brokenParents > 0) header.incomplete = `${s.brokenParents} span(s) name a parent that is not stored: the root and duration may be provisional`;
  return header;
}

export async function traceOverview(ctx: AgentContext, d: TraceData): Promise<Record<string, unknown>> {
  const t = d.t;
  // the path's biggest contributors: what to make faster to make the trace faster
  const onPath: number[] = [];
  for (let r = 0; r < t.spanCount; r++) if (d.onPathNs[r] > 0) onPath.push(r);
  onPath.sort((a, b) => d.onPathNs[b] - d.onPathNs[a]);
  const critical = {
    spans: d.pathRows,
    top: onPath.slice(0, 6).map((r) => spanRef(ctx, d, r, { onPathMs: round(d.onPathNs[r] / 1e6) })),
  };
  const slowest: Record<string, unknown>[] = [];
  for (let i = 0; i < Math.min(8, t.spanCount); i++) {
    const r = d.bySelf[i];
    slowest.push(spanRef(ctx, d, r, { selfMs: round(d.self[r] / 1e6), durationMs: round(rowDurationMs(t, r)) }));
  }
  const errors: Record<string, unknown>[] = [];
  for (const r of d.errorRows.slice(0, ERRORS_DETAILED)) {
    const entry = spanRef(ctx, d, r, {});
    const detail = await ctx.source.spanDetail(t.traceId, t.spanId(r));
    const ex = detail ? exceptionOf(detail.span) : undefined;
    if (ex) Object.assign(entry, exceptionEntry(ctx, ex));
    errors.push(entry);
  }
  const out: Record<string, unknown> = { criticalPath: critical, slowestBySelfTime: slowest, errorSpans: errors };
  if (d.errorRows.length > errors.length) out.moreErrorSpans = d.errorRows.length - errors.length;
  return out;
}

export async function getTrace(ctx: AgentContext, cache: TraceCache, input: GetTraceInput): Promise<Answer> {
  const d = await cache.get(input.traceId);
  const t = d.t;
  const from = parseCursor(input.cursor);
  if (from > 0 && from >= t.spanCount) throw new AgentInputError(`cursor ${from} is past the trace's ${t.spanCount} spans`);
  const limit = Math.min(input.limit ?? MAX_PAGE, MAX_PAGE);
  const header = traceHeader(d);
  const overview = from === 0 ? await traceOverview(ctx, d) : undefined;
  const rows: unknown[][] = [];
  const rowAt = (i: number): unknown[] => (rows[i] ??= spanRow(ctx, d, from + i));
  const build = (n: number): Answer => {
    const spans: unknown[][] = [];
    for (let i = 0; i < n; i++) spans.push(rowAt(i));
    const next = from + n < t.spanCount ? String(from + n) : undefined;
    const data: Record<string, unknown> = { trace: header };
    if (overview) Object.assign(data, overview);
    data.spanColumns = SPAN_COLUMNS;
    data.spans = spans;
    if (next) data.nextCursor = next;
    const lines = [
      from === 0
        ? `Trace ${d.summary.traceId}: ${q(header.root)} in ${q(header.rootService, 40)}, ${round(d.summary.durationMs)} ms, ${t.spanCount} spans, ${d.errorRows.length} with errors, ${t.services.length} service(s).`
        : `Trace ${d.summary.traceId}, spans ${from}–${from + n - 1} of ${t.spanCount} (depth-first; parentRow -1 = a root).`,
    ];
    if (next) lines.push(`Spans shown: ${n}; pass cursor "${next}" for the next page. get_span gives one span in full.`);
    return { summary: lines.join('\n'), data };
  };
  // a table row takes 40 characters at the least: no page can hold more than budget / 40 rows
  const budget = ctx.budget ?? ANSWER_BUDGET;
  return fit(build, Math.min(limit, t.spanCount - from, Math.ceil(budget / 40)), budget).answer;
}
