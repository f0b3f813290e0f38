// compare_traces: two traces side by side, and the trace diff (src/diff/) between them — spans matched one
// to one, which got slower or faster by their own time, which were added or removed — so an agent can say
// what changed between a fast and a slow run of the same request.
import { diffTraces, traceFromOtlp, verdict, type TraceDiff } from '../diff';
import type { DiffRow, RowSide } from '../protocol/traceDiff';
import { ANSWER_BUDGET, cap, fit, q, round, type Answer } from './answer';
import { traceHeader, traceOverview } from './getTrace';
import { locationRef } from './places';
import type { AgentContext } from './source';
import type { TraceCache, TraceData } from './traceData';

export interface CompareTracesInput {
  traceIdA: string;
  traceIdB: string;
}

/** traces above this many spans are compared side by side only (the diff reads both whole as OTLP JSON) */
export const DIFF_MAX_SPANS = 20_000;

function trimmed(overview: Record<string, unknown>, k: number): Record<string, unknown> {
  const cp = overview.criticalPath as { spans: number; top: unknown[] };
  return {
    criticalPath: { spans: cp.spans, top: cp.top.slice(0, Math.min(k, 4)) },
    slowestBySelfTime: (overview.slowestBySelfTime as unknown[]).slice(0, Math.min(k, 4)),
    errorSpans: (overview.errorSpans as unknown[]).slice(0, Math.min(k, 2)),
  };
}

async function diffOf(ctx: AgentContext, a: TraceData, b: TraceData): Promise<TraceDiff | string> {
  if (a.t.spanCount > DIFF_MAX_SPANS || b.t.spanCount > DIFF_MAX_SPANS) return `not computed: over ${DIFF_MAX_SPANS} spans; compare them side by side, or use find_spans in each`;
  const [oa, ob] = [await ctx.source.trace(a.summary.traceId), await ctx.source.trace(b.summary.traceId)];
  if (!oa || !ob) return 'not computed: a trace left the store while it was read';
  return diffTraces(traceFromOtlp(oa, a.summary.traceId), traceFromOtlp(ob, b.summary.traceId));
}

function side(ctx: AgentContext, s: RowSide | undefined): Record<string, unknown> | undefined {
  if (!s) return undefined;
  const out: Record<string, unknown> = { spanId: s.spanId, durationMs: round(s.durationMs), selfMs: round(s.selfMs) };
  if (s.error) out.error = true;
  const loc = s.code?.file || s.code?.function ? locationRef(ctx, { file: s.code.file, line: s.code.line, function: s.code.function, layer: s.code.file ? 'attributes' : 'name' }) : undefined;
  if (loc?.at) out.at = loc.at;
  return out;
}

function change(ctx: AgentContext, r: DiffRow): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: r.kind, name: cap(r.name, 100), service: cap(r.service, 40) };
  if (r.selfDeltaMs !== undefined) out.selfDeltaMs = round(r.selfDeltaMs);
  if (r.deltaMs !== undefined) out.deltaMs = round(r.deltaMs);
  if (r.deltaPct !== undefined && r.deltaPct !== null) out.deltaPct = Math.round(r.deltaPct);
  const a = side(ctx, r.a);
  const b = side(ctx, r.b);
  if (a) out.a = a;
  if (b) out.b = b;
  return out;
}

export async function compareTraces(ctx: AgentContext, cache: TraceCache, input: CompareTracesInput): Promise<Answer> {
  const a = await cache.get(input.traceIdA);
  const b = await cache.get(input.traceIdB);
  const [ha, hb] = [traceHeader(a), traceHeader(b)];
  const [oa, ob] = [await traceOverview(ctx, a), await traceOverview(ctx, b)];
  const diff = await diffOf(ctx, a, b);
  const svcA = new Set(a.t.services.map((i) => a.t.str(i)));
  const svcB = new Set(b.t.services.map((i) => b.t.str(i)));
  const dDur = b.summary.durationMs - a.summary.durationMs;
  const differences = {
    durationMs: { a: round(a.summary.durationMs), b: round(b.summary.durationMs), delta: round(dDur), pct: a.summary.durationMs > 0 ? Math.round((dDur / a.summary.durationMs) * 100) : null },
    spans: { a: a.t.spanCount, b: b.t.spanCount },
    errorSpans: { a: a.errorRows.length, b: b.errorRows.length },
    servicesOnlyInA: [...svcA].filter((s) => !svcB.has(s)).slice(0, 10).map((s) => cap(s, 40)),
    servicesOnlyInB: [...svcB].filter((s) => !svcA.has(s)).slice(0, 10).map((s) => cap(s, 40)),
  };
  const v = typeof diff === 'string' ? undefined : verdict(diff);
  const structural = typeof diff === 'string' ? [] : diff.rows.filter((r) => r.kind !== 'matched');
  const build = (k: number): Answer => {
    let spanDiff: unknown = diff;
    if (typeof diff !== 'string') {
      spanDiff = {
        counts: diff.counts,
        structureDiffers: diff.structureDiffers,
        result: v!.exitCode === 0 ? 'same' : 'different',
        slowerByOwnTime: diff.regressions.slice(0, k).map((i) => change(ctx, diff.rows[i])),
        fasterByOwnTime: diff.improvements.slice(0, Math.ceil(k / 2)).map((i) => change(ctx, diff.rows[i])),
        addedRemovedRenamed: structural.slice(0, k).map((r) => change(ctx, r)),
      };
    }
    const lines = [`B took ${round(b.summary.durationMs)} ms vs A ${round(a.summary.durationMs)} ms (${dDur >= 0 ? '+' : ''}${round(dDur)} ms); spans ${a.t.spanCount} → ${b.t.spanCount}; error spans ${a.errorRows.length} → ${b.errorRows.length}.`];
    if (typeof diff !== 'string') {
      const c = diff.counts;
      const top = diff.regressions.length ? diff.rows[diff.regressions[0]] : undefined;
      lines.push(v!.exitCode === 0
        ? 'Span diff: the same structure, nothing notably slower.'
        : `Span diff: ${c.added} added, ${c.removed} removed, ${c.renamed} renamed, ${v!.regressed.length} slower by more than ${v!.thresholdPct} %${top ? `; most by its own time: ${q(top.name)} (${round(top.selfDeltaMs ?? 0) >= 0 ? '+' : ''}${round(top.selfDeltaMs ?? 0)} ms)` : ''}.`);
    }
    return {
      summary: lines.join('\n'),
      data: { differences, spanDiff, a: { trace: ha, ...trimmed(oa, k) }, b: { trace: hb, ...trimmed(ob, k) } },
    };
  };
  return fit(build, 10, ctx.budget ?? ANSWER_BUDGET).answer;
}
