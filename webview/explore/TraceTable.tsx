// The search page's table: one row per trace, virtualised, sortable by every column, with an inline duration
// bar. React draws the header and the scroller; the rows are a fixed pool of elements of one height that a
// scroll re-fills in place (row i lives in element i mod pool size), so a scroll frame writes the few rows
// that came into view and nothing is reconciled. Click selects (Ctrl/Cmd toggles, Shift extends), double
// click or Enter opens, the menu keys act on the selection.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
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
  /** the rows in view are in the DOM (after each fill) */
  onFilled?(): void;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function startText(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** one pooled row element and what it shows */
interface Slot {
  el: HTMLDivElement;
  cells: HTMLDivElement[];
  swatch: HTMLSpanElement;
  svcText: Text;
  bar: HTMLSpanElement;
  barText: HTMLSpanElement;
  /** the position (index into rows) and the row it shows; -1: nothing */
  i: number;
  r: number;
  /** the position and version it was last written for */
  at: number;
  version: number;
}

function makeSlot(): Slot {
  const el = document.createElement('div');
  el.className = 'tr';
  el.hidden = true;
  const cells = COLUMNS.map((c) => {
    const d = document.createElement('div');
    d.setAttribute('role', 'gridcell');
    d.className = c.className;
    el.appendChild(d);
    return d;
  });
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  const svcText = document.createTextNode('');
  cells[1].append(swatch, svcText);
  const bar = document.createElement('span');
  bar.className = 'bar';
  const barText = document.createElement('span');
  barText.className = 'bar-text';
  cells[3].append(bar, barText);
  return { el, cells, swatch, svcText, bar, barText, i: -1, r: -1, at: -1, version: -1 };
}

function dimSpan(text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = 'dim';
  s.textContent = text;
  return s;
}

export function TraceTable({ cols, rows, sort, selected, serviceColor, onSort, onSelect, onOpen, onKey, onPointer, onFilled }: Props) {
  const viewport = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(400);
  const pool = useRef<Slot[]>([]);
  // what the rows show besides their data (selection, bar scale, colours): a change re-fills every slot
  const version = useRef(0);
  const latest = useRef({ cols, rows, selected, serviceColor, onSelect, onOpen, onFilled, maxDur: 0 });

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

  const fill = () => {
    const vp = viewport.current;
    const box = inner.current;
    if (!vp || !box) return;
    const { cols: c, rows: rs, selected: sel, serviceColor: color, maxDur: md } = latest.current;
    const size = Math.ceil(height / ROW_H) + 2 * OVERSCAN + 1;
    const slots = pool.current;
    while (slots.length < size) {
      const s = makeSlot();
      slots.push(s);
      box.appendChild(s.el);
    }
    if (slots.length > size) for (const s of slots.splice(size)) s.el.remove();
    for (const s of slots) s.i = -1;
    const first = Math.max(0, Math.floor(vp.scrollTop / ROW_H) - OVERSCAN);
    const last = Math.min(rs.length, first + size);
    const v = version.current;
    for (let i = first; i < last; i++) {
      const s = slots[i % size];
      const r = rs[i];
      s.i = i;
      if (s.r === r && s.at === i && s.version === v) continue;
      bind(s, c, r, i, sel.has(r), md, color);
      s.at = i;
      s.version = v;
    }
    for (const s of slots) {
      if (s.i >= 0 || s.el.hidden) continue;
      s.el.hidden = true;
      s.el.removeAttribute('role');
      s.r = -1;
      s.at = -1;
    }
    latest.current.onFilled?.();
  };
  const fillRef = useRef(fill);
  fillRef.current = fill;

  // the handlers of this render (a click reads them); the rows are written again only when what they show changed
  latest.current.onSelect = onSelect;
  latest.current.onOpen = onOpen;
  latest.current.onFilled = onFilled;
  useLayoutEffect(() => {
    Object.assign(latest.current, { cols, rows, selected, serviceColor, maxDur });
    version.current++;
    fillRef.current();
  }, [cols, rows, selected, serviceColor, maxDur, height]);

  useLayoutEffect(() => {
    const vp = viewport.current!;
    const onScroll = () => fillRef.current();
    vp.addEventListener('scroll', onScroll, { passive: true });
    return () => vp.removeEventListener('scroll', onScroll);
  }, []);

  const rowAt = (e: React.MouseEvent): number => {
    const el = (e.target as HTMLElement).closest('.tr');
    const s = el && pool.current.find((x) => x.el === el);
    return s && s.i >= 0 ? s.r : -1;
  };

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
      <div
        className="tbody"
        ref={viewport}
        tabIndex={0}
        onKeyDown={onKey}
        onClick={(e) => {
          const r = rowAt(e);
          if (r >= 0) latest.current.onSelect(r, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only');
        }}
        onDoubleClick={(e) => {
          const r = rowAt(e);
          if (r >= 0) latest.current.onOpen(r);
        }}
      >
        <div className="tbody-inner" ref={inner} style={{ height: rows.length * ROW_H }} />
        {rows.length === 0 && <div className="empty">No traces match.</div>}
      </div>
    </div>
  );
}

/** writes row `r` (at position `i`) into a pooled element */
function bind(s: Slot, c: SummaryColumns, r: number, i: number, selected: boolean, maxDur: number, serviceColor: (i: number) => string): void {
  const { el, cells } = s;
  s.r = r;
  const errs = c.errors[r];
  const flags = c.flags[r];
  el.hidden = false;
  el.setAttribute('role', 'row');
  el.setAttribute('aria-rowindex', String(i + 2));
  el.setAttribute('aria-selected', String(selected));
  el.className = `tr${selected ? ' selected' : ''}${errs ? ' has-error' : ''}`;
  el.style.transform = `translateY(${i * ROW_H}px)`;
  el.dataset.traceId = c.string(c.traceId[r]);
  const label = c.string(c.label[r]);
  const lc = cells[0];
  lc.title = label;
  if (!(flags & (ROW_PINNED | ROW_INCOMPLETE)) && label) lc.textContent = label;
  else {
    lc.textContent = '';
    if (flags & ROW_PINNED) {
      const pin = document.createElement('span');
      pin.className = 'pin';
      pin.setAttribute('aria-label', 'pinned');
      pin.textContent = '📌';
      lc.append(pin);
    }
    lc.append(label ? document.createTextNode(label) : dimSpan('(root span not received)'));
    if (flags & ROW_INCOMPLETE) lc.append(dimSpan(' · incomplete'));
  }
  s.swatch.style.background = serviceColor(c.rootService[r]);
  s.svcText.data = c.string(c.rootService[r]);
  cells[2].textContent = startText(c.start[r]);
  s.bar.style.width = `${maxDur > 0 ? Math.max(0.5, (c.duration[r] / maxDur) * 100) : 0}%`;
  s.barText.textContent = formatDuration(c.duration[r]);
  cells[4].textContent = String(c.spans[r]);
  cells[5].textContent = errs ? String(errs) : '';
  cells[5].className = `c-num${errs ? ' err' : ''}`;
  const set = c.serviceSet[r];
  let svcs = '';
  for (let k = c.setOffsets[set]; k < c.setOffsets[set + 1]; k++) svcs += (svcs ? ', ' : '') + c.string(c.setServices[k]);
  cells[6].textContent = svcs;
  cells[6].title = svcs;
}
