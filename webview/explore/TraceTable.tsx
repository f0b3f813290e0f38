// The search page's table: one row per trace, virtualised (only the rows in view are in the DOM), sortable by
// every column, with an inline duration bar. Click selects (Ctrl/Cmd toggles, Shift extends), double click or
// Enter opens, the menu keys act on the selection.
import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { SummaryColumns } from '../../src/protocol/exploreColumns';
import { ROW_INCOMPLETE, ROW_PINNED } from '../../src/protocol/exploreColumns';
import type { SortKey } from '../../src/explore/columnFilter';
import { formatDuration } from '../../src/tracelist/format';

export const ROW_H = 22;
const OVERSCAN = 8;

export const COLUMNS: { key: SortKey; title: string; className: string }[] = [
  { key: 'label', title: 'Root operation', className: 'c-label' },
  { key: 'service', title: 'Service', className: 'c-service' },
  { key: 'start', title: 'Start', className: 'c-start' },
  { key: 'duration', title: 'Duration', className: 'c-duration' },
  { key: 'spans', title: 'Spans', className: 'c-num' },
  { key: 'errors', title: 'Errors', className: 'c-num' },
  { key: 'services', title: 'Services', className: 'c-services' },
];

interface Props {
  cols: SummaryColumns;
  rows: Uint32Array;
  sort: { key: SortKey; descending: boolean };
  selected: ReadonlySet<number>;
  serviceColor(stringIndex: number): string;
  onSort(key: SortKey): void;
  onSelect(row: number, mode: 'only' | 'toggle' | 'range'): void;
  onOpen(row: number): void;
  onKey(e: React.KeyboardEvent): void;
  onPointer(inside: boolean): void;
}

function startText(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function TraceTable({ cols, rows, sort, selected, serviceColor, onSort, onSelect, onOpen, onKey, onPointer }: Props) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || 400);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // the longest duration among the rows sets the bars' scale (not recomputed while scrolling)
  const maxDur = useMemo(() => {
    let m = 0;
    for (let i = 0; i < rows.length; i++) if (cols.duration[rows[i]] > m) m = cols.duration[rows[i]];
    return m;
  }, [cols, rows]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_H) + OVERSCAN);
  const items = [];
  for (let i = first; i < last; i++) {
    const r = rows[i];
    items.push(
      <Row key={r} cols={cols} r={r} i={i} maxDur={maxDur} selected={selected.has(r)} serviceColor={serviceColor} onSelect={onSelect} onOpen={onOpen} />,
    );
  }
  return (
    <div className="table" role="grid" aria-rowcount={rows.length + 1} aria-multiselectable onMouseEnter={() => onPointer(true)} onMouseLeave={() => onPointer(false)}>
      <div className="thead" role="row" aria-rowindex={1}>
        {COLUMNS.map((c) => (
          <div
            key={c.key}
            role="columnheader"
            className={`${c.className} th`}
            aria-sort={sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
            onClick={() => onSort(c.key)}
            tabIndex={0}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onSort(c.key)}
          >
            {c.title}
            {sort.key === c.key ? (sort.descending ? ' ▾' : ' ▴') : ''}
          </div>
        ))}
      </div>
      <div className="tbody" ref={viewport} tabIndex={0} onKeyDown={onKey} onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}>
        <div className="tbody-inner" style={{ height: rows.length * ROW_H }}>
          {items}
        </div>
        {rows.length === 0 && <div className="empty">No traces match.</div>}
      </div>
    </div>
  );
}

interface RowProps {
  cols: SummaryColumns;
  r: number;
  i: number;
  maxDur: number;
  selected: boolean;
  serviceColor(stringIndex: number): string;
  onSelect(row: number, mode: 'only' | 'toggle' | 'range'): void;
  onOpen(row: number): void;
}

/** one trace's row; unchanged rows are not rendered again while the table scrolls */
const Row = memo(function Row({ cols, r, i, maxDur, selected, serviceColor, onSelect, onOpen }: RowProps) {
  const label = cols.string(cols.label[r]);
  const svcs: string[] = [];
  for (let k = cols.serviceOffsets[r]; k < cols.serviceOffsets[r + 1]; k++) svcs.push(cols.string(cols.serviceList[k]));
  const errs = cols.errors[r];
  const flags = cols.flags[r];
  const pct = maxDur > 0 ? Math.max(0.5, (cols.duration[r] / maxDur) * 100) : 0;
  return (
    <div
      role="row"
      aria-rowindex={i + 2}
      aria-selected={selected}
      className={`tr${selected ? ' selected' : ''}${errs ? ' has-error' : ''}`}
      style={{ transform: `translateY(${i * ROW_H}px)` }}
      data-trace-id={cols.string(cols.traceId[r])}
      onClick={(e) => onSelect(r, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only')}
      onDoubleClick={() => onOpen(r)}
    >
      <div role="gridcell" className="c-label" title={label}>
        {flags & ROW_PINNED ? <span className="pin" aria-label="pinned">📌</span> : null}
        {label || <span className="dim">(root span not received)</span>}
        {flags & ROW_INCOMPLETE ? <span className="dim"> · incomplete</span> : null}
      </div>
      <div role="gridcell" className="c-service">
        <span className="swatch" style={{ background: serviceColor(cols.rootService[r]) }} />
        {cols.string(cols.rootService[r])}
      </div>
      <div role="gridcell" className="c-start">{startText(cols.start[r])}</div>
      <div role="gridcell" className="c-duration">
        <span className="bar" style={{ width: `${pct}%` }} />
        <span className="bar-text">{formatDuration(cols.duration[r])}</span>
      </div>
      <div role="gridcell" className="c-num">{cols.spans[r]}</div>
      <div role="gridcell" className={`c-num${errs ? ' err' : ''}`}>{errs || ''}</div>
      <div role="gridcell" className="c-services" title={svcs.join(', ')}>{svcs.join(', ')}</div>
    </div>
  );
});
