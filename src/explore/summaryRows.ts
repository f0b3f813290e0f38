// Trace summaries as rows of the search page's columns (src/protocol/exploreColumns.ts): the root labelled
// as the trace list labels it.
import type { TraceSummary } from '../protocol/api';
import { ROW_FILE, ROW_INCOMPLETE, ROW_PINNED, encodeSummaryColumns, type ColumnRow } from '../protocol/exploreColumns';
import { isIncomplete, rootLabel } from '../tracelist/format';

export function summaryRow(s: TraceSummary): ColumnRow {
  return {
    traceId: s.traceId,
    label: rootLabel(s),
    rootService: s.rootService,
    services: s.services,
    spanCount: s.spanCount,
    errorCount: s.errorCount,
    startMs: s.startMs,
    durationMs: s.durationMs,
    flags: (s.pinned ? ROW_PINNED : 0) | (isIncomplete(s) ? ROW_INCOMPLETE : 0) | (s.source === 'file' ? ROW_FILE : 0),
  };
}

/** the summaries (newest first, as the store lists them) as columns */
export function encodeSummaries(summaries: readonly TraceSummary[]): Uint8Array {
  return encodeSummaryColumns(summaries.map(summaryRow));
}
