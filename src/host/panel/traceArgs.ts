// Arguments of traceExplorer.openTrace, from the trace list (an id or a summary), links, code lenses,
// other features ({traceId, spanId}) or text the user typed.

const TRACE_ID = /^[0-9a-f]{16,32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** a trace id in canonical form (lowercase hex), or undefined; accepts pasted text with quotes/spaces */
export function normalizeTraceId(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim().replace(/^["'`]|["'`]$/g, '').trim().toLowerCase();
  return TRACE_ID.test(s) ? s : undefined;
}

export function normalizeSpanId(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  return SPAN_ID.test(s) ? s : undefined;
}

export interface OpenTraceArgs {
  traceId?: string;
  spanId?: string;
  /** something was passed but it is not a trace id: the caller reports it */
  invalid?: string;
}

export function parseOpenTraceArgs(arg?: unknown, spanArg?: unknown): OpenTraceArgs {
  let spanId = normalizeSpanId(spanArg);
  if (arg === undefined || arg === null) return { spanId };
  let raw: unknown = arg;
  if (typeof arg === 'object') {
    const o = arg as { traceId?: unknown; spanId?: unknown };
    raw = o.traceId;
    spanId = spanId ?? normalizeSpanId(o.spanId);
  }
  const traceId = normalizeTraceId(raw);
  if (!traceId) return { invalid: typeof raw === 'string' ? raw.slice(0, 80) : typeof raw };
  return { traceId, spanId };
}
