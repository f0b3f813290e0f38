// Compare Traces: one waterfall of both traces matched span by span (added, removed and renamed spans
// marked; both durations, the change and the self times on every row) and the biggest changes beside it.
// Rows are fixed-height and only the visible ones are rendered, so a 10,000-span pair scrolls smoothly.
// Span text is untrusted: it is only ever React text.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, ReactElement } from 'react';
import type { CompareView, DiffRow, TraceDiff } from '../../src/protocol/compare';
import { delta, ms, pct, tone } from './format';
import { post } from './ipc';

type TracesCompare = Extract<CompareView, { mode: 'traces' }>;

const ROW_H = 24;
const OVERSCAN = 10;
const LIST_MAX = 30;

const KIND_MARK: Record<DiffRow['kind'], string> = { matched: '', added: 'added', removed: 'removed', renamed: 'renamed' };

function sideOf(r: DiffRow): 'a' | 'b' {
  return r.b ? 'b' : 'a';
}

function pathOf(diff: TraceDiff, i: number): string {
  const names: string[] = [];
  for (let r = i; r >= 0 && names.length < 4; r = diff.rows[r].parent) names.push(diff.rows[r].name);
  return names.reverse().join(' › ');
}

export function TracesView({ view }: { view: TracesCompare }) {
  const { diff } = view;
  const [selected, setSelected] = useState(diff.regressions[0] ?? (diff.rows.length ? 0 : -1));
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const scroller = useRef<HTMLDivElement>(null);
  const scale = Math.max(diff.a.durationMs, diff.b.durationMs) || 1;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const select = useCallback(
    (i: number, reveal = true) => {
      if (i < 0 || i >= diff.rows.length) return;
      setSelected(i);
      const el = scroller.current;
      if (!reveal || !el) return;
      const top = i * ROW_H;
      if (top < el.scrollTop || top + ROW_H > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, top - el.clientHeight / 3);
    },
    [diff],
  );

  // the first regression is selected and in view from the start
  useEffect(() => {
    select(diff.regressions[0] ?? 0);
  }, [diff, select]);

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') select(selected + 1);
    else if (e.key === 'ArrowUp') select(selected - 1);
    else if (e.key === 'Enter' && selected >= 0) goToSource(diff.rows[selected]);
    else return;
    e.preventDefault();
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min(diff.rows.length, Math.ceil((scrollTop + height) / ROW_H) + OVERSCAN);
  const visible = useMemo(() => {
    const out: ReactElement[] = [];
    for (let i = first; i < last; i++) {
      out.push(<Row key={i} i={i} row={diff.rows[i]} scale={scale} selected={i === selected} onSelect={select} />);
    }
    return out;
  }, [diff, first, last, scale, selected, select]);

  const sel = selected >= 0 ? diff.rows[selected] : undefined;
  const c = diff.counts;
  return (
    <div className="cmp-app">
      <header className="cmp-header">
        <div className="cmp-sides">
          <div>
            <span className="cmp-tag a">A</span> {view.labelA} <span className="muted">— {diff.a.spanCount} spans, {ms(diff.a.durationMs)}</span>
          </div>
          <div>
            <span className="cmp-tag b">B</span> {view.labelB} <span className="muted">— {diff.b.spanCount} spans, {ms(diff.b.durationMs)}</span>
          </div>
        </div>
        <div className={`cmp-structure ${diff.structureDiffers ? 'differs' : 'same'}`} data-testid="structure">
          {diff.structureDiffers
            ? `Structure differs: ${c.matched} matched, ${c.added} added, ${c.removed} removed, ${c.renamed} renamed`
            : `Same structure: ${c.matched} spans matched`}
        </div>
      </header>
      <div className="cmp-body">
        <div className="cmp-main">
          <div className="cmp-row cmp-head" role="row">
            <span className="cmp-name">Span</span>
            <span className="cmp-bars">A / B</span>
            <span className="num">A</span>
            <span className="num">B</span>
            <span className="num">Δ</span>
            <span className="num">Δ %</span>
            <span className="num">self A → B</span>
          </div>
          <div
            className="cmp-scroll"
            ref={scroller}
            tabIndex={0}
            role="grid"
            aria-label="Spans of both traces"
            onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
            onKeyDown={onKey}
          >
            <div style={{ height: diff.rows.length * ROW_H, position: 'relative' }}>{visible}</div>
          </div>
          {sel && <Details row={sel} path={pathOf(diff, selected)} canOpenSource={view.canOpenSource} />}
        </div>
        <aside className="cmp-side" aria-label="Biggest changes">
          <Changes title="Slower" rows={diff.regressions} diff={diff} selected={selected} onSelect={select} />
          <Changes title="Faster" rows={diff.improvements} diff={diff} selected={selected} onSelect={select} />
          {!diff.regressions.length && !diff.improvements.length && <p className="muted">No span changed its duration.</p>}
        </aside>
      </div>
    </div>
  );
}

