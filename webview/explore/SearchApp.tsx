// The trace search page: scatter plot over the table, the filter box, Only errors, a time window and the
// live/paused toggle. Summaries come as columns (src/protocol/exploreColumns.ts); filtering and sorting run
// here on typed arrays, so a keystroke never waits for the host.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { decodeSummaryColumns, type SummaryColumns } from '../../src/protocol/exploreColumns';
import {
  ExploreReady, GetVocabulary, ReportExploreError, MatchAttributes, RefreshSummaries, RestrictTraces, RunTraceAction, ShowSummaries,
  SummariesChanged, type ExploreVocabulary, type TraceAction,
} from '../../src/protocol/explore';
import { parseFilter, filterProblem } from '../../src/tracelist/filter';
import { filterRows, nameIndex, sortRows, type Brush, type SortKey } from '../../src/explore/columnFilter';
import { groupDigits, plural } from '../../src/tracelist/format';
import type { ExploreIpc } from './ipc';
import { resolveColors, serviceSlotsByName, type PlotColors } from './colors';
import { ScatterPlot } from './ScatterPlot';
import { TraceTable } from './TraceTable';
import { FilterBox } from './FilterBox';

const WINDOWS: { id: string; label: string; ms: number | null }[] = [
  { id: 'all', label: 'All stored', ms: null },
  { id: '5m', label: 'Last 5 minutes', ms: 5 * 60_000 },
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
];
const LIVE_EVERY_MS = 2000;
const EMPTY_VOCAB: ExploreVocabulary = { services: [], operations: [], attributeKeys: [] };

interface Loaded {
  cols: SummaryColumns;
  names: ReturnType<typeof nameIndex>;
  slots: Int32Array;
}

