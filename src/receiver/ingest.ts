// One decoded export request into the store: the part OTLP/HTTP and OTLP/gRPC share. Decoding errors
// (OtlpDecodeError) propagate to the transport, which answers 400 / INVALID_ARGUMENT; nothing from a
// request that fails to decode reaches the store (decoders finish before anything is added).
import type { TraceStore } from '../store/traceStore';
import { checkMetrics, decodeLogs, decodeTraces } from '../otlp/protoDecode';
import { checkMetricsJson, decodeLogsJson, decodeTracesJson } from '../otlp/jsonDecode';
import type { Encoding, Signal } from '../otlp/responses';

export interface IngestResult {
  /** items refused (partial_success) */
  rejected: number;
  /** why, for partial_success.error_message ('' when all were accepted) */
  message: string;
  /** items accepted */
  accepted: number;
}

export interface IngestCounters {
  spans: number;
  logs: number;
  dataPoints: number;
  requests: number;
  rejectedSpans: number;
  badRequests: number;
}

export function newCounters(): IngestCounters {
  return { spans: 0, logs: 0, dataPoints: 0, requests: 0, rejectedSpans: 0, badRequests: 0 };
}

export function ingest(store: TraceStore, signal: Signal, encoding: Encoding, body: Uint8Array, counters: IngestCounters): IngestResult {
  counters.requests++;
  if (signal === 'traces') {
    const batch = encoding === 'protobuf' ? decodeTraces(body, store.epoch) : decodeTracesJson(body, store.epoch);
    const r = batch.spans.length ? store.addSpans(batch.spans, { kind: 'otlp' }, { encoding, body }) : { added: 0, duplicates: 0, traceIds: [] };
    counters.spans += r.added;
    counters.rejectedSpans += batch.rejected;
    let message = batch.rejected ? `${batch.rejected} span(s) rejected: ${batch.rejectReasons.join('; ')}` : '';
    // exact re-sends are accepted (a retry succeeded) but mentioned, so a user debugging an exporter sees it
    if (r.duplicates) message = `${message ? `${message}; ` : ''}${r.duplicates} span(s) were exact re-sends of stored spans and were ignored`;
    const evicted = r.evicted ?? 0;
    if (evicted) {
      // stored, then dropped with their whole traces at once: for the exporter, spans the server did not keep
      message = `${message ? `${message}; ` : ''}${evicted} span(s) were not kept: the traces they belong to are over the store's ` +
        `limits on their own (at most ${store.maxSpans} spans, ~${Math.round(store.maxBytes / 1024 / 1024)} MiB; ` +
        'traceExplorer.store.maxSpans / maxMemoryMB, or --max-spans / --max-bytes)';
    }
    const refused = r.refused ?? 0;
    if (refused) {
      message = `${message ? `${message}; ` : ''}${refused} span(s) were not kept: their trace holds half the store's limits on its own ` +
        `(the store holds at most ${store.maxSpans} spans, ~${Math.round(store.maxBytes / 1024 / 1024)} MiB); its earlier spans and the other traces stay ` +
        '(traceExplorer.store.maxSpans / maxMemoryMB or traceExplorer.store.persist, or --max-spans / --max-bytes / --store)';
    }
    return { rejected: batch.rejected + evicted + refused, message, accepted: r.added - evicted };
  }
  if (signal === 'logs') {
    const batch = encoding === 'protobuf' ? decodeLogs(body, store.epoch) : decodeLogsJson(body, store.epoch);
    if (batch.logs.length) store.addLogs(batch.logs, { encoding, body });
    counters.logs += batch.logs.length;
    return { rejected: batch.rejected, message: batch.rejectReasons.join('; '), accepted: batch.logs.length };
  }
  const m = encoding === 'protobuf' ? checkMetrics(body) : checkMetricsJson(body);
  counters.dataPoints += m.dataPoints;
  return { rejected: 0, message: '', accepted: m.dataPoints };
}
