// The waterfall app: owns the view state (collapse, selection, zoom, find, critical path, details) and
// wires the pure model functions to the components. Trace data arrives packed (src/protocol/packedTrace.ts).
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { decodePackedTrace } from '../src/protocol/packedTrace';
import type { PackedTrace } from '../src/protocol/packedTrace';
import {
  Copy,
  FocusSpan,
  FocusSubtree,
  GetSpanDetail,
  ResolveFrames,
  isFrameRef,
  GoToSource,
  OpenLinkedTrace,
  OpenStackFrame,
  HeadShown,
  KeepPanel,
  ShowServiceMap,
  PreviewState,
  Ready,
  ReportError,
  ShowTrace,
  ShowWindowed,
  TraceStatus,
} from '../src/protocol/waterfall';
import type { TraceParams, TraceStatusParams, WindowedParams } from '../src/protocol/waterfall';
import { WindowedWaterfall } from './WindowedWaterfall';
import type { WebviewIpc } from './ipc';
import { collapseAll, expandToLevel, indexOfRow, keepWithAncestors, revealRow, setSubtree, visibleRows, withinSubtree } from './model/rows';
import { findMatches, firstFrom, listRows, stepTo } from './model/find';
import { criticalPath } from './model/criticalPath';
import { formatCount, plural, type TimeWindow } from './model/timeScale';
import type { FrameRef } from '../src/protocol/stackFrames';
import { makeTraceView } from './traceView';
import type { TraceView } from './traceView';
import { Rows } from './components/Rows';
import type { RowActions, RowsHandle } from './components/Rows';
import { TickLines, TimeAxis } from './components/TimeAxis';
import { Minimap } from './components/Minimap';
import { Toolbar } from './components/Toolbar';
import type { PanelTab } from './components/Toolbar';
import { FlameGraph } from './components/FlameGraph';
import { PreviewMark } from './components/PreviewMark';
import { Legend } from './components/Legend';
import { Details } from './components/Details';
import type { DetailActions, DetailState } from './components/Details';
import { Stats } from './components/Stats';
import { DetailsSplitter, clampNameWidth, validWidth } from './components/DetailsSplitter';

const EMPTY: Uint8Array = new Uint8Array(0);

