// The virtualized treegrid: only the rows in (and just around) the viewport are in the DOM, each a memoised
// component with flat props, so scrolling 100k spans re-renders a few dozen small rows.
import { memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import type { Ref } from 'react';
import { TreeFlag } from '../../src/protocol/packedTrace';
import { SpanBit } from '../../src/protocol/packedTrace';
import { barGeometry, formatCount, formatDuration } from '../model/timeScale';
import type { TimeWindow } from '../model/timeScale';
import type { TraceView } from '../traceView';
import { serviceColor } from '../traceView';
import { nameColumn } from './layout';
import { rowTarget } from '../model/rowTarget';

export const ROW_HEIGHT = 22;
const OVERSCAN = 6;
/** rows per scroll block (see setScrollTop) */
const BLOCK = 8;
const INDENT = 12;
const MAX_INDENT_LEVELS = 40;

export interface RowsHandle {
  /** scrolls so that the row at display index i is visible */
  ensureVisible(i: number): void;
  /** first display index at the top of the viewport and its pixel offset (to keep it in place on updates) */
  anchor(): { index: number; offset: number };
  restoreAnchor(index: number, offset: number): void;
  focus(): void;
  /** number of rows that fit in the viewport */
  pageSize(): number;
}

export interface RowActions {
  select(row: number): void;
  openDetails(row: number): void;
  toggle(row: number, subtree: boolean): void;
  goToSource(row: number): void;
}

interface RowsProps {
  view: TraceView;
  rows: Int32Array;
  collapsed: Uint8Array;
  selected: number;
  match: Uint8Array | null;
  critical: Uint8Array | null;
  window: TimeWindow;
  nameWidth: number;
  actions: RowActions;
  onKeyDown(e: React.KeyboardEvent): void;
  handle: Ref<RowsHandle>;
  onFirstRows?(): void;
}

export function Rows(p: RowsProps) {
  const vp = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTopRaw] = useState(0);
  // the window's height is an upper bound for the viewport's: the first render covers it whole without
  // asking for a layout (the ResizeObserver gives the real height once the frame is painted)
  const [height, setHeight] = useState(() => window.innerHeight || 600);
  // React re-renders only when the scroll position enters another block of rows: most scroll frames
  // change nothing but the compositor's offset
  const block = useRef(-1);
  const setScrollTop = useCallback((top: number) => {
    const b = Math.floor(top / (ROW_HEIGHT * BLOCK));
    if (b === block.current) return;
    block.current = b;
    setScrollTopRaw(b * ROW_HEIGHT * BLOCK);
  }, []);

  useLayoutEffect(() => {
    const el = vp.current!;
    const ro = new ResizeObserver(() => {
      setHeight(el.clientHeight);
      // the time axis and the tick layer line up with the bar column: they need the scrollbar width
      el.parentElement?.parentElement?.style.setProperty('--sbw', `${el.offsetWidth - el.clientWidth}px`);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useImperativeHandle(
    p.handle,
    () => ({
      ensureVisible(i: number) {
        const el = vp.current;
        if (!el || i < 0) return;
        const top = i * ROW_HEIGHT;
        if (top < el.scrollTop) el.scrollTop = top;
        else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
        setScrollTop(el.scrollTop);
      },
      anchor() {
        const st = vp.current?.scrollTop ?? 0;
        const index = Math.floor(st / ROW_HEIGHT);
        return { index, offset: st - index * ROW_HEIGHT };
      },
      restoreAnchor(index: number, offset: number) {
        const el = vp.current;
        if (!el) return;
        el.scrollTop = Math.max(0, index * ROW_HEIGHT + offset);
        setScrollTop(el.scrollTop);
      },
      focus() {
        vp.current?.focus();
      },
      pageSize() {
        return Math.max(1, Math.floor((vp.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
      },
    }),
    [],
  );

  const onScroll = useCallback((e: React.UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop), [setScrollTop]);

  const n = p.rows.length;
  // scrollTop is the start of the current block: render from OVERSCAN rows above it to a block and
  // OVERSCAN rows past the viewport's bottom, which covers any position inside the block
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(n, Math.ceil((scrollTop + height) / ROW_HEIGHT) + BLOCK + OVERSCAN);
  const { view: v, rows, collapsed, selected, match, critical, window: w, nameWidth, actions } = p;
  const items = [];
  for (let i = first; i < last; i++) {
    const r = rows[i];
    items.push(
      <Row
        key={r}
        v={v}
        r={r}
        index={i}
        selected={r === selected}
        collapsed={collapsed[r] === 1}
        match={match ? match[r] === 1 : false}
        critical={critical ? critical[r] === 1 : false}
        ws={w.start}
        we={w.end}
        nameWidth={nameWidth}
        actions={actions}
      />,
    );
  }

  const onFirstRows = p.onFirstRows;
  // a layout effect runs after the commit and before the browser paints it: a frame callback asked for here
  // comes in the frame that shows the first rows (a passive effect runs after that paint, one frame late)
  // (again for another trace in the same document — a reused preview panel — even with as many rows)
  useLayoutEffect(() => {
    if (onFirstRows && n > 0) onFirstRows();
  }, [onFirstRows, n, v]);

  return (
    <div
      ref={vp}
      className={`viewport${critical ? ' critical-on' : ''}`}
      role="treegrid"
      aria-label="Spans"
      aria-rowcount={n}
      aria-multiselectable={false}
      aria-activedescendant={selected >= 0 ? `row-${selected}` : undefined}
      tabIndex={0}
      onScroll={onScroll}
      onKeyDown={p.onKeyDown}
    >
      <div className="spacer" style={{ height: n * ROW_HEIGHT }} role="presentation">
        {items}
      </div>
    </div>
  );
}

interface RowProps {
  v: TraceView;
  r: number;
  index: number;
  selected: boolean;
  collapsed: boolean;
  match: boolean;
  critical: boolean;
  ws: number;
  we: number;
  nameWidth: number;
  actions: RowActions;
}

export const Row = memo(function Row({ v, r, index, selected, collapsed, match, critical, ws, we, nameWidth, actions }: RowProps) {
  const t = v.t;
  const depth = t.depth[r];
  const kids = t.childCount[r] > 0;
  const isError = t.status[r] === 2;
  const flags = t.tree[r];
  const color = serviceColor(v, r);
  const name = t.str(t.name[r]);
  const target = rowTarget(t, r);
  const service = t.str(t.service[r]);
  const dur = t.end[r] - t.start[r];
  const geom = barGeometry(t.start[r], t.end[r], { start: ws, end: we });
  const right = geom ? geom.left + geom.width : 0;
  // the duration label goes after the bar, else before it, else inside its right end
  // a span outside the zoomed window: its label points the way at the edge it lies beyond
  const outside = geom ? 0 : Math.max(t.start[r], t.end[r]) < ws ? -1 : 1;
  const labelAt = outside ? 'outside' : right < 0.8 ? 'after' : (geom?.left ?? 0) > 0.2 ? 'before' : 'inside';
  const labelStyle =
    labelAt === 'outside'
      ? outside < 0
        ? { left: '4px' }
        : { right: '4px' }
      : labelAt === 'after'
      ? { left: `calc(${right * 100}% + 4px)` }
      : labelAt === 'before'
        ? { right: `calc(${(1 - (geom?.left ?? 0)) * 100}% + 4px)` }
        : { right: `calc(${(1 - right) * 100}% + 4px)` };
  const cls = ['row', selected && 'selected', isError && 'error', match && 'match', critical && 'critical', flags && 'flagged']
    .filter(Boolean)
    .join(' ');
  const levels = Math.min(depth, MAX_INDENT_LEVELS);
  return (
    <div
      role="row"
      id={`row-${r}`}
      className={cls}
      aria-level={depth + 1}
      aria-expanded={kids ? !collapsed : undefined}
      aria-selected={selected}
      aria-rowindex={index + 1}
      style={{ top: index * ROW_HEIGHT }}
      // what VS Code passes to the span's webview/context menu commands (package.json): its own actions replace
      // the browser's Cut/Copy/Paste there
      data-vscode-context={JSON.stringify({ webviewSection: 'span', traceId: t.traceId, spanId: t.spanId(r), preventDefaultContextMenuItems: true })}
      onMouseDown={(e) => {
        // a click shows the span's details, always (also after the pane was closed); a right-click selects
        // only, so the context menu's span is the highlighted one
        if (e.button === 0) actions.openDetails(r);
        else if (e.button === 2) actions.select(r);
      }}
      onDoubleClick={() => actions.openDetails(r)}
    >
      {match && <span className="match-mark" aria-hidden="true" />}
      <div role="gridcell" className="name-cell" style={{ width: nameColumn(nameWidth) }}>
        <span className="indent" style={{ width: levels * INDENT }} />
        {depth > MAX_INDENT_LEVELS && <span className="deep" title={`depth ${depth}`}>{`…${depth}`}</span>}
        {kids ? (
          <span
            className="twisty"
            aria-hidden="true"
            title={collapsed ? 'Expand (Alt+click: whole subtree)' : 'Collapse (Alt+click: whole subtree)'}
            onMouseDown={(e) => e.stopPropagation()}
            onClick={(e) => actions.toggle(r, e.altKey)}
          >
            {collapsed ? '▸' : '▾'}
          </span>
        ) : (
          <span className="twisty" aria-hidden="true" />
        )}
        <span className="swatch" style={{ background: color }} aria-hidden="true" />
        {isError && (
          <span className="err-mark" title="Status: error" role="img" aria-label="error">
            !
          </span>
        )}
        <span className={target ? 'name has-target' : 'name'} title={`${target ? `${name} ${target}` : name} — ${service}`}>{name}</span>
        {target && <span className="target">{target}</span>}
        <span className="svc">{service}</span>
        {collapsed && kids && <span className="hidden-count" title="spans in the collapsed subtree">{`+${formatCount(t.subtreeEnd[r] - r - 1)}`}</span>}
        {flags !== 0 && <FlagBadges v={v} r={r} flags={flags} />}
        {(t.bits[r] & SpanBit.HasLocation) !== 0 && (
          <button
            className="src-btn"
            tabIndex={-1}
            title="Go to source"
            aria-label="Go to source"
            onMouseDown={(e) => e.stopPropagation()}
            onClick={() => actions.goToSource(r)}
          >
            {'{ }'}
          </button>
        )}
      </div>
      <div role="gridcell" className="bar-cell" aria-label={`duration ${formatDuration(dur)}`}>
        {geom && (
          <div
            className={`bar${flags & (TreeFlag.StartsBeforeParent | TreeFlag.EndsAfterParent) ? ' skew' : ''}`}
            style={{ left: `${geom.left * 100}%`, width: `max(${geom.width * 100}%, 1px)`, background: color }}
          />
        )}
        <span className={`dur${labelAt === 'inside' ? ' inside' : ''}`} style={labelStyle}>
          {outside < 0 ? `◂ ${formatDuration(dur)}` : outside > 0 ? `${formatDuration(dur)} ▸` : formatDuration(dur)}
        </span>
      </div>
    </div>
  );
});

function FlagBadges({ v, r, flags }: { v: TraceView; r: number; flags: number }) {
  const t = v.t;
  const out = [];
  const parentId = t.parentId(r);
  if (flags & TreeFlag.Orphan) out.push(<span key="o" className="badge warn" title={`Parent span ${parentId} was not received: shown as a root`}>orphan</span>);
  if (flags & TreeFlag.SelfParent) out.push(<span key="s" className="badge warn" title="The span names itself as its parent: shown as a root">self-parent</span>);
  if (flags & TreeFlag.Cycle) out.push(<span key="c" className="badge warn" title="Parent links form a cycle: cut at its earliest span">cycle</span>);
  if (flags & TreeFlag.Duplicate) out.push(<span key="d" className="badge warn" title="Another span with this id was received first">duplicate id</span>);
  const p = t.parent[r];
  if (p >= 0) {
    const before = formatDuration(t.start[p] - t.start[r]);
    const after = formatDuration(t.end[r] - t.end[p]);
    // skew only between two clocks (parent and child recorded by different processes or hosts)
    if (flags & TreeFlag.StartsBeforeParent)
      out.push(<span key="b" className="badge skew" title={`Clock skew: starts ${before} before its parent, which another host recorded (shown as received)`}>skew ◂</span>);
    if (flags & TreeFlag.EndsAfterParent)
      out.push(<span key="a" className="badge skew" title={`Clock skew: ends ${after} after its parent, which another host recorded (shown as received)`}>skew ▸</span>);
    if (flags & TreeFlag.EarlyStart)
      out.push(<span key="e" className="badge note" title={`Starts ${before} before its parent, on the same host (one clock: not skew; the parent's start was recorded later)`}>early start</span>);
    if (flags & TreeFlag.AsyncChild)
      out.push(<span key="y" className="badge note" title={`Ends ${after} after its parent, on the same host (one clock: not skew; the parent did not wait for it)`}>async</span>);
  }
  return <>{out}</>;
}
