// The trace's statistics: per service and per operation — count, total, self time, max, errors.
import { useMemo, useState } from 'react';
import type { StatRow } from '../model/stats';
import { traceStats } from '../model/stats';
import { rowTarget } from '../model/rowTarget';
import { formatCount, formatDuration } from '../model/timeScale';
import type { TraceView } from '../traceView';
import { SERVICE_COLORS } from '../model/serviceColors';

type Col = 'count' | 'totalNs' | 'selfNs' | 'maxNs' | 'errors';
const COLS: [Col, string][] = [
  ['count', 'Count'],
  ['totalNs', 'Total'],
  ['selfNs', 'Self time'],
  ['maxNs', 'Max'],
  ['errors', 'Errors'],
];

export function Stats({ view, onFind }: { view: TraceView; onFind(q: string): void }) {
  const stats = useMemo(() => traceStats(view.t, (r) => rowTarget(view.t, r)), [view]);
  const colorOf = useMemo(() => {
    const m = new Map<string, string>();
    for (const s of view.t.services) m.set(view.t.str(s), SERVICE_COLORS[Math.max(0, view.slots[s])]);
    return m;
  }, [view]);
  return <StatTables services={stats.services} operations={stats.operations} colorOf={colorOf} onFind={onFind} />;
}

/** the two tables, from statistics worked out here (Stats) or by the receiver (a windowed trace) */
export function StatTables(p: { services: StatRow[]; operations: StatRow[]; colorOf: Map<string, string>; onFind(q: string): void; note?: string }) {
  return (
    <div className="stats" data-testid="stats">
      <StatTable title="Services" rows={p.services} colorOf={p.colorOf} onFind={p.onFind} />
      <StatTable title="Operations" rows={p.operations} colorOf={p.colorOf} onFind={p.onFind} />
      {p.note && <p className="stat-note">{p.note}</p>}
    </div>
  );
}

function StatTable({ title, rows, colorOf, onFind }: { title: string; rows: StatRow[]; colorOf: Map<string, string>; onFind(q: string): void }) {
  const [sort, setSort] = useState<Col>('selfNs');
  const sorted = useMemo(() => [...rows].sort((a, b) => b[sort] - a[sort]), [rows, sort]);
  const ops = title === 'Operations';
  return (
    <section className="stat-section">
      <h3>{`${title} (${formatCount(rows.length)})`}</h3>
      <table className="stat-table">
        <thead>
          <tr>
            <th scope="col">Service</th>
            {ops && <th scope="col">Operation</th>}
            {COLS.map(([c, label]) => (
              <th key={c} scope="col" className="num" aria-sort={sort === c ? 'descending' : 'none'}>
                <button className="link" onClick={() => setSort(c)}>
                  {label}
                  {sort === c ? ' ▾' : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.key} onClick={() => onFind(ops ? r.operation : r.service)} title="Find these spans in the waterfall">
              <td>
                <span className="swatch" style={{ background: colorOf.get(r.service) }} aria-hidden="true" />
                {r.service}
              </td>
              {ops && <td className="op">{r.operation}</td>}
              <td className="num">{formatCount(r.count)}</td>
              <td className="num">{formatDuration(r.totalNs)}</td>
              <td className="num">{formatDuration(r.selfNs)}</td>
              <td className="num">{formatDuration(r.maxNs)}</td>
              <td className={`num${r.errors ? ' status-error' : ''}`}>{formatCount(r.errors)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
