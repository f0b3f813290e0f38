// A span as the query API answers it (SpanDetail: OTLP JSON span + linked log records) back into the model,
// so the window computes its location signal with the very same code the receiver uses at ingest.
import { decodeLogsJson, decodeTracesObject } from '../otlp/jsonDecode';
import type { LogRecord, Span } from '../model/span';
import { EpochNs } from '../model/time';
import type { SpanDetail } from '../protocol/api';
import { locationSignal, type RawLocation } from './signal';

export function spanFromDetail(d: SpanDetail, epoch: EpochNs = EpochNs.now()): { span: Span; logs: LogRecord[] } | null {
  const batch = decodeTracesObject({ resourceSpans: [{ resource: d.resource, scopeSpans: [{ scope: d.scope, spans: [d.span] }] }] }, epoch);
  const span = batch.spans[0];
  if (!span) return null;
  let logs: LogRecord[] = [];
  if (d.logs && d.logs.length > 0) {
    try {
      logs = decodeLogsJson(JSON.stringify({ resourceLogs: [{ resource: d.resource, scopeLogs: [{ scope: d.scope, logRecords: d.logs }] }] }), epoch).logs;
    } catch {
      logs = []; // a malformed log record must not hide the span's own location
    }
  }
  return { span, logs };
}

/** The raw location of a span detail, or null (no signal). */
export function locationOfDetail(d: SpanDetail): RawLocation | null {
  const s = spanFromDetail(d);
  return s ? locationSignal(s.span, s.logs) : null;
}
