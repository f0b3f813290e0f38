// Trace summaries as rows of the search page's columns (src/protocol/exploreColumns.ts): the root labelled
// as the trace list labels it.
import type { TraceSummary } from '../protocol/api';
import { ROW_FILE, ROW_INCOMPLETE, ROW_PINNED, encodeSummaryColumns } from '../protocol/exploreColumns';
import { isIncomplete, rootLabel } from '../tracelist/format';

/** the summaries (newest first, as the store lists them) as columns */
export function encodeSummaries(summaries: readonly TraceSummary[]): Uint8Array {
  return encodeSummaryColumns(summaries.length, (i, r) => {
    const s = summaries[i];
    r.traceId = s.traceId;
    r.label = rootLabel(s);
    r.rootService = s.rootService;
    r.services = s.services;
    r.spanCount = s.spanCount;
    r.errorCount = s.errorCount;
    r.startMs = s.startMs;
    r.durationMs = s.durationMs;
    r.flags = (s.pinned ? ROW_PINNED : 0) | (isIncomplete(s) ? ROW_INCOMPLETE : 0) | (s.source === 'file' ? ROW_FILE : 0);
  });
}
