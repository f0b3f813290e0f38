// The flame graph tab of a trace too big to send whole (WindowedWaterfall): the receiver keeps the layout of
// every span and sends the boxes the canvas can show for the zoom range (FlameRequest); they are drawn,
// hit-tested and zoomed by FlameGraph's own functions as a layout of their own (model/flameWindow.ts), so
// the page holds a screenful of boxes whatever the trace's size. Between an answer and the next, the boxes
// held are drawn at the new zoom: panning and zooming never wait for the receiver.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { decodePackedTrace } from '../../src/protocol/packedTrace';
import type { FlameBoxes, FlameRequest } from '../../src/protocol/rowWindow';
import type { FlameLayout, FlameMode, FlameWindow } from '../model/flame';
import { clampWindow, nodeAt, nodeLabel, panBy, pathTo, zoomAround, zoomToNode } from '../model/flame';
import { boxLayout } from '../model/flameWindow';
import { SERVICE_COLORS } from '../model/serviceColors';
import { formatCount } from '../model/timeScale';
import { makeTraceView } from '../traceView';
import type { TraceView } from '../traceView';
import { DRAG_PX, ROW_H, Tooltip, describe, draw, flameKey, readPalette } from './FlameGraph';
import type { Palette } from './FlameGraph';
import './FlameGraph.css';

/** a new zoom range is asked once it stayed this long (a wheel or a drag changes it every frame) */
const ASK_AFTER_MS = 40;

export interface FlameAnswer {
  boxes: FlameBoxes;
  /** the boxes' rows (FlameBoxes.rows), packed */
  packed: Uint8Array;
}

interface Props {
  /** asks the receiver (after the view's operations asked before) */
  fetchFlame(req: FlameRequest): Promise<FlameAnswer | null>;
  /** the whole trace's services in order of first appearance (the colours of the waterfall's rows) */
  services: string[];
  spanCount: number;
  /** the selected row of the whole trace */
  selected: number;
  /** select a row of the whole trace and show its details */
  onSelect(row: number): void;
  /** changes when the view's find does (the boxes' match marks are asked again) */
  findKey: string;
}

interface Shown {
  b: FlameBoxes;
  layout: FlameLayout;
  view: TraceView;
  match: Uint8Array | null;
}

interface Hover {
  node: number;
  x: number;
  y: number;
}

