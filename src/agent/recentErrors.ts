// recent_errors: the exceptions of the newest failing traces, grouped by type and the place that threw
// (the first frame of the application's own code, else the span's code location), with counts and one
// trace each. Reads at most `maxTraces` traces and DETAIL_LIMIT spans in full per call, and says so.
import { firstUserFrame } from '../protocol/stackFrames';
import { compareDecimal } from '../tracelist/traceListModel';
import { ANSWER_BUDGET, cap, capLines, fit, q, type Answer } from './answer';
import { exceptionOf, topFrames } from './exceptions';
import { locationRef, placeRef, type PlaceRef } from './places';
import type { AgentContext } from './source';
import { rowLocation, rowName, rowUnixMs, type TraceCache } from './traceData';

export interface RecentErrorsInput {
  sinceMinutes?: number;
  service?: string;
  maxTraces?: number;
}

export const DETAIL_LIMIT = 300;

interface Group {
  type: string;
  message: string;
  where: PlaceRef;
  frames: PlaceRef[];
  count: number;
  traces: Set<string>;
  services: Set<string>;
  latestMs: number;
  exception: boolean;
  example: { traceId: string; spanId: string; span: string };
}

export async function recentErrors(ctx: AgentContext, cache: TraceCache, input: RecentErrorsInput): Promise<Answer> {
  const now = ctx.now?.() ?? Date.now();
  const since = input.sinceMinutes !== undefined ? now - input.sinceMinutes * 60_000 : undefined;
  const service = input.service?.toLowerCase();
  const maxTraces = Math.min(input.maxTraces ?? 50, 200);
  const failing = (await ctx.source.traces())
    .filter((s) => s.errorCount > 0 && (since === undefined || s.startMs >= since) && (!service || s.services.some((x) => x.toLowerCase().includes(service))))
    .sort((a, b) => compareDecimal(b.startTimeUnixNano, a.startTimeUnixNano));
  const groups = new Map<string, Group>();
  let tracesRead = 0;
  let spansRead = 0;
  let spansSkipped = 0;
  for (const s of failing.slice(0, maxTraces)) {
    let d;
    try {
      d = await cache.get(s.traceId);
    } catch {
      continue; // evicted since the list was read
    }
    tracesRead++;
    const t = d.t;
    for (const r of d.errorRows) {
      if (service && !t.str(t.service[r]).toLowerCase().includes(service)) continue;
      if (spansRead >= DETAIL_LIMIT) {
        spansSkipped++;
        continue;
      }
      spansRead++;
      const detail = await ctx.source.spanDetail(t.traceId, t.spanId(r));
      const ex = detail ? exceptionOf(detail.span) : undefined;
      const type = ex?.type ?? '(error status)';
      const thrown = ex?.stack ? firstUserFrame(ex.stack) : null;
      const where = thrown ? placeRef(ctx, thrown.file, thrown.line, thrown.function) : locationRef(ctx, rowLocation(t, r)) ?? {};
      const key = `${type}\u0000${where.at ?? where.rawAt ?? ''}\u0000${where.at || where.rawAt ? '' : where.fn ?? rowName(t, r)}`;
      let g = groups.get(key);
      const startMs = rowUnixMs(t, r);
      if (!g) {
        g = { type, exception: ex?.event === true, message: ex?.message ?? '', where, frames: topFrames(ctx, ex?.stack, 3), count: 0, traces: new Set(), services: new Set(), latestMs: -Infinity, example: { traceId: t.traceId, spanId: t.spanId(r), span: rowName(t, r) } };
        groups.set(key, g);
      }
      g.count++;
      g.traces.add(t.traceId);
      g.services.add(t.str(t.service[r]));
      if (startMs > g.latestMs) {
        g.latestMs = startMs;
        g.message = ex?.message ?? g.message;
        g.example = { traceId: t.traceId, spanId: t.spanId(r), span: rowName(t, r) };
      }
    }
  }
  // exceptions first (they say what was thrown and where), then spans that only have an error status
  const list = [...groups.values()].sort((a, b) => Number(b.exception) - Number(a.exception) || b.count - a.count || b.latestMs - a.latestMs);
  const build = (n: number): Answer => {
    const data: Record<string, unknown> = {
      groups: list.slice(0, n).map((g) => {
        const out: Record<string, unknown> = { type: cap(g.type, 120), message: capLines(g.message, 200), count: g.count, traces: g.traces.size, ...g.where };
        if (g.frames.length > 1) out.frames = g.frames;
        out.services = [...g.services].slice(0, 4).map((x) => cap(x, 40));
        out.latest = new Date(g.latestMs).toISOString();
        out.example = { traceId: g.example.traceId, spanId: g.example.spanId, span: cap(g.example.span, 100) };
        return out;
      }),
      read: { failingTraces: failing.length, tracesRead, errorSpansRead: spansRead, errorSpansNotRead: spansSkipped },
    };
    if (n < list.length) data.moreGroups = list.length - n;
    const top = list[0];
    const summary = list.length === 0
      ? `No failing spans in the ${failing.length === 0 ? 'stored traces' : `${tracesRead} newest failing traces`}${since !== undefined ? ` of the last ${input.sinceMinutes} min` : ''}.`
      : `${list.length} kind(s) of error in ${tracesRead} failing trace(s); most frequent: ${q(top.type)} ×${top.count}${top.where.at ? ` at ${top.where.at}` : ''}.${n < list.length ? ` ${n} shown.` : ''}`;
    return { summary, data };
  };
  return fit(build, list.length, ctx.budget ?? ANSWER_BUDGET).answer;
}
