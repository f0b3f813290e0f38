// Which traces to offer as the other side of a comparison, and which trace stands for the baseline run.
// Pure: no Node, no vscode.
import type { RunSummary, TraceSummary } from '../protocol/api';

/** the operation a trace is a request of: its root service, root name and (for "GET"-only names) target */
export function operationOf(t: TraceSummary): string {
  return `${t.rootService}\u0000${t.rootName}\u0000${t.rootTarget ?? ''}`;
}

/**
 * The trace of the baseline run that stands for `t`'s operation: among the baseline run's traces of the
 * same operation, the one with the median duration (a typical request, not the warm-up or an outlier).
 * Undefined when the service has no baseline run or that run has no such trace.
 */
export function baselineTraceFor(t: TraceSummary, runs: readonly RunSummary[], traces: readonly TraceSummary[]): TraceSummary | undefined {
  const baseline = runs.find((r) => r.baseline && r.service === t.rootService);
  if (!baseline) return undefined;
  const op = operationOf(t);
  const same = traces.filter((x) => x.runId === baseline.runId && x.traceId !== t.traceId && operationOf(x) === op);
  if (!same.length) return undefined;
  same.sort((x, y) => x.durationMs - y.durationMs || x.startMs - y.startMs);
  return same[(same.length - 1) >> 1];
}

/** Other traces to compare `t` with: the same operation first (newest first), then the rest (newest first). */
export function candidateTraces(t: TraceSummary, traces: readonly TraceSummary[], limit = 200): { same: TraceSummary[]; other: TraceSummary[] } {
  const op = operationOf(t);
  const rest = traces.filter((x) => x.traceId !== t.traceId).sort((x, y) => y.startMs - x.startMs);
  const same = rest.filter((x) => operationOf(x) === op).slice(0, limit);
  const other = rest.filter((x) => operationOf(x) !== op).slice(0, Math.max(0, limit - same.length));
  return { same, other };
}

/** Two selected traces in time order: the earlier one is A (the reference), the later B. */
export function inTimeOrder(x: TraceSummary, y: TraceSummary): [TraceSummary, TraceSummary] {
  return x.startMs <= y.startMs ? [x, y] : [y, x];
}
