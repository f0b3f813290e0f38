// What the trace diff reads of a span, and the two ways to get it: from the store's model spans
// (src/model/span.ts) or from OTLP JSON (what every importer in src/fixtures/ produces and what the
// receiver's API answers). Pure: no Node, no vscode.
import type { OtlpTracesData } from '../model/otlpJson';
import type { Span } from '../model/span';
import { EpochNs } from '../model/time';
import { readCodeAttrs } from '../protocol/codeAttrs';

export interface DiffSpan {
  spanId: string;
  /** '' for a root */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind 0..5 */
  kind: number;
  service: string;
  /** ns from any origin shared by the spans of one trace */
  start: number;
  end: number;
  error: boolean;
  /** where the span's code is, when its code.* attributes say */
  code?: { file?: string; line?: number; function?: string };
}

/** One side of a comparison. */
export interface DiffTrace {
  /** the trace id (the first one when a file holds several) or '' */
  traceId: string;
  spans: DiffSpan[];
}

function codeOf(attrs: ReadonlyArray<unknown>): DiffSpan['code'] {
  const c = readCodeAttrs(attrs);
  if (!c || (c.file === undefined && c.function === undefined)) return undefined;
  return { file: c.file, line: c.line, function: c.function };
}

/** Model spans (one trace, as the store keeps them) → a diff side. */
export function traceFromSpans(spans: readonly Span[]): DiffTrace {
  return {
    traceId: spans[0]?.traceId ?? '',
    spans: spans.map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      kind: s.kind,
      service: s.resource.serviceName,
      start: s.start,
      end: s.end,
      error: s.statusCode === 2,
      code: codeOf(s.attrs),
    })),
  };
}

/** Trace ids in an OTLP JSON document, in the order first seen. */
export function otlpTraceIds(data: OtlpTracesData): string[] {
  const seen = new Set<string>();
  for (const rs of data.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) seen.add(s.traceId);
  return [...seen];
}

/**
 * OTLP JSON → a diff side: the spans of `traceId`, or of every trace in it when none is given (a file with
 * one trace, or a fixture whose trace ids were rewritten). Times are exact ns from the first span's second.
 */
export function traceFromOtlp(data: OtlpTracesData, traceId?: string): DiffTrace {
  const spans: DiffSpan[] = [];
  let epoch: EpochNs | undefined;
  let firstTrace = '';
  for (const rs of data.resourceSpans) {
    let service = 'unknown_service';
    for (const kv of rs.resource?.attributes ?? []) {
      if (kv.key === 'service.name' && typeof kv.value?.stringValue === 'string') service = kv.value.stringValue;
    }
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        if (traceId !== undefined && s.traceId !== traceId) continue;
        firstTrace ||= s.traceId;
        const startText = String(s.startTimeUnixNano);
        epoch ??= new EpochNs(Number(startText.length > 9 ? startText.slice(0, -9) : '0'));
        const start = epoch.fromDecimal(startText);
        const end = epoch.fromDecimal(String(s.endTimeUnixNano));
        const flat: unknown[] = [];
        for (const kv of s.attributes ?? []) {
          if (!kv.key.startsWith('code.')) continue;
          const v = kv.value;
          flat.push(kv.key, v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : v?.doubleValue));
        }
        spans.push({
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          name: s.name,
          kind: s.kind ?? 0,
          service,
          start: Number.isFinite(start) ? start : 0,
          end: Number.isFinite(end) ? end : Number.isFinite(start) ? start : 0,
          error: s.status?.code === 2,
          code: flat.length ? codeOf(flat) : undefined,
        });
      }
    }
  }
  return { traceId: traceId ?? firstTrace, spans };
}
