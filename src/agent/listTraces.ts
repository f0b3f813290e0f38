// list_traces: the stored traces an agent asks for, newest or slowest first, with the trace list's own filter
// language (src/tracelist/filter.ts) plus plain fields for what a model fills in most often.
import type { TraceSummary } from '../protocol/api';
import { traceMatchesAttributes } from '../tracelist/attributeMatch';
import { matchesSummary, parseFilter, type AttributeTerm } from '../tracelist/filter';
import { rootLabel } from '../tracelist/format';
import { compareDecimal } from '../tracelist/traceListModel';
import { AgentInputError, ANSWER_BUDGET, cap, fit, parseCursor, q, round, type Answer } from './answer';
import type { AgentContext } from './source';

export interface ListTracesInput {
  filter?: string;
  service?: string;
  operation?: string;
  errorsOnly?: boolean;
  minDurationMs?: number;
  sinceMinutes?: number;
  attributes?: string[];
  sort?: 'newest' | 'slowest';
  limit?: number;
  cursor?: string;
}

/** traces fetched whole to answer attribute terms (summaries carry no attributes) */
export const ATTRIBUTE_SCAN_LIMIT = 200;

export function traceItem(s: TraceSummary, now: number): Record<string, unknown> {
  const item: Record<string, unknown> = {
    traceId: s.traceId,
    root: cap(rootLabel(s) || '(root span not received)', 120),
    service: cap(s.rootService, 60),
    durationMs: round(s.durationMs),
    spans: s.spanCount,
    errors: s.errorCount,
    startedAt: new Date(s.startMs).toISOString(),
    agoS: Math.max(0, Math.round((now - s.startMs) / 1000)),
  };
  if (s.services.length > 1) item.services = s.services.slice(0, 6).map((x) => cap(x, 40));
  if (s.brokenParents > 0) item.incomplete = true;
  return item;
}

export async function listTraces(ctx: AgentContext, input: ListTracesInput): Promise<Answer> {
  const now = ctx.now?.() ?? Date.now();
  const filter = parseFilter(input.filter ?? '');
  if (filter.errors.length) throw new AgentInputError(`filter not understood: ${filter.errors.join('; ')}`);
  const attributes: AttributeTerm[] = [...filter.attributes];
  for (const a of input.attributes ?? []) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new AgentInputError(`attribute ${JSON.stringify(cap(a, 80))} must be key=value (key= or key=* for any value)`);
    attributes.push({ key: a.slice(0, eq), value: a.slice(eq + 1) });
  }
  const service = input.service?.toLowerCase();
  const operation = input.operation?.toLowerCase();
  const sinceMs = input.sinceMinutes !== undefined ? now - input.sinceMinutes * 60_000 : undefined;
  const all = await ctx.source.traces();
  let list = all.filter((s) => {
    if (!matchesSummary(filter, s)) return false;
    if (service && !s.services.some((x) => x.toLowerCase().includes(service)) && !s.rootService.toLowerCase().includes(service)) return false;
    if (operation && !rootLabel(s).toLowerCase().includes(operation)) return false;
    if (input.errorsOnly && s.errorCount === 0) return false;
    if (input.minDurationMs !== undefined && s.durationMs < input.minDurationMs) return false;
    if (sinceMs !== undefined && s.startMs < sinceMs) return false;
    return true;
  });
  const sort = input.sort ?? 'newest';
  list.sort(sort === 'slowest'
    ? (a, b) => compareDecimal(b.durationNano, a.durationNano) || compareDecimal(b.startTimeUnixNano, a.startTimeUnixNano)
    : (a, b) => compareDecimal(b.startTimeUnixNano, a.startTimeUnixNano));
  const offset = parseCursor(input.cursor);
  const limit = input.limit ?? 20;
  let scan: Record<string, unknown> | undefined;
  let total: number | string = list.length;
  if (attributes.length) {
    // fetched one by one, newest (or slowest) first, until the page is full or the scan limit is reached
    const matched: TraceSummary[] = [];
    let checked = 0;
    for (const s of list) {
      if (matched.length >= offset + limit + 1 || checked >= ATTRIBUTE_SCAN_LIMIT) break;
      checked++;
      const whole = await ctx.source.trace(s.traceId);
      if (whole && traceMatchesAttributes(whole, attributes)) matched.push(s);
    }
    const capped = checked < list.length && matched.length < offset + limit + 1;
    scan = { tracesChecked: checked, candidates: list.length, capped };
    total = capped || matched.length > offset + limit ? `${matched.length}+` : matched.length;
    list = matched;
  }
  const page = list.slice(offset, offset + limit);
  const build = (n: number): Answer => {
    const items = page.slice(0, n).map((s) => traceItem(s, now));
    const more = offset + n < list.length;
    const data: Record<string, unknown> = { total, sort, traces: items };
    if (more) data.nextCursor = String(offset + n);
    if (scan) data.attributeScan = scan;
    const first = items[0] as { root?: string } | undefined;
    const summary = items.length === 0
      ? `No stored trace matches${offset ? ' past this cursor' : ''} (${all.length} stored).`
      : `${total} trace${total === 1 ? '' : 's'} match; ${items.length} shown (${offset + 1}–${offset + items.length}), ${sort} first${first ? `; first: ${q(first.root)}` : ''}.${more ? ' Pass nextCursor for more.' : ''}`;
    return { summary, data };
  };
  return fit(build, page.length, ctx.budget ?? ANSWER_BUDGET).answer;
}
