// Trace summaries as rows of the search page's columns (src/protocol/exploreColumns.ts): the root labelled
// as the trace list labels it.
import type { TraceSummary } from '../protocol/api';
import { ROW_FILE, ROW_INCOMPLETE, ROW_PINNED, encodeSummaryColumns } from '../protocol/exploreColumns';
import { isIncomplete, rootLabel } from '../tracelist/format';

/** the summaries (newest first, as the store lists them) as columns */
export function encodeSummaries(summaries: readonly TraceSummary[]): Uint8Array {
  // one label string per root name and target: the encoder's string table then looks up a string it has
  // hashed before, not a new concatenation per trace
  const labels = new Map<string, Map<string | undefined, string>>();
  const labelOf = (s: TraceSummary): string => {
    let m = labels.get(s.rootName);
    if (!m) labels.set(s.rootName, (m = new Map()));
    let l = m.get(s.rootTarget);
    if (l === undefined) m.set(s.rootTarget, (l = rootLabel(s)));
    return l;
  };
  return encodeSummaryColumns(summaries.length, (i, r) => {
    const s = summaries[i];
    r.traceId = s.traceId;
    r.label = labelOf(s);
    r.rootService = s.rootService;
    r.services = s.services;
    r.spanCount = s.spanCount;
    r.errorCount = s.errorCount;
    r.startMs = s.startMs;
    r.durationMs = s.durationMs;
    r.flags = (s.pinned ? ROW_PINNED : 0) | (isIncomplete(s) ? ROW_INCOMPLETE : 0) | (s.source === 'file' ? ROW_FILE : 0);
  });
}