function goToSource(r: DiffRow) {
  const s = r.b ?? r.a!;
  post({ type: 'goToSource', side: sideOf(r), spanId: s.spanId });
}

function Row({ i, row, scale, selected, onSelect }: { i: number; row: DiffRow; scale: number; selected: boolean; onSelect: (i: number, reveal?: boolean) => void }) {
  const t = tone(row.deltaMs, row.deltaPct);
  const bar = (side: 'a' | 'b') => {
    const s = row[side];
    if (!s) return null;
    const left = (s.startMs / scale) * 100;
    const width = Math.max(0.2, (s.durationMs / scale) * 100);
    return <span className={`cmp-bar ${side}${s.error ? ' error' : ''}`} style={{ left: `${left}%`, width: `${width}%` }} />;
  };
  return (
    <div
      className={`cmp-row ${row.kind}${selected ? ' selected' : ''}`}
      style={{ top: i * ROW_H }}
      data-row={i}
      role="row"
      aria-selected={selected}
      onClick={() => onSelect(i, false)}
      onDoubleClick={() => goToSource(row)}
    >
      <span className="cmp-name" style={{ paddingLeft: 4 + row.depth * 12 }} title={row.kind === 'renamed' ? `${row.a!.name} → ${row.b!.name}` : row.name}>
        {row.kind !== 'matched' && <span className={`cmp-mark ${row.kind}`}>{KIND_MARK[row.kind]}</span>}
        {(row.a?.error || row.b?.error) && <span className="cmp-err" title="error status">●</span>}
        {row.name}
        {row.kind === 'renamed' && <span className="muted"> (was {row.a!.name})</span>}
        <span className="muted cmp-service"> {row.service}</span>
      </span>
      <span className="cmp-bars">
        {bar('a')}
        {bar('b')}
      </span>
      <span className="num">{row.a ? ms(row.a.durationMs) : ''}</span>
      <span className="num">{row.b ? ms(row.b.durationMs) : ''}</span>
      <span className={`num ${t}`}>{delta(row.deltaMs)}</span>
      <span className={`num ${t}`}>{pct(row.deltaPct)}</span>
      <span className="num muted">{row.a && row.b ? `${ms(row.a.selfMs)} → ${ms(row.b.selfMs)}` : ms((row.b ?? row.a)!.selfMs)}</span>
    </div>
  );
}

function Changes({ title, rows, diff, selected, onSelect }: { title: string; rows: number[]; diff: TraceDiff; selected: number; onSelect: (i: number) => void }) {
  if (!rows.length) return null;
  return (
    <section>
      <h3>
        {title} <span className="muted">(by own time{rows.length > LIST_MAX ? `, ${LIST_MAX} of ${rows.length}` : ''})</span>
      </h3>
      <ol className="cmp-changes">
        {rows.slice(0, LIST_MAX).map((i) => {
          const r = diff.rows[i];
          return (
            <li key={i}>
              <button className={`cmp-change${i === selected ? ' selected' : ''}`} data-row={i} onClick={() => onSelect(i)} title={pathOf(diff, i)}>
                <span className="cmp-change-name">{r.name}</span>
                <span className={`num ${tone(r.deltaMs, r.deltaPct)}`}>{delta(r.deltaMs)}</span>
                <span className="num muted">self {delta(r.selfDeltaMs)}</span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function Details({ row, path, canOpenSource }: { row: DiffRow; path: string; canOpenSource: boolean }) {
  const side = (label: 'A' | 'B', s: DiffRow['a']) =>
    s ? (
      <div>
        <span className={`cmp-tag ${label.toLowerCase()}`}>{label}</span> {s.name} — {ms(s.durationMs)}, self {ms(s.selfMs)}
        {s.error ? ', error' : ''}
        {s.code?.file ? <span className="muted mono"> {s.code.file}{s.code.line ? `:${s.code.line}` : ''}</span> : null}
      </div>
    ) : (
      <div className="muted">
        <span className={`cmp-tag ${label.toLowerCase()}`}>{label}</span> not in this trace
      </div>
    );
  return (
    <div className="cmp-details" data-testid="details">
      <div className="cmp-path">{path}</div>
      {side('A', row.a)}
      {side('B', row.b)}
      <div className="cmp-actions">
        <button onClick={() => goToSource(row)} disabled={!canOpenSource}>
          Go to Source
        </button>
        {row.a && <button onClick={() => post({ type: 'openTrace', side: 'a', spanId: row.a!.spanId })}>Open A in Waterfall</button>}
        {row.b && <button onClick={() => post({ type: 'openTrace', side: 'b', spanId: row.b!.spanId })}>Open B in Waterfall</button>}
      </div>
    </div>
  );
}
