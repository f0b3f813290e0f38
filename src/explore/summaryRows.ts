// Trace summaries as rows of the search page's columns (src/protocol/exploreColumns.ts): the root labelled
// as the trace list labels it. A store's columns are kept as its traces change (its change events), from the
// first time the page asks for them.
import type { TraceSummary } from '../protocol/api';
import type { ReceiverEvent } from '../protocol/api';
import { SummaryColumnsIndex } from './summaryColumnsIndex';

/** the summaries as one buffer, in their order (a new index: the reference the kept columns are checked against) */
export function encodeSummaries(summaries: readonly TraceSummary[]): Uint8Array {
  const index = new SummaryColumnsIndex();
  for (const s of summaries) index.upsert(s);
  return index.encode();
}

/** what the columns need of a store (TraceStore has these) */
export interface SummarySource {
  summaries(): TraceSummary[];
  onChange(fn: (e: ReceiverEvent) => void): () => void;
  /** emits the pending change events now */
  flush(): void;
  stats(): { traces: number };
}

const kept = new WeakMap<SummarySource, SummaryColumnsIndex>();

/**
 * The store's columns, up to date: filled from every summary on the first call, then changed by the store's
 * events (pending ones are emitted first). A count that disagrees with the store's (an event missed) fills
 * them again.
 */
export function columnsOf(store: SummarySource): SummaryColumnsIndex {
  let index = kept.get(store);
  if (!index) {
    const fresh = new SummaryColumnsIndex();
    index = fresh;
    kept.set(store, fresh);
    store.onChange((e) => {
      if (e.type === 'traces') {
        for (const id of e.removed) fresh.remove(id);
        for (const s of e.upserted) fresh.upsert(s);
      } else if (e.type === 'cleared') fresh.clear();
    });
    for (const s of store.summaries()) fresh.upsert(s);
  }
  store.flush();
  if (index.size !== store.stats().traces) {
    index.clear();
    for (const s of store.summaries()) index.upsert(s);
  }
  return index;
}
