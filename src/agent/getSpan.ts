// get_span: one span in full as far as a budget allows — attributes, events (exceptions with their top
// application frames), linked logs, links, resource, and where its code is.
import type { AnyValue, KeyValue } from '../model/otlpJson';
import { SpanKindName } from '../model/otlpJson';
import { locationOfDetail } from '../source/fromDetail';
import { valueText } from '../tracelist/attributeMatch';
import { AgentInputError, ANSWER_BUDGET, cap, capLines, fit, q, round, type Answer } from './answer';
import { exceptionEntry, exceptionOf } from './exceptions';
import { locationRef } from './places';
import type { AgentContext } from './source';
import { checkSpanId, checkTraceId } from './traceData';

export interface GetSpanInput {
  traceId: string;
  spanId: string;
}

const nsToMs = (a: string, b: string): number => {
  try {
    return Number(BigInt(b) - BigInt(a)) / 1e6;
  } catch {
    return 0;
  }
};

const unixMs = (ns: string | undefined): string | undefined => {
  try {
    return ns ? new Date(Number(BigInt(ns) / 1_000_000n)).toISOString() : undefined;
  } catch {
    return undefined;
  }
};

function attrs(list: KeyValue[] | undefined, max: number, valueChars: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (list ?? []).slice(0, max)) out[cap(kv.key, 80)] = capLines(valueText(kv.value as AnyValue), valueChars);
  return out;
}

export async function getSpan(ctx: AgentContext, input: GetSpanInput): Promise<Answer> {
  const traceId = checkTraceId(input.traceId);
  const spanId = checkSpanId(input.spanId);
  const d = await ctx.source.spanDetail(traceId, spanId);
  if (!d) throw new AgentInputError(`no span ${spanId} in a stored trace ${traceId}; get_trace lists the trace's spans`);
  const s = d.span;
  const loc = locationRef(ctx, locationOfDetail(d));
  const ex = exceptionOf(s);
  // levels trade detail for size: more attributes and longer values first, fewer when the span is big
  const LEVELS = [
    { attrs: 8, chars: 80, events: 3, logs: 2, links: 2 },
    { attrs: 20, chars: 160, events: 6, logs: 4, links: 4 },
    { attrs: 40, chars: 300, events: 12, logs: 8, links: 8 },
    { attrs: 80, chars: 600, events: 24, logs: 16, links: 16 },
  ];
  const build = (level: number): Answer => {
    const L = LEVELS[level];
    const data: Record<string, unknown> = {
      traceId,
      spanId,
      parentSpanId: s.parentSpanId || null,
      name: cap(s.name, 160),
      service: cap(d.serviceName, 60),
      kind: SpanKindName[s.kind] ?? String(s.kind),
      startedAt: unixMs(s.startTimeUnixNano),
      durationMs: round(nsToMs(s.startTimeUnixNano, s.endTimeUnixNano)),
      status: s.status?.code === 2 ? 'ERROR' : s.status?.code === 1 ? 'OK' : 'UNSET',
    };
    if (s.status?.message) data.statusMessage = capLines(s.status.message, 300);
    if (loc) data.code = loc;
    if (ex) data.exception = exceptionEntry(ctx, ex, 5);
    data.attributes = attrs(s.attributes, L.attrs, L.chars);
    if ((s.attributes?.length ?? 0) > L.attrs) data.moreAttributes = s.attributes.length - L.attrs;
    const evs = s.events ?? [];
    if (evs.length) {
      data.events = evs.slice(0, L.events).map((e) => ({
        name: cap(e.name, 80),
        at: unixMs(e.timeUnixNano),
        attributes: attrs(e.attributes.filter((a) => a.key !== 'exception.stacktrace'), L.attrs / 2, L.chars),
      }));
      if (evs.length > L.events) data.moreEvents = evs.length - L.events;
    }
    if (d.logs.length) {
      data.logs = d.logs.slice(0, L.logs).map((l) => ({
        at: unixMs(l.timeUnixNano ?? l.observedTimeUnixNano),
        severity: cap(l.severityText ?? (l.severityNumber !== undefined ? String(l.severityNumber) : ''), 20),
        body: capLines(valueText(l.body), L.chars),
      }));
      if (d.logs.length > L.logs) data.moreLogs = d.logs.length - L.logs;
    }
    const links = s.links ?? [];
    if (links.length) {
      data.links = links.slice(0, L.links).map((k) => ({ traceId: cap(k.traceId, 40), spanId: cap(k.spanId, 20), attributes: attrs(k.attributes, 4, 80) }));
      if (links.length > L.links) data.moreLinks = links.length - L.links;
    }
    data.resource = attrs(d.resource?.attributes?.filter((a) => /^(service\.|deployment\.|host\.name|process\.runtime\.name|telemetry\.sdk\.language)/.test(a.key)), 10, 120);
    const where = loc?.at ? ` at ${loc.at}` : '';
    const summary = `Span ${q(s.name)} (${cap(d.serviceName, 40) ? q(d.serviceName, 40) : 'no service'}) ${data.status}, ${data.durationMs} ms${where}${ex ? `; threw ${q(ex.type)}: ${q(ex.message, 120)}` : ''}.`;
    return { summary, data };
  };
  return fit(build, LEVELS.length - 1, ctx.budget ?? ANSWER_BUDGET).answer;
}
