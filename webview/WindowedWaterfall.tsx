// The waterfall of a trace too big to send whole (src/protocol/rowWindow.ts): the receiver keeps the trace
// ordered and a view of it (collapse state, find, focus, critical path); this component holds the blocks of
// rows around the viewport (each a small packed trace, rendered by the same Row as a whole trace's) and
// sends what the user does as operations on the view. Memory and work follow the screen, not the trace.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { decodePackedTrace } from '../src/protocol/packedTrace';
import { decodeWindow } from '../src/protocol/rowWindow';
import type { FlameRequest, WindowMeta, WindowNav, WindowOp, WindowRequest } from '../src/protocol/rowWindow';
import { Copy, FocusSpan, FocusSubtree, GetRowWindow, GetSpanDetail, GoToSource, OpenLinkedTrace, OpenStackFrame, ShowServiceMap } from '../src/protocol/waterfall';
import type { WindowedParams } from '../src/protocol/waterfall';
import type { WebviewIpc } from './ipc';
import { makeTraceView } from './traceView';
import type { TraceView } from './traceView';
import { SERVICE_COLORS } from './model/serviceColors';
import { ROW_HEIGHT, Row } from './components/Rows';
import type { RowActions } from './components/Rows';
import { Toolbar } from './components/Toolbar';
import type { PanelTab } from './components/Toolbar';
import { WindowedFlame } from './components/WindowedFlame';
import type { FlameAnswer } from './components/WindowedFlame';
import { StatTables } from './components/Stats';
import { Minimap } from './components/Minimap';
import type { MinimapRuns } from '../src/protocol/rowWindow';
import { TickLines, TimeAxis } from './components/TimeAxis';
import { Details } from './components/Details';
import type { DetailActions, DetailState } from './components/Details';
import { formatCount, formatDuration, type TimeWindow } from './model/timeScale';
import type { FrameRef } from '../src/protocol/stackFrames';

/** rows per block asked of the receiver */
export const BLOCK_ROWS = 128;
/** blocks kept at most (the least recently shown go first) */
const KEEP_BLOCKS = 16;
/** blocks asked ahead of the viewport in the direction of the scroll, so a scroll frame finds its rows held */
const AHEAD_BLOCKS = 3;
/** block requests on their way at once (more would only queue in the receiver) */
const MAX_IN_FLIGHT = 3;
const OVERSCAN = 6;
/** rows per scroll group (see setScrollQuantized) */
const SCROLL_GROUP = 8;
/** the grid the receiver draws the minimap on (the canvas scales it to its width) */
const MINIMAP_GRID = { rows: 88, cols: 1024 };
/** typing waits this long before the receiver searches (a search of a million spans takes ~100 ms) */
const FIND_DEBOUNCE_MS = 80;

interface Block {
  index: number;
  v: TraceView;
  meta: WindowMeta;
  actions: RowActions;
  /** the render that last showed it (least recently shown blocks are let go first) */
  shown: number;
}

interface Props {
  ipc: WebviewIpc;
  params: WindowedParams;
  nameWidth: number;
  onNameWidth(f: number): void;
  detailsWidth: number | null;
  /** the user worked in the panel: a preview panel is kept */
  onWork(): void;
  lead?: React.ReactNode;
}

