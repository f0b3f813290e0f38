// A hook that follows what the store holds, span by span, for aggregates kept at ingest (the service map):
// told of every span stored, of every trace that leaves (evicted or removed: its spans, to take back what
// they added) and of a clear. Called synchronously; a failing observer never costs a span (the store counts
// the failure in hookErrors).
import type { Span } from '../model/span';
import type { EpochNs } from '../model/time';

export interface StoreObserver {
  /** `find` looks a span up by id among the trace's stored spans (the first one with that id) */
  spanAdded(span: Span, find: (spanId: string) => Span | undefined, epoch: EpochNs): void;
  traceDropped(traceId: string, spans: readonly Span[], epoch: EpochNs): void;
  cleared(): void;
}
