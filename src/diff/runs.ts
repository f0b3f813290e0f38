// Two runs of one service side by side (Compare Runs): per operation and per code location, count, p50,
// p95 and errors of each, and what changed. Pure: no Node, no vscode.
import type { LocStats, OpStats, RunStats } from '../protocol/api';
import type { RunFigures, RunsDiff, RunsDiffRow } from '../protocol/compare';

const figures = (s: OpStats | LocStats): RunFigures => ({ count: s.count, p50Ms: s.p50Ms, p95Ms: s.p95Ms, errors: s.errors });

function pair<T extends OpStats | LocStats>(
  a: T[],
  b: T[],
  key: (s: T) => string,
  head: (s: T) => Omit<RunsDiffRow, 'a' | 'b' | 'newErrors' | 'deltaP95Ms' | 'deltaP50Ms'>,
): RunsDiffRow[] {
  const rows = new Map<string, RunsDiffRow>();
  for (const s of a) rows.set(key(s), { ...head(s), a: figures(s), newErrors: false });
  for (const s of b) {
    const k = key(s);
    const row = rows.get(k) ?? { ...head(s), newErrors: false };
    row.b = figures(s);
    rows.set(k, row);
  }
  for (const r of rows.values()) {
    if (r.a && r.b) {
      r.deltaP95Ms = r.b.p95Ms - r.a.p95Ms;
      r.deltaP50Ms = r.b.p50Ms - r.a.p50Ms;
    }
    r.newErrors = (r.b?.errors ?? 0) > 0 && (r.a?.errors ?? 0) === 0;
  }
  return [...rows.values()].sort(byRegression);
}

/** new errors first, then the biggest p95 growth; rows on one side only after the paired ones */
function byRegression(x: RunsDiffRow, y: RunsDiffRow): number {
  if (x.newErrors !== y.newErrors) return x.newErrors ? -1 : 1;
  const dx = x.deltaP95Ms ?? -Infinity;
  const dy = y.deltaP95Ms ?? -Infinity;
  if (dx !== dy) return dy - dx;
  return (y.b?.count ?? y.a?.count ?? 0) - (x.b?.count ?? x.a?.count ?? 0);
}

/** Run `a` (the earlier or baseline one) against run `b`. */
export function compareRuns(a: RunStats, b: RunStats): RunsDiff {
  return {
    operations: pair(
      a.operations,
      b.operations,
      (s) => `${s.service}\u0000${s.name}\u0000${s.kind}`,
      (s) => ({ group: 'operation', service: s.service, name: s.name, kind: s.kind }),
    ),
    locations: pair(
      a.locations,
      b.locations,
      (s) => `${s.file}\u0000${s.line ?? ''}\u0000${s.function ?? ''}`,
      (s) => ({ group: 'location', file: s.file, line: s.line, function: s.function }),
    ),
  };
}