export function WindowedWaterfall({ ipc, params, nameWidth, onNameWidth, detailsWidth, onWork, lead }: Props) {
  const [info, setInfo] = useState<WindowMeta | null>(null);
  const [, setTick] = useState(0);
  const blocks = useRef(new Map<number, Block>());
  const pending = useRef(new Set<number>());
  /** a view-changing operation drops every block asked for before it */
  const gen = useRef(0);
  /** the operations in order; a block is asked once the operations before it are answered */
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const renders = useRef(0);
  /** +1 scrolling down, -1 up: where the blocks ahead are asked */
  const direction = useRef(1);
  const lastTop = useRef(0);
  const viewId = useRef<string | undefined>(undefined);
  const [selected, setSelected] = useState(-1);
  const [query, setQuery] = useState('');
  const [hide, setHide] = useState(false);
  const [critical, setCritical] = useState(false);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [detail, setDetail] = useState<DetailState | null>(null);
  const [matchIndex, setMatchIndex] = useState(0);
  const [zoom, setZoom] = useState<TimeWindow | null>(null);
  /** the statistics and the flame graph's boxes come from the receiver */
  const [tab, setTab] = useState<PanelTab>('waterfall');
  const [stats, setStats] = useState<WindowMeta['stats'] | null>(null);
  const [minimap, setMinimap] = useState<{ runs: MinimapRuns; durationNs: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const vp = useRef<HTMLDivElement>(null);
  const findInput = useRef<HTMLInputElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(() => window.innerHeight || 600);
  const firstPainted = useRef(false);
  // React re-renders only when the scroll position enters another group of rows (as Rows does): most scroll
  // frames change nothing but the compositor's offset
  const scrollGroup = useRef(-1);
  const setScrollQuantized = useCallback((top: number) => {
    if (top !== lastTop.current) direction.current = top > lastTop.current ? 1 : -1;
    lastTop.current = top;
    const g = Math.floor(top / (ROW_HEIGHT * SCROLL_GROUP));
    if (g === scrollGroup.current) return;
    scrollGroup.current = g;
    setScrollTop(g * ROW_HEIGHT * SCROLL_GROUP);
  }, []);
  const latest = useRef({ selected, info, query, hide });
  latest.current = { selected, info, query, hide };

  /** operations in order (an operation's view change is in place before the next window is cut); a plain block
   *  (`block`) waits for the operations asked before it, not for other blocks */
  const ask = useCallback(
    (req: Omit<WindowRequest, 'view'>, block = false): Promise<WindowMeta | null> => {
      // (taken now: an operation asked after this block but sent before it makes its answer stale)
      const g = gen.current;
      const run = async (): Promise<WindowMeta | null> => {
        try {
          const buf = await ipc.request(GetRowWindow, { ...req, view: viewId.current });
          const { meta, packed } = decodeWindow(buf);
          if (!viewId.current) performance.mark('traceExplorer.traceReceived'); // (the workbench bench)
          viewId.current = meta.view;
          if (meta.rows.length) {
            const t = decodePackedTrace(packed);
            // child counts and subtree sizes are the whole trace's (the slice only knows its own rows)
            t.childCount.set(meta.childCount);
            for (let j = 0; j < t.spanCount; j++) t.subtreeEnd[j] = j + 1 + meta.descendants[j];
            const v = makeTraceView(t);
            // colours by the whole trace's service order, the same in every block
            const slotOf = new Map(meta.services.map((s, i) => [s, i % SERVICE_COLORS.length]));
            v.slots = new Int32Array(t.stringCount).fill(-1);
            for (const s of t.services) v.slots[s] = slotOf.get(t.str(s)) ?? 0;
            if (g === gen.current && meta.from % BLOCK_ROWS === 0) {
              const index = meta.from / BLOCK_ROWS;
              const at = (j: number) => meta.rows[j];
              const actions: RowActions = {
                select: (j) => setSelected(at(j)),
                openDetails: (j) => {
                  setSelected(at(j));
                  setDetailsOpen(true);
                  onWork();
                },
                toggle: (j, subtree) => void op([{ kind: 'toggle', row: at(j), subtree }]),
                goToSource: (j) => ipc.command(GoToSource, { spanId: t.spanId(j) }),
              };
              blocks.current.set(index, { index, v, meta, actions, shown: renders.current });
            }
          }
          // (an answer cut before a later operation says nothing about the view now)
          if (g === gen.current) setInfo((old) => (old && sameSummary(old, meta) ? old : meta));
          setError(null);
          return meta;
        } catch (e) {
          setError((e as Error).message);
          return null;
        }
      };
      const p = chain.current.then(run, run);
      if (!block) chain.current = p;
      return p;
    },
    [ipc, onWork], // eslint-disable-line react-hooks/exhaustive-deps
  );

  /** the flame graph's boxes, asked after the operations before (a find marks them) */
  const fetchFlame = useCallback(
    (flame: FlameRequest): Promise<FlameAnswer | null> =>
      chain.current.then(async () => {
        const { meta, packed } = decodeWindow(await ipc.request(GetRowWindow, { view: viewId.current, from: 0, count: 0, flame }));
        return meta.flame ? { boxes: meta.flame, packed } : null;
      }),
    [ipc],
  );
  /** counts the finds answered (the flame graph asks for its match marks again) */
  const [finds, setFinds] = useState(0);

  const scrollToIndex = useCallback((i: number) => {
    const el = vp.current;
    if (!el || i < 0) return;
    const top = i * ROW_HEIGHT;
    if (top < el.scrollTop || top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, top - el.clientHeight / 3);
    setScrollQuantized(el.scrollTop);
  }, [setScrollQuantized]);

  /** an operation on the view (and where to go after it): the blocks are asked again */
  const op = useCallback(
    async (ops: WindowOp[], nav?: WindowNav, openDetails = false): Promise<void> => {
      gen.current++;
      blocks.current.clear();
      pending.current.clear();
      const el = vp.current;
      const top = el ? Math.floor(el.scrollTop / ROW_HEIGHT) : 0;
      // with a nav, the answer holds the block of the row it found (painted without another round trip)
      const meta = await ask({ ops, nav, from: Math.floor(top / BLOCK_ROWS) * BLOCK_ROWS, count: BLOCK_ROWS, aroundTarget: nav !== undefined });
      if (!meta) return;
      if (meta.target) {
        setSelected(meta.target.row);
        setMatchIndex(meta.target.matchIndex);
        if (openDetails) setDetailsOpen(true);
        // after the render that gives the rows their new height: scrolled now, the viewport would still be
        // as tall as before the operation (one row after Collapse all) and clamp the position
        pendingScroll.current = meta.target.index;
      }
      setTick((x) => x + 1);
    },
    [ask],
  );
  const pendingScroll = useRef(-1);
  useLayoutEffect(() => {
    if (pendingScroll.current < 0) return;
    const i = pendingScroll.current;
    pendingScroll.current = -1;
    scrollToIndex(i);
  });

  // the first window (and again when the trace grew)
  useEffect(() => {
    setStats(null);
    setMinimap(null);
    const nav: WindowNav | undefined = params.focusSpanId ? { kind: 'span', spanId: params.focusSpanId } : undefined;
    void op([], nav, !!params.focusSpanId);
  }, [params, op]);

  useEffect(() => {
    const offFocus = ipc.on(FocusSpan, ({ spanId }) => void op([], { kind: 'span', spanId }, true));
    const offSubtree = ipc.on(FocusSubtree, ({ spanId }) => {
      void (async () => {
        const m = await ask({ nav: { kind: 'span', spanId }, from: 0, count: 0 });
        if (m?.target) void op([{ kind: 'focus', row: m.target.row }], { kind: 'row', row: m.target.row });
      })();
    });
    return () => {
      offFocus();
      offSubtree();
    };
  }, [ipc, op, ask]);

  useLayoutEffect(() => {
    const el = vp.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      setHeight(el.clientHeight);
      el.parentElement?.parentElement?.style.setProperty('--sbw', `${el.offsetWidth - el.clientWidth}px`);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [info !== null]); // eslint-disable-line react-hooks/exhaustive-deps

  const total = info?.total ?? 0;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW_HEIGHT) + SCROLL_GROUP + OVERSCAN);

  // the overview of every span, asked once the first rows are in (it never delays them)
  const hasInfo = info !== null;
  useEffect(() => {
    if (!hasInfo || minimap) return;
    let live = true;
    void ask({ minimap: MINIMAP_GRID, from: 0, count: 0 }).then((m) => live && m?.minimap && setMinimap({ runs: m.minimap, durationNs: m.durationNs ?? 1 }));
    return () => {
      live = false;
    };
  }, [hasInfo, minimap, ask]);

  // the blocks the viewport shows first, then the next one each way and AHEAD_BLOCKS more in the direction of
  // the scroll, a few requests at a time; the least recently shown beyond KEEP_BLOCKS are let go. A row whose
  // block is not here yet is a placeholder: a frame never waits for the receiver.
  useEffect(() => {
    if (!info) return;
    const lastBlock = Math.ceil(total / BLOCK_ROWS) - 1;
    const lo = Math.floor(first / BLOCK_ROWS);
    const hi = Math.floor(Math.max(first, last - 1) / BLOCK_ROWS);
    const d = direction.current;
    const wanted: number[] = [];
    for (let b = lo; b <= hi; b++) wanted.push(b);
    wanted.push(d > 0 ? lo - 1 : hi + 1);
    for (let k = 1; k <= AHEAD_BLOCKS + 1; k++) wanted.push(d > 0 ? hi + k : lo - k);
    for (const b of wanted) {
      if (pending.current.size >= MAX_IN_FLIGHT) break;
      if (b < 0 || b > lastBlock || blocks.current.has(b) || pending.current.has(b)) continue;
      pending.current.add(b);
      const g = gen.current;
      void ask({ from: b * BLOCK_ROWS, count: BLOCK_ROWS }, true).then(() => {
        if (g !== gen.current) return;
        pending.current.delete(b);
        setTick((x) => x + 1);
      });
    }
    if (blocks.current.size > KEEP_BLOCKS) {
      const old = [...blocks.current.values()].filter((x) => x.index < lo - 1 || x.index > hi + 1).sort((x, y) => x.shown - y.shown);
      for (const x of old.slice(0, blocks.current.size - KEEP_BLOCKS)) blocks.current.delete(x.index);
    }
  });

  const timeWindow: TimeWindow = useMemo(() => {
    const any = blocks.current.values().next().value as Block | undefined;
    return zoom ?? { start: 0, end: Math.max(1, any?.v.t.durationNs ?? 1) };
  }, [zoom, info, blocks.current.size > 0]); // eslint-disable-line react-hooks/exhaustive-deps

  renders.current++;
  for (let b = Math.floor(first / BLOCK_ROWS); b <= Math.floor(Math.max(first, last - 1) / BLOCK_ROWS); b++) {
    const x = blocks.current.get(b);
    if (x) x.shown = renders.current;
  }
  const items = [];
  let shownRows = 0;
  let selectedAt: { b: Block; j: number } | null = null;
  for (let i = first; i < last; i++) {
    const b = blocks.current.get(Math.floor(i / BLOCK_ROWS));
    const j = i - (b?.meta.from ?? 0);
    if (!b || j >= b.meta.rows.length) {
      items.push(<div key={`p${i}`} className="row placeholder" role="row" aria-rowindex={i + 1} style={{ top: i * ROW_HEIGHT }} />);
      continue;
    }
    shownRows++;
    const row = b.meta.rows[j];
    items.push(
      <Row
        key={`r${row}`}
        v={b.v}
        r={j}
        index={i}
        selected={row === selected}
        collapsed={b.meta.collapsed[j] === 1}
        match={b.meta.match[j] === 1}
        critical={b.meta.critical[j] === 1}
        ws={timeWindow.start}
        we={timeWindow.end}
        nameWidth={nameWidth}
        actions={b.actions}
      />,
    );
  }
  for (const b of blocks.current.values()) {
    const j = b.meta.rows.indexOf(selected);
    if (j >= 0) selectedAt = { b, j };
  }

  // for the benchmarks: the first rows painted (a windowed trace has no later "whole trace")
  useLayoutEffect(() => {
    if (firstPainted.current || shownRows === 0) return;
    firstPainted.current = true;
    if (document.activeElement === document.body || !document.activeElement) vp.current?.focus();
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.mark('traceExplorer.firstRows');
        performance.mark('traceExplorer.wholeTrace');
      }, 0),
    );
  });

  // details on demand
  const selectedId = selectedAt ? selectedAt.b.v.t.spanId(selectedAt.j) : '';
  useEffect(() => {
    if (!detailsOpen || !selectedId) return;
    let live = true;
    setDetail({ spanId: selectedId });
    ipc.request(GetSpanDetail, { spanId: selectedId }).then(
      (d) => live && setDetail({ spanId: selectedId, detail: d }),
      (e: Error) => live && setDetail({ spanId: selectedId, error: e.message }),
    );
    return () => {
      live = false;
    };
  }, [ipc, detailsOpen, selectedId]);

  // find: the receiver searches every span; typing goes to the first match from the selection on
  const applied = useRef({ query: '', hide: false });
  useEffect(() => {
    if (!info || (applied.current.query === query && applied.current.hide === hide)) return;
    const h = setTimeout(() => {
      applied.current = { query, hide };
      const sel = latest.current.selected;
      void op([{ kind: 'find', query, hide }], query.trim() ? { kind: 'firstMatch', from: Math.max(0, sel) } : undefined).then(() => setFinds((n) => n + 1));
    }, FIND_DEBOUNCE_MS);
    return () => clearTimeout(h);
  }, [query, hide]); // eslint-disable-line react-hooks/exhaustive-deps

  const step = useCallback((dir: 1 | -1) => void op([], { kind: 'match', from: latest.current.selected, dir }), [op]);
  const stepError = useCallback((dir: 1 | -1) => {
    onWork();
    void op([], { kind: 'error', from: latest.current.selected, dir }, true);
  }, [op, onWork]);

  const indexOfSelected = (): number => {
    for (const b of blocks.current.values()) {
      const j = b.meta.rows.indexOf(latest.current.selected);
      if (j >= 0) return b.meta.from + j;
    }
    return -1;
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (!info || !total) return;
    const i = indexOfSelected();
    const move = (to: number) => {
      const k = Math.max(0, Math.min(total - 1, to));
      scrollToIndex(k);
      const b = blocks.current.get(Math.floor(k / BLOCK_ROWS));
      if (b && k - b.meta.from < b.meta.rows.length) setSelected(b.meta.rows[k - b.meta.from]);
      else void op([], undefined).then(() => {
        const nb = blocks.current.get(Math.floor(k / BLOCK_ROWS));
        if (nb && k - nb.meta.from < nb.meta.rows.length) setSelected(nb.meta.rows[k - nb.meta.from]);
      });
    };
    const page = Math.max(1, Math.floor((vp.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
    const sel = selectedAt;
    switch (e.key) {
      case 'ArrowDown': move(i + 1); break;
      case 'ArrowUp': move(i < 0 ? 0 : i - 1); break;
      case 'PageDown': move(i + page); break;
      case 'PageUp': move(i - page); break;
      case 'Home': move(0); break;
      case 'End': move(total - 1); break;
      case 'ArrowRight':
      case 'ArrowLeft': {
        if (!sel) return;
        const c = sel.b.meta.collapsed[sel.j] === 1;
        const kids = sel.b.meta.childCount[sel.j] > 0;
        if (kids && (e.key === 'ArrowRight') === c) void op([{ kind: 'toggle', row: selected, subtree: e.shiftKey }]);
        else if (e.key === 'ArrowRight') move(i + 1);
        break;
      }
      case 'Enter':
        if (selected >= 0) {
          setDetailsOpen(true);
          onWork();
        }
        break;
      case 'n': step(1); break;
      case 'N': step(-1); break;
      case 'e': stepError(1); break;
      case 'E': stepError(-1); break;
      case 'c': setCriticalOn(!critical); break;
      case '/':
        findInput.current?.focus();
        break;
      case 'Escape':
        if (detailsOpen) setDetailsOpen(false);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const setCriticalOn = (on: boolean) => {
    setCritical(on);
    void op([{ kind: 'critical', on }]);
  };

  const detailActions: DetailActions = useMemo(() => {
    const row = (j: number) => selectedAt?.b.meta.rows[j] ?? -1;
    const t = selectedAt?.b.v.t;
    return {
      copy: (text: string, what: string) => ipc.command(Copy, { text, what }),
      goToSource: (j: number) => t && ipc.command(GoToSource, { spanId: t.spanId(j) }),
      openFrame: (j: number, f: FrameRef) => t && ipc.command(OpenStackFrame, { file: f.file, line: f.line, column: f.column, function: f.function, spanId: t.spanId(j) }),
      openLink: (traceId: string, spanId: string) => ipc.command(OpenLinkedTrace, { traceId, spanId }),
      resolveFrames: async (frames: FrameRef[]) => frames.map(() => false),
      toggleSubtree: (j: number) => void op([{ kind: 'toggle', row: row(j), subtree: true }]),
      focusSubtree: (j: number) => {
        onWork();
        void op([{ kind: 'focus', row: row(j) }], { kind: 'row', row: row(j) });
      },
      close: () => setDetailsOpen(false),
    };
  }, [ipc, op, onWork, selectedAt?.b, selectedAt?.j]); // eslint-disable-line react-hooks/exhaustive-deps

  // the toolbar, the legend and the time axis do not move with the rows: kept from render to render (the scroll
  // position is this component's state, and each scroll group rendered them again, the find input's value read
  // back from the page every time)
  const durationNs = (blocks.current.values().next().value as Block | undefined)?.v.t.durationNs;
  const head = useMemo(
    () =>
      info && (
        <>
          <Toolbar
            query={query}
            onQuery={(q) => {
              setQuery(q);
              if (q.trim()) onWork();
            }}
            matchCount={info.matchCount}
            matchIndex={matchIndex}
            hide={hide}
            onHide={setHide}
            onStep={step}
            errorCount={info.errorCount}
            onError={stepError}
            critical={critical}
            onCritical={setCriticalOn}
            onCollapseAll={() => void op([{ kind: 'collapseAll' }])}
            onExpandAll={() => void op([{ kind: 'expandAll' }])}
            onLevel={(n) => void op([{ kind: 'level', n }])}
            tab={tab}
            onTab={(to) => {
              setTab(to);
              if (to === 'stats' && !stats) void ask({ stats: true, from: 0, count: 0 }).then((m) => m?.stats && setStats(m.stats));
            }}
            onServiceMap={() => ipc.command(ShowServiceMap, {})}
            inputRef={findInput}
            onFindKey={(e) => {
              if (e.key === 'Enter') {
                step(e.shiftKey ? -1 : 1);
                e.preventDefault();
              }
            }}
            lead={lead}
          />
          <div className="legend" data-testid="legend">
            <span className="trace-id">{params.traceId}</span>
            <span>{`${formatCount(info.spanCount)} spans`}</span>
            {durationNs !== undefined && <span>{formatDuration(durationNs)}</span>}
            <span className="windowed-note" data-testid="windowed" title="The receiver holds this trace; the panel asks for the rows it shows. Find, collapse, errors and the critical path cover every span.">
              {`windowed · ${formatCount(total)} rows shown`}
            </span>
          </div>
        </>
      ),
    [info, query, matchIndex, hide, critical, tab, stats, lead, total, durationNs, params.traceId, op, ask, step, stepError, onWork, ipc], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const axis = useMemo(() => <TimeAxis window={timeWindow} nameWidth={nameWidth} onZoom={setZoom} onNameWidth={onNameWidth} />, [timeWindow, nameWidth, onNameWidth]);
  const ticks = useMemo(() => <TickLines window={timeWindow} nameWidth={nameWidth} />, [timeWindow, nameWidth]);

  if (!info) {
    return (
      <div className="app empty">
        <div className={`banner ${error ? 'error' : 'loading'}`} role={error ? 'alert' : 'status'} data-testid="status">
          {error
            ? `Could not load the trace: ${error}`
            : `Loading a trace of ${formatCount(params.spanCount)} spans… (the receiver orders a trace this big once, on its first open: up to a minute)`}
          {error && (
            <button className="btn secondary" onClick={() => void op([])}>
              Retry
            </button>
          )}
        </div>
      </div>
    );
  }
  return (
    <div className="app" data-vscode-context={JSON.stringify({ webviewSection: 'trace', traceId: params.traceId })}>
      {error && <div className="banner error" role="alert">{`Could not load rows: ${error}`}</div>}
      {head}
      {tab === 'stats' &&
        (stats ? (
          <StatTables
            services={stats.services}
            operations={stats.operations}
            colorOf={new Map(info.services.map((s, i) => [s, SERVICE_COLORS[i % SERVICE_COLORS.length]]))}
            onFind={(q) => {
              setQuery(q);
              setTab('waterfall');
              onWork();
            }}
            note={stats.operationsLeftOff ? `and ${formatCount(stats.operationsLeftOff)} more operations with less self time` : undefined}
          />
        ) : (
          <div className="no-rows">{`Working out the statistics of ${formatCount(info.spanCount)} spans…`}</div>
        ))}
      {tab === 'waterfall' && minimap && <Minimap summary={minimap} window={timeWindow} zoomed={zoom !== null} onZoom={setZoom} />}
      <div className={`main${detailsOpen && selectedAt ? ' with-details' : ''}`} style={tab === 'stats' ? { display: 'none' } : undefined}>
        {tab === 'flame' && (
          <WindowedFlame
            key={`${params.traceId} ${params.spanCount}`}
            fetchFlame={fetchFlame}
            services={info.services}
            spanCount={info.spanCount}
            selected={selected}
            onSelect={(row) => {
              onWork();
              // the row's block comes with the answer: the details show it
              void op([], { kind: 'row', row }, true);
            }}
            findKey={`${finds}`}
          />
        )}
        <div className="waterfall" style={tab === 'flame' ? { display: 'none' } : undefined}>
          {axis}
          <div className="rows-area">
            {ticks}
            <div
              ref={vp}
              className={`viewport${critical ? ' critical-on' : ''}`}
              role="treegrid"
              aria-label="Spans"
              aria-rowcount={total}
              tabIndex={0}
              onScroll={(e) => setScrollQuantized(e.currentTarget.scrollTop)}
              onKeyDown={onKey}
            >
              <div className="spacer" style={{ height: total * ROW_HEIGHT }} role="presentation">
                {items}
              </div>
            </div>
            {total === 0 && <div className="no-rows">{query ? 'No span matches the find query' : 'This trace has no spans'}</div>}
          </div>
        </div>
        {detailsOpen && selectedAt && (
          <Details
            view={selectedAt.b.v}
            row={selectedAt.j}
            width={detailsWidth}
            state={detail && detail.spanId === selectedId ? detail : null}
            onCritical={selectedAt.b.meta.critical[selectedAt.j] === 1}
            actions={detailActions}
          />
        )}
      </div>
    </div>
  );
}

/** the parts of an answer the toolbar and legend show: the same ones keep the state (no re-render of them) */
function sameSummary(a: WindowMeta, b: WindowMeta): boolean {
  return a.view === b.view && a.total === b.total && a.spanCount === b.spanCount && a.matchCount === b.matchCount && a.errorCount === b.errorCount
    && a.target === b.target && a.rootName === b.rootName && a.services.length === b.services.length;
}