export function App({ ipc }: { ipc: WebviewIpc }) {
  const [view, setView] = useState<TraceView | null>(null);
  /** a trace too big to send whole: the receiver serves its rows (WindowedWaterfall) */
  const [windowed, setWindowed] = useState<WindowedParams | null>(null);
  const [status, setStatus] = useState<TraceStatusParams | null>(null);
  const [collapsed, setCollapsed] = useState<Uint8Array>(EMPTY);
  const [selected, setSelected] = useState(-1);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [zoom, setZoom] = useState<TimeWindow | null>(null);
  const [query, setQuery] = useState('');
  const [hide, setHide] = useState(false);
  const [critical, setCritical] = useState(false);
  const [tab, setTab] = useState<PanelTab>('waterfall');
  // the layout the user dragged, remembered with the webview's state (a recreated webview keeps it)
  const [nameWidth, setNameWidthRaw] = useState(() => clampNameWidth(ipc.state?.nameWidth));
  const [detailsWidth, setDetailsWidthRaw] = useState<number | null>(() => validWidth(ipc.state?.detailsWidth));
  const [detail, setDetail] = useState<DetailState | null>(null);
  const [revealSeq, setRevealSeq] = useState(0);
  /** Focus Subtree: only this row's subtree is shown (-1: the whole trace) */
  const [focusRoot, setFocusRoot] = useState(-1);
  /** the preview panel (the next trace opened replaces this one); the user's work in it keeps it */
  const [preview, setPreview] = useState(false);
  const previewRef = useRef(false);
  previewRef.current = preview;
  const keepPanel = useCallback(() => {
    if (!previewRef.current) return;
    previewRef.current = false;
    setPreview(false);
    ipc.command(KeepPanel, {});
  }, [ipc]);

  const rowsHandle = useRef<RowsHandle>(null);
  const findInput = useRef<HTMLInputElement>(null);
  const pendingAnchor = useRef<{ spanId: string; offset: number } | null>(null);
  const firstRowsMarked = useRef(false);
  const latest = useRef({ view, collapsed, selected, rows: new Int32Array(0) as Int32Array, detailsOpen, focusRoot });

  const t = view?.t ?? null;
  const deferredQuery = useDeferredValue(query);
  const match = useMemo(() => (t ? findMatches(t, deferredQuery) : null), [t, deferredQuery]);
  const matchList = useMemo(() => (match ? listRows(match) : new Int32Array(0)), [match]);
  const keep = useMemo(() => (t && hide && match ? keepWithAncestors(t, match) : null), [t, hide, match]);
  const rows = useMemo(() => {
    if (!t || collapsed.length !== t.spanCount) return new Int32Array(0);
    const all = visibleRows(t, collapsed, keep);
    return focusRoot >= 0 && focusRoot < t.spanCount ? withinSubtree(t, all, focusRoot) : all;
  }, [t, collapsed, keep, focusRoot]);
  const cp = useMemo(() => (t && critical ? criticalPath(t).onPath : null), [t, critical]);
  const timeWindow: TimeWindow = useMemo(() => zoom ?? { start: 0, end: Math.max(1, t?.durationNs ?? 1) }, [zoom, t]);
  latest.current = { view, collapsed, selected, rows, detailsOpen, focusRoot };

  const setNameWidth = useCallback(
    (f: number) => {
      setNameWidthRaw(f);
      const s = ipc.state;
      if (s) ipc.patchState({ traceId: s.traceId, nameWidth: f });
    },
    [ipc],
  );
  const setDetailsWidth = useCallback(
    (px: number | null) => {
      setDetailsWidthRaw(px);
      const s = ipc.state;
      if (s) ipc.patchState({ traceId: s.traceId, detailsWidth: px ?? undefined });
    },
    [ipc],
  );

  // ---------------------------------------------------------------- messages from the host
  useEffect(() => {
    const offWindowed = ipc.on(ShowWindowed, (p: WindowedParams) => {
      setStatus(null);
      setView(null);
      setWindowed((w) => (p.update && w?.traceId === p.traceId ? { ...p } : p));
      ipc.patchState({ traceId: p.traceId });
    });
    const offTrace = ipc.on(ShowTrace, (p: TraceParams) => {
      setWindowed(null);
      // once per trace opened here, for the workbench bench (a live trace is sent again and again, as updates;
      // a preview panel gets one trace after another)
      if (!p.update) performance.mark('traceExplorer.traceReceived');
      let next: PackedTrace;
      try {
        next = decodePackedTrace(p.packed);
      } catch (e) {
        const message = (e as Error).message;
        setStatus({ traceId: p.traceId, state: 'error', message });
        ipc.command(ReportError, { message });
        return;
      }
      const prev = latest.current;
      const nv = makeTraceView(next);
      let nextCollapsed: Uint8Array = new Uint8Array(next.spanCount);
      let nextSelected = -1;
      let nextFocus = -1;
      // an update only means something to a webview that shows the trace (a recreated one starts afresh)
      const isUpdate = p.update && prev.view !== null && prev.view.t.traceId === next.traceId;
      // the whole trace after its head (the first rows, painted while the rest was on its way)
      const completing = isUpdate && prev.view!.t.partial;
      if (isUpdate && prev.view) {
        // the trace grew: carry collapse, selection and the scroll anchor over by span id
        const old = prev.view.t;
        for (let r = 0; r < old.spanCount; r++) {
          if (prev.collapsed[r]) {
            const nr = next.rowOf(old.spanId(r));
            if (nr >= 0) nextCollapsed[nr] = 1;
          }
        }
        if (prev.selected >= 0) nextSelected = next.rowOf(old.spanId(prev.selected));
        if (prev.focusRoot >= 0) nextFocus = next.rowOf(old.spanId(prev.focusRoot));
        const a = rowsHandle.current?.anchor();
        if (a && a.index < prev.rows.length) pendingAnchor.current = { spanId: old.spanId(prev.rows[a.index]), offset: a.offset };
      } else {
        firstRowsMarked.current = false;
        setZoom(null);
        setDetail(null);
        setDetailsOpen(false);
      }
      // a webview VS Code recreated (hidden, then shown; or restored after a reload) keeps its selection
      const remembered = (!isUpdate || (completing && prev.selected < 0)) && !p.focusSpanId ? ipc.state : undefined;
      if (remembered?.traceId === p.traceId && remembered.selectedSpanId) {
        const rr = next.rowOf(remembered.selectedSpanId);
        if (rr >= 0) {
          nextCollapsed = revealRow(next, nextCollapsed, rr);
          nextSelected = rr;
          setRevealSeq((x) => x + 1);
        }
      }
      if (p.focusSpanId) {
        const fr = next.rowOf(p.focusSpanId);
        if (fr >= 0) {
          nextCollapsed = revealRow(next, nextCollapsed, fr);
          nextSelected = fr;
          setDetailsOpen(true);
          setRevealSeq((x) => x + 1);
        }
      }
      setStatus(null);
      setFocusRoot(nextFocus);
      setView(nv);
      setCollapsed(nextCollapsed);
      setSelected(nextSelected);
      ipc.patchState({ traceId: p.traceId, selectedSpanId: nextSelected >= 0 ? next.spanId(nextSelected) : undefined });
    });
    const offStatus = ipc.on(TraceStatus, (p: TraceStatusParams) => setStatus(p));
    const offPreview = ipc.on(PreviewState, (p) => setPreview(p.preview));
    const offSubtree = ipc.on(FocusSubtree, ({ spanId }) => {
      const cur = latest.current.view;
      const r = cur ? cur.t.rowOf(spanId) : -1;
      if (cur && r >= 0) focusSubtree.current(cur.t, r);
    });
    const offFocus = ipc.on(FocusSpan, ({ spanId }) => {
      const cur = latest.current.view;
      if (!cur) return;
      const r = cur.t.rowOf(spanId);
      if (r < 0) return;
      setCollapsed((c) => revealRow(cur.t, c, r));
      setSelected(r);
      setDetailsOpen(true);
      setRevealSeq((x) => x + 1);
    });
    // The handlers exist: what the host sent after the early `ready` (main.tsx) comes to them now, in order.
    // A remounted App (error boundary) says `ready` again and the host sends the trace again.
    if (!ipc.listening()) {
      performance.mark('traceExplorer.ready'); // for the workbench bench (bench/waterfall-workbench.mjs)
      ipc.command(Ready, {});
    }
    return () => {
      offTrace();
      offWindowed();
      offStatus();
      offPreview();
      offSubtree();
      offFocus();
    };
  }, [ipc]);

  // keep the same span at the top of the viewport after a live update
  useLayoutEffect(() => {
    const a = pendingAnchor.current;
    if (!a || !t) return;
    pendingAnchor.current = null;
    const r = t.rowOf(a.spanId);
    const i = r >= 0 ? indexOfRow(rows, r) : -1;
    if (i >= 0) rowsHandle.current?.restoreAnchor(i, a.offset);
  }, [rows, t]);

  useLayoutEffect(() => {
    if (revealSeq && selected >= 0) rowsHandle.current?.ensureVisible(indexOfRow(rows, selected));
  }, [revealSeq]); // eslint-disable-line react-hooks/exhaustive-deps

  // details on demand
  const selectedId = t && selected >= 0 ? t.spanId(selected) : '';
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
  }, [ipc, detailsOpen, selectedId, view]);

  useEffect(() => {
    if (t) ipc.patchState({ traceId: t.traceId, selectedSpanId: selectedId || undefined });
  }, [ipc, t, selectedId]);

  // ---------------------------------------------------------------- actions
  const goTo = useCallback(
    (r: number, openDetails = false) => {
      if (!t || r < 0) return;
      // a row outside the focused subtree (a find match, the next error) brings the whole trace back
      if (focusRoot >= 0 && (r < focusRoot || r >= t.subtreeEnd[focusRoot])) {
        setFocusRoot(-1);
        setZoom(null);
      }
      setCollapsed((c) => revealRow(t, c, r));
      if (keep && !keep[r]) setHide(false);
      setSelected(r);
      if (openDetails) {
        setDetailsOpen(true);
        keepPanel();
      }
      setRevealSeq((x) => x + 1);
    },
    [t, keep, focusRoot, keepPanel],
  );

  // the subtree alone, its root selected and the time axis zoomed to the root's span
  const focusSubtree = useRef((tr: PackedTrace, r: number) => {
    setFocusRoot(r);
    setCollapsed((c) => revealRow(tr, c, r));
    setSelected(r);
    setZoom(tr.end[r] > tr.start[r] ? { start: tr.start[r], end: tr.end[r] } : null);
    setRevealSeq((x) => x + 1);
  });
  const unfocus = useCallback(() => {
    setFocusRoot(-1);
    setZoom(null);
    setRevealSeq((x) => x + 1);
  }, []);

  const toggle = useCallback(
    (r: number, subtree: boolean) => {
      if (!t) return;
      setCollapsed((c) => {
        if (subtree) return setSubtree(t, c, r, !c[r]);
        const n = c.slice();
        n[r] = n[r] ? 0 : 1;
        return n;
      });
    },
    [t],
  );

  const copy = useCallback((text: string, what: string) => ipc.command(Copy, { text, what }), [ipc]);
  const goToSource = useCallback((r: number) => t && ipc.command(GoToSource, { spanId: t.spanId(r) }), [ipc, t]);

  const rowActions: RowActions = useMemo(
    () => ({
      select: (r) => setSelected(r),
      openDetails: (r) => {
        setSelected(r);
        setDetailsOpen(true);
        keepPanel();
      },
      toggle,
      goToSource,
    }),
    [toggle, goToSource, keepPanel],
  );

  const detailActions: DetailActions = useMemo(
    () => ({
      copy,
      goToSource,
      openFrame: (r: number, f: FrameRef) =>
        t && ipc.command(OpenStackFrame, { file: f.file, line: f.line, column: f.column, function: f.function, spanId: t.spanId(r) }),
      openLink: (traceId: string, spanId: string) => ipc.command(OpenLinkedTrace, { traceId, spanId }),
      resolveFrames: async (frames: FrameRef[]) => {
        // only frames the host would accept are asked about (one odd frame must not refuse the others)
        const refs = frames.map((f) => (f.column === undefined ? { file: f.file, line: f.line } : { file: f.file, line: f.line, column: f.column }));
        const asked = refs.flatMap((f, i) => (isFrameRef(f) ? [i] : []));
        const ok = asked.length ? await ipc.request(ResolveFrames, { frames: asked.map((i) => refs[i]) }) : [];
        const out = frames.map(() => false);
        asked.forEach((i, k) => (out[i] = ok[k] === true));
        return out;
      },
      toggleSubtree: (r: number, c: boolean) => t && setCollapsed((x) => setSubtree(t, x, r, c)),
      focusSubtree: (r: number) => {
        if (!t) return;
        keepPanel();
        focusSubtree.current(t, r);
      },
      close: () => {
        setDetailsOpen(false);
        rowsHandle.current?.focus();
      },
    }),
    [copy, goToSource, ipc, t, keepPanel],
  );

  const step = useCallback((dir: 1 | -1) => goTo(stepTo(matchList, selected, dir)), [goTo, matchList, selected]);

  // typing in find goes to a match at once and scrolls it into view: the selection when it still matches
  // (the query was made longer), else the first match from it on. A live update of the trace recomputes the
  // matches but does not move the selection.
  const jumpedFor = useRef('');
  useEffect(() => {
    if (!t || !match || deferredQuery === jumpedFor.current) return;
    jumpedFor.current = deferredQuery;
    const sel = latest.current.selected;
    if (sel >= 0 && match[sel]) {
      setRevealSeq((x) => x + 1);
      return;
    }
    const to = firstFrom(matchList, sel);
    if (to >= 0) goTo(to);
  }, [t, match, matchList, deferredQuery, goTo]);
  useEffect(() => {
    if (!deferredQuery) jumpedFor.current = '';
  }, [deferredQuery]);
  const stepError = useCallback((dir: 1 | -1) => view && goTo(stepTo(view.errors, selected, dir), true), [goTo, view, selected]);
  const stepFlagged = useCallback(() => view && goTo(stepTo(view.flagged, selected, 1)), [goTo, view, selected]);

  const onGridKey = useCallback(
    (e: React.KeyboardEvent) => {
      if (!t || !rows.length) return;
      const i = selected >= 0 ? indexOfRow(rows, selected) : -1;
      const move = (to: number) => {
        const k = Math.max(0, Math.min(rows.length - 1, to));
        setSelected(rows[k]);
        rowsHandle.current?.ensureVisible(k);
      };
      const page = rowsHandle.current?.pageSize() ?? 20;
      switch (e.key) {
        case 'ArrowDown':
          move(i + 1);
          break;
        case 'ArrowUp':
          move(i < 0 ? 0 : i - 1);
          break;
        case 'PageDown':
          move(i + page);
          break;
        case 'PageUp':
          move(i - page);
          break;
        case 'Home':
          move(0);
          break;
        case 'End':
          move(rows.length - 1);
          break;
        case 'ArrowRight':
          if (selected < 0) move(0);
          else if (t.childCount[selected] > 0) {
            if (e.shiftKey) setCollapsed((c) => setSubtree(t, c, selected, false));
            else if (collapsed[selected]) toggle(selected, false);
            else move(i + 1);
          }
          break;
        case 'ArrowLeft':
          if (selected < 0) break;
          if (e.shiftKey && t.childCount[selected] > 0) setCollapsed((c) => setSubtree(t, c, selected, true));
          else if (t.childCount[selected] > 0 && !collapsed[selected]) toggle(selected, false);
          else if (t.parent[selected] >= 0) {
            const pi = indexOfRow(rows, t.parent[selected]);
            if (pi >= 0) move(pi);
          }
          break;
        case '*':
          if (selected >= 0) setCollapsed((c) => setSubtree(t, c, selected, false));
          break;
        case 'Enter':
          if (selected >= 0) {
            setDetailsOpen(true);
            keepPanel();
          } else move(0);
          break;
        default:
          return;
      }
      e.preventDefault();
    },
    [t, rows, selected, collapsed, toggle, keepPanel],
  );

  const onAppKey = useCallback(
    (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const target = e.target as HTMLElement;
      const typing = target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
      if (e.key === 'Escape') {
        if (query) setQuery('');
        else if (detailsOpen) setDetailsOpen(false);
        else if (focusRoot >= 0) unfocus();
        else if (zoom) setZoom(null);
        if (typing) rowsHandle.current?.focus();
        e.preventDefault();
        return;
      }
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      switch (e.key) {
        case '/':
          findInput.current?.focus();
          findInput.current?.select();
          break;
        case 'n':
          step(1);
          break;
        case 'N':
          step(-1);
          break;
        case 'e':
          stepError(1);
          break;
        case 'E':
          stepError(-1);
          break;
        case 'c':
          setCritical((x) => !x);
          break;
        default:
          return;
      }
      e.preventDefault();
    },
    [query, detailsOpen, focusRoot, unfocus, zoom, step, stepError],
  );

  // on the window: when the panel gets focus, the body is the active element
  const appKey = useRef(onAppKey);
  appKey.current = onAppKey;
  useEffect(() => {
    const fn = (e: KeyboardEvent) => appKey.current(e);
    window.addEventListener('keydown', fn);
    return () => window.removeEventListener('keydown', fn);
  }, []);

  const onFindKey = useCallback(
    (e: React.KeyboardEvent<HTMLInputElement>) => {
      if (e.key === 'Enter') {
        step(e.shiftKey ? -1 : 1);
        e.preventDefault();
      } else if (e.key === 'ArrowDown') {
        rowsHandle.current?.focus();
        e.preventDefault();
      }
    },
    [step],
  );

  const onFirstRows = useCallback(() => {
    if (firstRowsMarked.current) return;
    firstRowsMarked.current = true;
    // keyboard navigation works at once (this does not take focus away from the editor: only the focused
    // element inside this frame changes)
    if (document.activeElement === document.body || !document.activeElement) rowsHandle.current?.focus();
    // after the browser has painted this frame; for a head, the host waits for this to send the rest
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.mark('traceExplorer.firstRows');
        const shown = latest.current.view?.t;
        if (shown?.partial) ipc.command(HeadShown, { traceId: shown.traceId });
      }, 0),
    );
  }, [ipc]);

  // once per document, for the benchmarks: the whole trace (not just its head) is painted
  useEffect(() => {
    if (!t || t.partial || performance.getEntriesByName('traceExplorer.wholeTrace').length) return;
    requestAnimationFrame(() => setTimeout(() => performance.mark('traceExplorer.wholeTrace'), 0));
  }, [t]);

  // finding is work in the panel: a preview panel is kept (as an edit keeps an editor's preview tab)
  const onQuery = useCallback(
    (q: string) => {
      setQuery(q);
      if (q.trim()) keepPanel();
    },
    [keepPanel],
  );
  const onFind = useCallback(
    (q: string) => {
      onQuery(q);
      setTab('waterfall');
    },
    [onQuery],
  );

  // ---------------------------------------------------------------- render
  if (windowed) {
    return (
      <>
        {status && <StatusBanner status={status} />}
        <WindowedWaterfall
          key={windowed.traceId}
          ipc={ipc}
          params={windowed}
          nameWidth={nameWidth}
          onNameWidth={setNameWidth}
          detailsWidth={detailsWidth}
          onWork={keepPanel}
          lead={preview ? <PreviewMark onKeep={keepPanel} /> : undefined}
        />
      </>
    );
  }
  if (!view || !t) {
    return (
      <div className="app empty">
        <StatusBanner status={status ?? { traceId: '', state: 'loading' }} />
      </div>
    );
  }
  const matchIndex = selected >= 0 && match?.[selected] ? indexOfRow(matchList, selected) + 1 : 0;
  return (
    <div className="app" data-vscode-context={JSON.stringify({ webviewSection: 'trace', traceId: t.traceId })}>
      {status && <StatusBanner status={status} />}
      <Toolbar
        query={query}
        onQuery={onQuery}
        matchCount={matchList.length}
        matchIndex={matchIndex}
        hide={hide}
        onHide={setHide}
        onStep={step}
        errorCount={view.errors.length}
        onError={stepError}
        critical={critical}
        onCritical={setCritical}
        onCollapseAll={() => setCollapsed(collapseAll(t))}
        onExpandAll={() => setCollapsed(new Uint8Array(t.spanCount))}
        onLevel={(n) => setCollapsed(expandToLevel(t, n))}
        tab={tab}
        onTab={setTab}
        onServiceMap={() => ipc.command(ShowServiceMap, {})}
        inputRef={findInput}
        onFindKey={onFindKey}
        lead={preview ? <PreviewMark onKeep={keepPanel} /> : undefined}
      />
      <Legend view={view} onFind={onFind} onFlagged={stepFlagged} />
      {tab === 'flame' ? (
        // the flame graph lays out the whole trace: not a head
        t.partial ? (
          <div className="no-rows">{`Loading all ${formatCount(t.totalSpanCount)} spans…`}</div>
        ) : (
          <div className={`main${detailsOpen && selected >= 0 ? ' with-details' : ''}`}>
            <FlameGraph view={view} match={match} selected={selected} onSelect={rowActions.openDetails} />
            {detailsOpen && selected >= 0 && (
              <>
                <DetailsSplitter width={detailsWidth} onWidth={setDetailsWidth} />
                <Details view={view} row={selected} width={detailsWidth} state={detail && detail.spanId === selectedId ? detail : null} onCritical={cp ? cp[selected] === 1 : false} actions={detailActions} />
              </>
            )}
          </div>
        )
      ) : tab === 'stats' ? (
        t.partial ? (
          <div className="no-rows">{`Loading all ${formatCount(t.totalSpanCount)} spans…`}</div>
        ) : (
          <Stats view={view} onFind={onFind} />
        )
      ) : (
        <>
          <Minimap view={view} window={timeWindow} zoomed={zoom !== null} onZoom={setZoom} />
          {focusRoot >= 0 && focusRoot < t.spanCount && (
            <div className="focus-bar" role="status" data-testid="focus-bar">
              <span>
                {'Showing the subtree of '}
                <b className="focus-name">{t.str(t.name[focusRoot])}</b>
                {` (${plural(t.subtreeEnd[focusRoot] - focusRoot, 'span')})`}
              </span>
              <button className="btn secondary" onClick={unfocus} title="Show every span of the trace again (Escape)">
                Show whole trace
              </button>
            </div>
          )}
          <div className={`main${detailsOpen && selected >= 0 ? ' with-details' : ''}`}>
            <div className="waterfall">
              <TimeAxis window={timeWindow} nameWidth={nameWidth} onZoom={setZoom} onNameWidth={setNameWidth} />
              <div className="rows-area">
                <TickLines window={timeWindow} nameWidth={nameWidth} />
                <Rows
                  handle={rowsHandle}
                  view={view}
                  rows={rows}
                  collapsed={collapsed}
                  selected={selected}
                  match={match}
                  critical={cp}
                  window={timeWindow}
                  nameWidth={nameWidth}
                  actions={rowActions}
                  onKeyDown={onGridKey}
                  onFirstRows={onFirstRows}
                />
                {rows.length === 0 && <div className="no-rows">{t.spanCount ? 'No span matches the find query' : 'This trace has no spans'}</div>}
              </div>
            </div>
            {detailsOpen && selected >= 0 && (
              <>
                <DetailsSplitter width={detailsWidth} onWidth={setDetailsWidth} />
                <Details
                  view={view}
                  row={selected}
                  width={detailsWidth}
                  state={detail && detail.spanId === selectedId ? detail : null}
                  onCritical={cp ? cp[selected] === 1 : false}
                  actions={detailActions}
                />
              </>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function StatusBanner({ status }: { status: TraceStatusParams }) {
  const text =
    status.state === 'loading'
      ? 'Loading trace…'
      : status.state === 'missing'
        ? `The receiver does not hold trace ${status.traceId} (it may have been evicted or cleared).`
        : status.state === 'removed'
          ? 'This trace was removed from the receiver. What you see is what was loaded.'
          : `Could not load the trace: ${status.message ?? 'unknown error'}`;
  return (
    <div className={`banner ${status.state}`} role={status.state === 'loading' ? 'status' : 'alert'} data-testid="status">
      {text}
      {status.message && status.state !== 'error' ? ` ${status.message}` : ''}
    </div>
  );
}
