// Compare Runs: two runs of one service per operation and per code location (count, p50, p95, errors on
// each side and the change), the biggest regressions and new errors first.
import type { CompareView, RunsDiffRow } from '../../src/protocol/compare';
import { delta, ms } from './format';
import { post } from './ipc';

type RunsCompare = Extract<CompareView, { mode: 'runs' }>;

const KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

function label(r: RunsDiffRow): string {
  if (r.group === 'operation') return r.name ?? '';
  const fn = r.function ? `${r.function} ` : '';
  return `${fn}${r.file ?? ''}${r.line ? `:${r.line}` : ''}`;
}

function Table({ title, rows, onOpen }: { title: string; rows: RunsDiffRow[]; onOpen?: (r: RunsDiffRow) => void }) {
  return (
    <section className="runs-section">
      <h3>
        {title} <span className="muted">({rows.length})</span>
      </h3>
      {rows.length === 0 ? (
        <p className="muted">Nothing recorded.</p>
      ) : (
        <table className="runs-table">
          <thead>
            <tr>
              <th className="name">{title === 'Operations' ? 'Operation' : 'Code location'}</th>
              <th>count A</th>
              <th>count B</th>
              <th>p50 A</th>
              <th>p50 B</th>
              <th>p95 A</th>
              <th>p95 B</th>
              <th>Δ p95</th>
              <th>errors A</th>
              <th>errors B</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const slower = (r.deltaP95Ms ?? 0) >= 1 && r.a && r.a.p95Ms > 0 && r.deltaP95Ms! / r.a.p95Ms >= 0.1;
              const faster = (r.deltaP95Ms ?? 0) <= -1 && r.a && r.deltaP95Ms! / r.a.p95Ms <= -0.1;
              return (
                <tr key={i} className={`${r.newErrors ? 'new-errors' : ''}${!r.a ? ' only-b' : !r.b ? ' only-a' : ''}`} data-testid="runs-row">
                  <td className="name">
                    {onOpen && r.file ? (
                      <button className="link" onClick={() => onOpen(r)} title="Open this location">
                        {label(r)}
                      </button>
                    ) : (
                      label(r)
                    )}
                    {r.group === 'operation' && <span className="muted"> {r.service} · {KINDS[r.kind ?? 0] ?? ''}</span>}
                    {!r.a && <span className="cmp-mark added">only in B</span>}
                    {!r.b && <span className="cmp-mark removed">only in A</span>}
                    {r.newErrors && <span className="cmp-mark error">new errors</span>}
                  </td>
                  <td>{r.a?.count ?? ''}</td>
                  <td>{r.b?.count ?? ''}</td>
                  <td>{r.a ? ms(r.a.p50Ms) : ''}</td>
                  <td>{r.b ? ms(r.b.p50Ms) : ''}</td>
                  <td>{r.a ? ms(r.a.p95Ms) : ''}</td>
                  <td>{r.b ? ms(r.b.p95Ms) : ''}</td>
                  <td className={slower ? 'slower' : faster ? 'faster' : ''}>{delta(r.deltaP95Ms)}</td>
                  <td>{r.a?.errors ?? ''}</td>
                  <td className={r.newErrors ? 'slower' : ''}>{r.b?.errors ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function RunsView({ view }: { view: RunsCompare }) {
  return (
    <div className="cmp-app runs">
      <header className="cmp-header">
        <div className="cmp-sides">
          <div>
            <span className="cmp-tag a">A</span> {view.labelA}
          </div>
          <div>
            <span className="cmp-tag b">B</span> {view.labelB}
          </div>
        </div>
        <div className="muted">Service {view.service}: new errors first, then the biggest growth of p95.</div>
      </header>
      <div className="runs-body">
        <Table title="Operations" rows={view.runs.operations} />
        <Table title="Code locations" rows={view.runs.locations} onOpen={(r) => post({ type: 'openLocation', file: r.file!, line: r.line })} />
      </div>
    </div>
  );
}