export function WindowedFlame({ fetchFlame, services, spanCount, selected, onSelect, findKey }: Props) {
  const [mode, setMode] = useState<FlameMode>('spans');
  const [shown, setShown] = useState<Shown | null>(null);
  /** the graph's width (ns of self time): the same in both modes (every span's self time, once) */
  const [total, setTotal] = useState(0);
  const [win, setWin] = useState<FlameWindow>({ x0: 0, x1: 1 });
  /** the node zoomed into, of the mode's whole layout (-1: none) */
  const [zoomNode, setZoomNode] = useState(-1);
  const [scrollY, setScrollY] = useState(0);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [hover, setHover] = useState<Hover | null>(null);
  const [palette, setPalette] = useState<Palette | null>(null);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const painted = useRef(false);
  const asked = useRef(0);
  const shownRef = useRef<Shown | null>(null);

  const slots = useMemo(() => new Map(services.map((s, i) => [s, i % SERVICE_COLORS.length])), [services]);
  const decode = (a: FlameAnswer): Shown => {
    const t = decodePackedTrace(a.packed);
    const view = makeTraceView(t);
    // colours by the whole trace's service order, as the waterfall's rows
    view.slots = new Int32Array(t.stringCount).fill(-1);
    for (const s of t.services) view.slots[s] = slots.get(t.str(s)) ?? 0;
    return { b: a.boxes, layout: boxLayout(a.boxes), view, match: a.boxes.match ? Uint8Array.from(a.boxes.match) : null };
  };

  // the graph's width first (a request so coarse that it holds no box), then the whole graph
  useEffect(() => {
    if (total > 0) return;
    let live = true;
    void fetchFlame({ mode, x0: 0, x1: 1, nsPerPx: Number.MAX_VALUE }).then(
      (a) => {
        if (!live || !a) return;
        setTotal(Math.max(1, a.boxes.total));
        setWin({ x0: 0, x1: Math.max(1, a.boxes.total) });
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [total, mode, fetchFlame]);

  // the boxes of the range shown and half a view either side (a pan shows boxes before the answer comes)
  useEffect(() => {
    if (total <= 0 || !size.w) return;
    const id = ++asked.current;
    const h = setTimeout(() => {
      const span = win.x1 - win.x0;
      const req: FlameRequest = { mode, x0: Math.max(0, win.x0 - span / 2), x1: Math.min(total, win.x1 + span / 2), nsPerPx: span / size.w };
      if (!(req.x1 > req.x0)) req.x1 = req.x0 + span;
      if (selected >= 0) req.row = selected;
      if (zoomNode >= 0) req.node = zoomNode;
      void fetchFlame(req).then(
        (a) => {
          if (id !== asked.current || !a) return;
          const prev = shownRef.current;
          const next = decode(a);
          shownRef.current = next;
          setShown(next);
          // the box under the pointer is numbered afresh in each answer
          setHover((h) => {
            const k = h && prev ? next.b.node.indexOf(prev.b.node[h.node]) : -1;
            return h && k >= 0 ? { ...h, node: k } : null;
          });
          setError(null);
        },
        (e: Error) => id === asked.current && setError(e.message),
      );
    }, ASK_AFTER_MS);
    return () => clearTimeout(h);
  }, [total, mode, win, size.w, selected, zoomNode, findKey, fetchFlame]); // eslint-disable-line react-hooks/exhaustive-deps

  const layout = shown?.layout ?? null;
  const b = shown?.b ?? null;
  // the selected box: the answer's when it was asked for this row, else the box naming the row
  let selNode = -1;
  if (layout && b && selected >= 0) {
    if (b.selected >= 0 && b.rows[layout.row[b.selected]] === selected) selNode = b.selected;
    else for (let j = 0; j < layout.count && selNode < 0; j++) if (b.rows[layout.row[j]] === selected) selNode = j;
  }
  const zoomAt = layout && b && zoomNode >= 0 ? b.node.indexOf(zoomNode) : -1;
  const maxDepth = b?.maxDepth ?? 0;
  const contentH = (maxDepth + 1) * ROW_H;
  const maxScroll = Math.max(0, contentH - size.h);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setSize((prev) => (prev.w === el.clientWidth && prev.h === el.clientHeight ? prev : { w: el.clientWidth, h: el.clientHeight }));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const read = () => setPalette(readPalette(box.current));
    read();
    const mo = new MutationObserver(read);
    mo.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
    return () => mo.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !palette || !size.w || !size.h || !shown) return;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(size.w * dpr) || c.height !== Math.round(size.h * dpr)) {
      c.width = Math.round(size.w * dpr);
      c.height = Math.round(size.h * dpr);
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    draw(ctx, { view: shown.view, layout: shown.layout, win, scrollY, size, palette, nodeMatch: shown.match, selNode, hoverNode: hover?.node ?? -1 });
    if (!painted.current && shown.layout.count > 0) {
      painted.current = true;
      requestAnimationFrame(() => setTimeout(() => performance.mark('traceExplorer.flamePainted'), 0));
    }
  }, [shown, win, scrollY, size, palette, selNode, hover]);

  const setModeTo = (m: FlameMode) => {
    if (m === mode) return;
    setMode(m);
    // (node numbers are the mode's own)
    setZoomNode(-1);
    setWin({ x0: 0, x1: total });
  };
  const zoomInto = (j: number) => {
    if (!layout || !b || j < 0) return;
    setWin(zoomToNode(layout, j));
    setZoomNode(b.node[j]);
    const top = layout.depth[j] * ROW_H;
    setScrollY((y) => (top < y || top > y + size.h - ROW_H ? Math.max(0, Math.min(maxScroll, top)) : y));
  };
  const reset = () => {
    setWin({ x0: 0, x1: total });
    setZoomNode(-1);
  };
  const zoomOut = () => {
    const p = layout && zoomAt >= 0 ? layout.parent[zoomAt] : -1;
    if (p >= 0) zoomInto(p);
    else reset();
  };
  const selectNode = (j: number) => {
    if (!layout || !b || j < 0) return;
    onSelect(b.rows[layout.row[j]]);
    const top = layout.depth[j] * ROW_H;
    if (top < scrollY || top + ROW_H > scrollY + size.h) setScrollY(Math.max(0, Math.min(maxScroll, top - size.h / 2)));
    const scale = size.w / (win.x1 - win.x0);
    const left = (layout.x[j] - win.x0) * scale;
    if (left + layout.width[j] * scale <= 0 || left >= size.w) setWin(clampWindow({ x0: layout.x[j], x1: layout.x[j] + (win.x1 - win.x0) }, total));
  };

  const hit = (e: { clientX: number; clientY: number }): Hover => {
    const r = canvas.current!.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    return { node: layout ? nodeAt(layout, win, size.w, x, Math.floor((y + scrollY) / ROW_H)) : -1, x, y };
  };

  // wheel: a non-passive listener, so the page does not scroll or zoom as well
  const wheelState = useRef({ total, win, scrollY, maxScroll, w: size.w });
  wheelState.current = { total, win, scrollY, maxScroll, w: size.w };
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const s = wheelState.current;
      if (s.total <= 0) return;
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      const dx = e.deltaX * unit;
      const dy = e.deltaY * unit;
      if (e.ctrlKey || e.metaKey) {
        const at = (e.clientX - c.getBoundingClientRect().left) / Math.max(1, s.w);
        setWin(zoomAround(s.win, s.total, at, Math.exp(-dy * 0.002)));
        return;
      }
      const horizontal = e.shiftKey ? dy || dx : dx;
      if (horizontal) setWin(panBy(s.win, s.total, horizontal / Math.max(1, s.w)));
      if (!e.shiftKey && dy) setScrollY(Math.max(0, Math.min(s.maxScroll, s.scrollY + dy)));
    };
    c.addEventListener('wheel', onWheel, { passive: false });
    return () => c.removeEventListener('wheel', onWheel);
  }, []);

  // drag pans; a press that barely moves is a click
  const drag = useRef<{ x: number; y: number; win: FlameWindow; scrollY: number; moved: boolean } | null>(null);
  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    canvas.current?.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, win, scrollY, moved: false };
  };
  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    if (d) {
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      if (!d.moved && Math.abs(dx) + Math.abs(dy) < DRAG_PX) return;
      d.moved = true;
      setHover(null);
      setWin(panBy(d.win, total, -dx / Math.max(1, size.w)));
      setScrollY(Math.max(0, Math.min(maxScroll, d.scrollY - dy)));
      return;
    }
    const h = hit(e);
    setHover((prev) => (h.node < 0 ? null : prev && prev.node === h.node && prev.x === h.x && prev.y === h.y ? prev : h));
  };
  // the box the first click of a double-click chose (the details pane it opens narrows the canvas), by its
  // node of the whole layout: the selection's answer may come between the two clicks
  const clicked = useRef({ node: -1, at: -Infinity, x: 0, y: 0 });
  const onPointerUp = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const h = hit(e);
    const c = clicked.current;
    if (e.timeStamp - c.at < 600 && Math.abs(e.clientX - c.x) + Math.abs(e.clientY - c.y) < 2 * DRAG_PX) {
      clicked.current = { ...c, at: -Infinity };
      return;
    }
    clicked.current = { node: h.node >= 0 && b ? b.node[h.node] : -1, at: e.timeStamp, x: e.clientX, y: e.clientY };
    // (in 'operations' mode the box's longest span, as the whole trace's flame graph selects)
    if (h.node >= 0 && layout && b) onSelect(b.rows[layout.row[h.node]]);
  };
  const onDoubleClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const c = clicked.current;
    const first = c.node >= 0 && b && Math.abs(e.clientX - c.x) + Math.abs(e.clientY - c.y) < 2 * DRAG_PX ? b.node.indexOf(c.node) : -1;
    zoomInto(first >= 0 ? first : hit(e).node);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!layout) return;
    const zoomed = zoomNode >= 0 || win.x0 > 0 || win.x1 < total;
    if (flameKey(e.key, layout, total, win, selNode, zoomed, { selectNode, zoomInto, setWin, reset, zoomOut })) e.preventDefault();
  };

  const crumbs = layout && zoomAt >= 0 ? pathTo(layout, zoomAt) : [];
  const zoomed = zoomNode >= 0 || win.x0 > 0 || win.x1 < total;
  const sel = shown && selNode >= 0 ? describe(shown.view, shown.layout, selNode) : '';
  return (
    <div className="flame" data-testid="flame">
      <div className="flame-bar">
        <div className="flame-modes" role="radiogroup" aria-label="Boxes">
          <button role="radio" aria-checked={mode === 'spans'} className={`tab${mode === 'spans' ? ' active' : ''}`} onClick={() => setModeTo('spans')} title="One box per span">
            Spans
          </button>
          <button
            role="radio"
            aria-checked={mode === 'operations'}
            className={`tab${mode === 'operations' ? ' active' : ''}`}
            onClick={() => setModeTo('operations')}
            title="Spans with the same service and operation on the same path from the root merged into one box"
          >
            Operations
          </button>
        </div>
        <nav className="flame-crumbs" aria-label="Zoom path" data-testid="flame-crumbs">
          <button className="link" onClick={reset} disabled={!zoomed} title="Show the whole trace (0)">
            Whole trace
          </button>
          {shown &&
            crumbs.map((j) => (
              <span key={shown.b.node[j]} className="flame-crumb">
                <span aria-hidden="true">{' › '}</span>
                <button className="link" onClick={() => zoomInto(j)} aria-current={j === zoomAt ? 'location' : undefined}>
                  {nodeLabel(shown.view.t, shown.layout, j)}
                </button>
              </span>
            ))}
        </nav>
        <span className="flame-hint">Double-click zooms in · Ctrl+wheel zooms · drag pans · Esc zooms out</span>
      </div>
      <div className="flame-canvas" ref={box} onPointerLeave={() => setHover(null)}>
        <canvas
          ref={canvas}
          tabIndex={0}
          role="img"
          aria-label={`Flame graph of the trace by self time${sel ? `; selected: ${sel}` : ''}`}
          aria-busy={shown === null}
          data-testid="flame-canvas"
          style={{ width: size.w, height: size.h }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onDoubleClick={onDoubleClick}
          onKeyDown={onKeyDown}
        />
        {!shown && <div className="no-rows">{error ? `Could not lay out the flame graph: ${error}` : `Laying out the flame graph of ${formatCount(spanCount)} spans…`}</div>}
        {maxScroll > 0 && (
          <div className="flame-vscroll" aria-hidden="true">
            <div style={{ top: `${(scrollY / contentH) * 100}%`, height: `${(size.h / contentH) * 100}%` }} />
          </div>
        )}
        {shown && hover && hover.node < shown.layout.count && !drag.current && <Tooltip view={shown.view} layout={shown.layout} node={hover.node} x={hover.x} y={hover.y} size={size} />}
      </div>
      <div className="visually-hidden" aria-live="polite">
        {sel}
      </div>
    </div>
  );
}
