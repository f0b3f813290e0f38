// code_stats: what the code lenses show, for a file or a function — calls, p50/p95, errors and the latest
// failing trace per code location — from the receiver's location index (GET /api/locations).
import type { LocationStats, LocationsResponse } from '../protocol/api';
import { ANSWER_BUDGET, AgentInputError, cap, capLines, fit, q, round, type Answer } from './answer';
import { locationRef, placeRef } from './places';
import type { AgentContext } from './source';
import type { RawLocation } from '../source/signal';

export interface CodeStatsInput {
  file?: string;
  function?: string;
  line?: number;
  sinceMinutes?: number;
}

const norm = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '').toLowerCase();

function rawOf(s: LocationStats): RawLocation {
  const loc: RawLocation = { layer: s.layer };
  if (s.file !== undefined) loc.file = s.file;
  if (s.line !== undefined) loc.line = s.line;
  if (s.column !== undefined) loc.column = s.column;
  if (s.function !== undefined) loc.function = s.function;
  if (s.namespace !== undefined) loc.namespace = s.namespace;
  return loc;
}

export async function codeStats(ctx: AgentContext, input: CodeStatsInput): Promise<Answer> {
  if (!input.file && !input.function) throw new AgentInputError('give a file (workspace-relative path) or a function name');
  const now = ctx.now?.() ?? Date.now();
  const since = input.sinceMinutes !== undefined ? now - input.sinceMinutes * 60_000 : undefined;
  const res = await ctx.source.locations<LocationsResponse>(since);
  const file = input.file ? norm(input.file) : undefined;
  const fn = input.function?.toLowerCase();
  const hits: { s: LocationStats; at?: string }[] = [];
  for (const s of res.locations) {
    if (fn) {
      const full = (s.namespace ? `${s.namespace}.${s.function ?? ''}` : s.function ?? '').toLowerCase();
      if (!(full === fn || full.endsWith(`.${fn}`) || full.endsWith(`::${fn}`) || (s.function ?? '').toLowerCase() === fn)) continue;
    }
    const at = ctx.place?.(rawOf(s));
    if (file) {
      const raw = s.file ? norm(s.file) : '';
      const inFile = (at !== undefined && norm(at).startsWith(`${file}:`)) || raw === file || raw.endsWith(`/${file}`);
      if (!inFile) continue;
    }
    if (input.line !== undefined && s.line !== input.line && !(at && at.endsWith(`:${input.line}`))) continue;
    hits.push({ s, at });
  }
  hits.sort((a, b) => (a.s.line ?? 0) - (b.s.line ?? 0) || b.s.calls - a.s.calls);
  let calls = 0;
  let errors = 0;
  for (const h of hits) {
    calls += h.s.calls;
    errors += h.s.errors;
  }
  const window = res.windowStartMs === null ? 'everything stored' : `since ${new Date(res.windowStartMs).toISOString()}`;
  const entry = (h: { s: LocationStats; at?: string }): Record<string, unknown> => {
    const s = h.s;
    const out: Record<string, unknown> = { ...(locationRef(ctx, rawOf(s)) ?? {}) };
    Object.assign(out, {
      calls: s.calls,
      errors: s.errors,
      p50Ms: round(s.p50Ms),
      p95Ms: round(s.p95Ms),
      maxMs: round(s.maxMs),
      services: s.services.slice(0, 4).map((x) => cap(x, 40)),
    });
    if (s.operations?.length) out.operations = s.operations.slice(0, 4).map((o) => cap(o, 80));
    if (s.slowest) out.slowestTrace = { traceId: s.slowest.traceId, spanId: s.slowest.spanId, durationMs: round(s.slowest.durationMs) };
    if (s.latestError) out.latestFailingTrace = { traceId: s.latestError.traceId, spanId: s.latestError.spanId, at: new Date(s.latestError.startMs).toISOString() };
    if (s.lastError) {
      const le = s.lastError;
      out.lastError = { type: cap(le.type, 120), message: capLines(le.message, 200), ...(le.throwFrame ? { thrownAt: placeRef(ctx, le.throwFrame.file, le.throwFrame.line, le.throwFrame.function) } : {}) };
    }
    return out;
  };
  const build = (n: number): Answer => {
    const data: Record<string, unknown> = { window, totals: { locations: hits.length, calls, errors }, locations: hits.slice(0, n).map(entry) };
    if (n < hits.length) data.moreLocations = hits.length - n;
    const what = [input.file ? q(input.file) : '', input.function ? `function ${q(input.function)}` : ''].filter(Boolean).join(' ');
    const summary = hits.length === 0
      ? `No calls recorded for ${what} (${window}). Spans carry code locations when the app runs traced (trace-explorer run, or the editor's Run and Debug).`
      : `${what}: ${hits.length} code location(s), ${calls} calls, ${errors} errors (${window}).${n < hits.length ? ` ${n} shown; narrow with line.` : ''}`;
    return { summary, data };
  };
  return fit(build, hits.length, ctx.budget ?? ANSWER_BUDGET).answer;
}
