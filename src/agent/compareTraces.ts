// compare_traces: two traces side by side — each one's summary as get_trace gives it (trimmed to fit one
// answer), and what differs at a glance: duration, span count, errors, services.
import { ANSWER_BUDGET, fit, round, type Answer } from './answer';
import { traceHeader, traceOverview } from './getTrace';
import type { AgentContext } from './source';
import type { TraceCache } from './traceData';

export interface CompareTracesInput {
  traceIdA: string;
  traceIdB: string;
}

function trimmed(overview: Record<string, unknown>, k: number): Record<string, unknown> {
  const cp = overview.criticalPath as { spans: number; top: unknown[] };
  return {
    criticalPath: { spans: cp.spans, top: cp.top.slice(0, k) },
    slowestBySelfTime: (overview.slowestBySelfTime as unknown[]).slice(0, k),
    errorSpans: (overview.errorSpans as unknown[]).slice(0, Math.min(k, 3)),
  };
}

export async function compareTraces(ctx: AgentContext, cache: TraceCache, input: CompareTracesInput): Promise<Answer> {
  const a = await cache.get(input.traceIdA);
  const b = await cache.get(input.traceIdB);
  const [ha, hb] = [await traceHeader(ctx, a), await traceHeader(ctx, b)];
  const [oa, ob] = [await traceOverview(ctx, a), await traceOverview(ctx, b)];
  const svcA = new Set(a.t.services.map((i) => a.t.str(i)));
  const svcB = new Set(b.t.services.map((i) => b.t.str(i)));
  const dDur = b.summary.durationMs - a.summary.durationMs;
  const differences = {
    durationMs: { a: round(a.summary.durationMs), b: round(b.summary.durationMs), delta: round(dDur), pct: a.summary.durationMs > 0 ? Math.round((dDur / a.summary.durationMs) * 100) : null },
    spans: { a: a.t.spanCount, b: b.t.spanCount },
    errorSpans: { a: a.errorRows.length, b: b.errorRows.length },
    servicesOnlyInA: [...svcA].filter((s) => !svcB.has(s)).slice(0, 10),
    servicesOnlyInB: [...svcB].filter((s) => !svcA.has(s)).slice(0, 10),
  };
  const build = (k: number): Answer => ({
    summary: `B took ${round(b.summary.durationMs)} ms vs A ${round(a.summary.durationMs)} ms (${dDur >= 0 ? '+' : ''}${round(dDur)} ms); spans ${a.t.spanCount} → ${b.t.spanCount}; error spans ${a.errorRows.length} → ${b.errorRows.length}. Side by side below; get_trace on either for more.`,
    data: { differences, a: { trace: ha, ...trimmed(oa, k) }, b: { trace: hb, ...trimmed(ob, k) } },
  });
  return fit(build, 8, ctx.budget ?? ANSWER_BUDGET).answer;
}
