// The trace diff: match two traces span by span and say what changed (structure and timings).
// One entry point for its users (the CLI `diff`, the editor's Compare Traces, agent tools, generated
// tests). Pure: no Node, no vscode.
export { type DiffSpan, type DiffTrace, otlpTraceIds, traceFromOtlp, traceFromSpans } from './spans';
export { type DiffRow, type RowKind, type RowSide, type SideSummary, type TraceDiff, diffTraces, rowPath } from './match';
export {
  type ReportOptions,
  type Verdict,
  type VerdictOptions,
  formatDelta,
  formatMs,
  jsonReport,
  markdownReport,
  textReport,
  verdict,
} from './report';
export { compareRuns } from './runs';