export function SearchApp({ ipc }: { ipc: ExploreIpc }) {
  const saved = ipc.state;
  const [data, setData] = useState<Loaded | null>(null);
  const [canCompare, setCanCompare] = useState(false);
  const [text, setText] = useState(typeof saved.filter === 'string' ? saved.filter : '');
  const [onlyErrors, setOnlyErrors] = useState(saved.onlyErrors === true);
  const [windowId, setWindowId] = useState(typeof saved.window === 'string' ? saved.window : 'all');
  const [logScale, setLogScale] = useState(saved.log !== false);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'start', descending: true });
  const [brush, setBrush] = useState<Brush | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [anchor, setAnchor] = useState<number>(-1);
  const [live, setLive] = useState(saved.live !== false);
  const [pointerInside, setPointerInside] = useState(false);
  const [pendingNew, setPendingNew] = useState(0);
  const [dirty, setDirty] = useState(false);
  const [vocab, setVocab] = useState<ExploreVocabulary>(EMPTY_VOCAB);
  const [restrict, setRestrict] = useState<{ label: string; ids: ReadonlySet<string> } | null>(null);
  const [attrMatch, setAttrMatch] = useState<{ key: string; ids: ReadonlySet<string> | null }>({ key: '', ids: null });
  const [colors, setColors] = useState<PlotColors | null>(null);
  const firstPaint = useRef(false);
  const shows = useRef<Promise<void>>(Promise.resolve());
  const firstShown = useRef<(() => void) | null>(null);
  const lastRefresh = useRef(0);

  // subscribed and `ready` said before the first frame: the summaries the host queued come a frame sooner
  useLayoutEffect(() => {
    setColors(resolveColors());
    // a theme change swaps the body's classes: the canvas needs the new colours
    const mo = new MutationObserver(() => setColors(resolveColors()));
    mo.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    const offs = [
      ipc.on(ShowSummaries, (p) => {
        // in order; after a first screen, every row waits until that screen was shown (or a second passed:
        // a hidden page draws no frames), so its long task does not hold the first frame back
        shows.current = shows.current.then(() => {
          const cols = decodeSummaryColumns(p.columns);
          const names = nameIndex(cols);
          setCanCompare(p.canCompare);
          setPendingNew(0);
          setDirty(false);
          setData({ cols, names, slots: serviceSlotsByName(new Map([...names.ids].map((i) => [i, cols.string(i)])), cols.stringCount) });
          // a first screen is followed by every row: ask for the completion words once, with those
          if (!cols.first) {
            ipc.request(GetVocabulary, {}).then(setVocab, () => undefined);
            return undefined;
          }
          return new Promise<void>((resolve) => {
            firstShown.current = resolve;
            setTimeout(resolve, 1000);
          });
        }).catch((e: unknown) => {
          // columns it cannot read: said to the host (its log), and the next ones still shown
          ipc.command(ReportExploreError, { message: `search page: ${e instanceof Error ? e.message : String(e)}` });
        });
      }),
      ipc.on(SummariesChanged, (p) => {
        setPendingNew((n) => n + p.added);
        setDirty(true);
      }),
      ipc.on(RestrictTraces, (p) => {
        setRestrict(p.traceIds ? { label: p.label, ids: new Set(p.traceIds) } : null);
        setBrush(null);
      }),
    ];
    ipc.command(ExploreReady, {});
    return () => {
      mo.disconnect();
      for (const off of offs) off();
    };
  }, [ipc]);

  useEffect(() => ipc.patchState({ filter: text, onlyErrors, window: windowId, log: logScale, live }), [ipc, text, onlyErrors, windowId, logScale, live]);

  // live: new traces come in unless the pointer is over the plot or the table (then "N new" waits)
  useEffect(() => {
    if (!live || pointerInside || !dirty) return;
    // at most one refresh every LIVE_EVERY_MS: a busy app must not keep the page redrawing 100,000 points
    const wait = Math.max(250, LIVE_EVERY_MS - (Date.now() - lastRefresh.current));
    const t = setTimeout(() => {
      lastRefresh.current = Date.now();
      ipc.command(RefreshSummaries, {});
    }, wait);
    return () => clearTimeout(t);
  }, [ipc, live, pointerInside, dirty]);

  const filter = useMemo(() => parseFilter(text), [text]);
  const attrKey = JSON.stringify(filter.attributes);
  useEffect(() => {
    if (!filter.attributes.length) {
      // (the same object when already empty: a new one would render the page again for nothing)
      setAttrMatch((a) => (a.key === '' && a.ids === null ? a : { key: '', ids: null }));
      return;
    }
    const t = setTimeout(() => {
      ipc.request(MatchAttributes, { attributes: [...filter.attributes] }).then(
        (ids) => setAttrMatch({ key: attrKey, ids: new Set(ids) }),
        () => setAttrMatch({ key: attrKey, ids: new Set() }),
      );
    }, 200);
    return () => clearTimeout(t);
    // (the attribute terms, not the whole filter, decide the receiver's answer)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ipc, attrKey, data]);

  const order = useMemo(() => (data ? sortRows(data.cols, sort.key, sort.descending) : new Uint32Array(0)), [data, sort]);
  const only = useMemo(() => {
    const sets = [restrict?.ids, filter.attributes.length ? (attrMatch.key === attrKey ? attrMatch.ids : new Set<string>()) : null]
      .filter((s): s is ReadonlySet<string> => !!s);
    if (!sets.length) return null;
    if (sets.length === 1) return sets[0];
    return new Set([...sets[0]].filter((id) => sets[1].has(id)));
  }, [restrict, filter.attributes.length, attrMatch, attrKey]);
  const win = WINDOWS.find((w) => w.id === windowId) ?? WINDOWS[0];
  const query = useMemo(
    () => ({ filter, onlyErrors, fromMs: win.ms === null ? null : Date.now() - win.ms, toMs: null, brush, only }),
    // (data: a refresh re-reads "now" for the time window)
    [filter, onlyErrors, win, brush, only, data],
  );
  const plotRows = useMemo(() => (data ? filterRows(data.cols, data.names, order, query, true) : new Uint32Array(0)), [data, order, query]);
  const tableRows = useMemo(() => {
    const rows = data && brush ? filterRows(data.cols, data.names, plotRows, query) : plotRows;
    // a first screen: its first rows are the newest traces, the others only a sample for the plot
    return data?.cols.first ? rows.filter((r) => r < data.cols.first) : rows;
  }, [data, brush, plotRows, query]);

  const selectedRows = useMemo(() => {
    const out = new Set<number>();
    if (!data || !selected.size) return out;
    for (let r = 0; r < data.cols.n; r++) if (selected.has(data.cols.string(data.cols.traceId[r]))) out.add(r);
    return out;
  }, [data, selected]);

  const idOf = useCallback((r: number) => data!.cols.string(data!.cols.traceId[r]), [data]);
  const act = (action: TraceAction, ids: string[]) => ids.length && ipc.command(RunTraceAction, { action, traceIds: ids });
  const open = (r: number) => act('open', [idOf(r)]);

  const onSelect = (r: number, mode: 'only' | 'toggle' | 'range') => {
    const id = idOf(r);
    if (mode === 'only') setSelected(new Set([id]));
    else if (mode === 'toggle') {
      const next = new Set(selected);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      setSelected(next);
    } else {
      const a = tableRows.indexOf(anchor);
      const b = tableRows.indexOf(r);
      if (a < 0 || b < 0) setSelected(new Set([id]));
      else {
        const next = new Set<string>();
        for (let i = Math.min(a, b); i <= Math.max(a, b); i++) next.add(idOf(tableRows[i]));
        setSelected(next);
      }
      return;
    }
    setAnchor(r);
  };
  const ids = [...selected];
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && ids.length) act('open', ids.slice(0, 10));
    else if (e.key === 'Delete' && ids.length) act('remove', ids);
    else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && tableRows.length) {
      const at = tableRows.indexOf(anchor);
      const next = Math.max(0, Math.min(tableRows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)));
      onSelect(tableRows[next], 'only');
      e.preventDefault();
    } else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) {
      setSelected(new Set(Array.from(tableRows.subarray(0, 10_000), idOf)));
      e.preventDefault();
    }
  };

  const shownWhole = useRef(false);
  const whole = !!data && !data.cols.first;
  const wholeRef = useRef(whole);
  wholeRef.current = whole;
  const onPainted = useCallback(() => {
    // the plot is drawn and the table's rows are in the DOM: mark once the frame is on screen (the first
    // paint, maybe of a first screen; then the first paint of every row)
    const marks: string[] = [];
    if (!firstPaint.current) marks.push('traceExplorer.explore.firstPaint');
    if (wholeRef.current && !shownWhole.current) marks.push('traceExplorer.explore.allRowsPaint');
    firstPaint.current = true;
    if (wholeRef.current) shownWhole.current = true;
    const shown = firstShown.current;
    firstShown.current = null;
    if (marks.length || shown) {
      requestAnimationFrame(() =>
        setTimeout(() => {
          marks.forEach((m) => performance.mark(m));
          shown?.();
        }, 0),
      );
    }
  }, []);

  const serviceColor = useCallback((i: number) => (colors && data ? colors.services[data.slots[i] % colors.services.length] : ''), [colors, data]);
  const problem = filterProblem(filter)?.replace(/^Not applied: /, 'Ignored: ').replace(/ Correct it, or press Escape to keep the previous filter\.$/, '');
  if (!data || !colors) return <div className="loading">Loading traces…</div>;
  const { cols } = data;
  const searching = filter.attributes.length > 0 && attrMatch.key !== attrKey;
  return (
    <div className="search">
      <div className="toolbar" role="toolbar" aria-label="Search">
        <FilterBox value={text} vocabulary={vocab} problem={problem} onChange={setText} />
        <label className="check">
          <input type="checkbox" checked={onlyErrors} onChange={(e) => setOnlyErrors(e.target.checked)} /> Only errors
        </label>
        <select aria-label="Time window" value={windowId} onChange={(e) => setWindowId(e.target.value)}>
          {WINDOWS.map((w) => <option key={w.id} value={w.id}>{w.label}</option>)}
        </select>
        <label className="check">
          <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} /> Log scale
        </label>
        <button
          className={`live${live ? ' on' : ''}`}
          aria-pressed={live}
          title={live ? 'New traces come in as they arrive (held while the pointer is over the plot or the table)' : 'Paused: new traces wait until you bring them in'}
          onClick={() => setLive(!live)}
        >
          {live ? '● Live' : '❚❚ Paused'}
        </button>
        {pendingNew > 0 && (!live || pointerInside) && (
          <button className="new" onClick={() => ipc.command(RefreshSummaries, {})}>{plural(pendingNew, 'new trace')}</button>
        )}
      </div>
      {restrict && (
        <div className="restrict" role="status">
          Showing the traces of {restrict.label} ({plural(restrict.ids.size, 'trace')})
          <button className="link" onClick={() => setRestrict(null)}>Show all traces</button>
        </div>
      )}
      <ScatterPlot
        cols={cols}
        rows={plotRows}
        slots={data.slots}
        colors={colors}
        log={logScale}
        brush={brush}
        selected={selectedRows}
        onBrush={setBrush}
        onOpen={open}
        onPointer={setPointerInside}
        onPainted={onPainted}
      />
      <div className="actions" role="toolbar" aria-label="Selected traces">
        <span className="count" role="status">
          {cols.first ? `${plural(cols.total, 'trace')} · loading` : plural(tableRows.length, 'trace')}
          {!cols.first && tableRows.length !== cols.n ? ` of ${groupDigits(cols.n)}` : ''}
          {searching ? ' · searching attributes…' : ''}
          {selected.size ? ` · ${selected.size} selected` : ''}
        </span>
        {brush && <button className="link" onClick={() => setBrush(null)}>Clear range</button>}
        <span className="spacer" />
        <button disabled={!ids.length} onClick={() => act('open', ids.slice(0, 10))}>Open</button>
        <button disabled={!ids.length} onClick={() => act('pin', ids)}>Pin</button>
        <button disabled={!ids.length} onClick={() => act('unpin', ids)}>Unpin</button>
        <button disabled={!ids.length} onClick={() => act('remove', ids)}>Remove</button>
        {canCompare && <button disabled={ids.length !== 2} onClick={() => act('compare', ids)}>Compare</button>}
        <button disabled={ids.length !== 1} onClick={() => act('copyAsFixture', ids)}>Copy as Fixture</button>
        <button disabled={!ids.length} onClick={() => act('copyId', ids)}>Copy ID</button>
        <button disabled={ids.length !== 1} onClick={() => act('serviceMap', ids)}>Service Map</button>
      </div>
      <TraceTable
        cols={cols}
        rows={tableRows}
        sort={sort}
        selected={selectedRows}
        serviceColor={serviceColor}
        onSort={(key) => setSort(sort.key === key ? { key, descending: !sort.descending } : { key, descending: key !== 'label' && key !== 'service' })}
        onSelect={onSelect}
        onOpen={open}
        onKey={onKey}
        onPointer={setPointerInside}
      />
    </div>
  );
}
