// The flame graph (icicle) tab: the trace's boxes drawn on a canvas (a 100k-span trace is one pass over
// the visible boxes, webview/model/flame.ts), with a DOM tooltip and breadcrumb so span text is only ever
// text. Interaction as in speedscope and Chrome DevTools' flame chart: click selects (the details pane shows
// the span), double-click or Enter zooms into the box's subtree, Ctrl/⌘+wheel zooms at the pointer, wheel and
// drag pan, Escape zooms out a level.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { FlameLayout, FlameMode, FlameWindow } from '../model/flame';
import { clampWindow, flameLayout, forEachVisible, nodeAt, nodeLabel, nodeMatches, panBy, pathTo, wholeWindow, zoomAround, zoomToNode } from '../model/flame';
import { rowTarget } from '../model/rowTarget';
import { SERVICE_COLORS } from '../model/serviceColors';
import { formatCount, formatDuration, plural } from '../model/timeScale';
import type { TraceView } from '../traceView';
import { FLAME_MIN_PX } from '../../src/protocol/rowWindow';
import './FlameGraph.css';

export const ROW_H = 18;
const MIN_PX = FLAME_MIN_PX; // narrower boxes (and their subtrees) are not drawn
const LABEL_PX = 24; // narrower boxes get no label
export const DRAG_PX = 3; // a press that moves less is a click

interface Props {
  view: TraceView;
  /** find matches by row (null: no query) */
  match: Uint8Array | null;
  selected: number;
  /** select a row and show its details */
  onSelect(row: number): void;
}

export interface Palette {
  service: string[];
  text: string[];
  fg: string;
  muted: string;
  bg: string;
  selected: string;
  match: string;
  error: string;
  font: string;
}

interface Hover {
  node: number;
  x: number;
  y: number;
}

export function FlameGraph({ view, match, selected, onSelect }: Props) {
  const t = view.t;
  const [mode, setMode] = useState<FlameMode>('spans');
  const layout = useMemo(() => flameLayout(t, mode, (r) => rowTarget(t, r)), [t, mode]);
  const nodeMatch = useMemo(() => nodeMatches(layout, match), [layout, match]);
  const [win, setWin] = useState<FlameWindow>(() => wholeWindow(layout));
  /** the span whose box the view is zoomed into ('' for none): kept by id across live updates and modes */
  const [zoomSpan, setZoomSpan] = useState('');
  const [scrollY, setScrollY] = useState(0);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [hover, setHover] = useState<Hover | null>(null);
  const [palette, setPalette] = useState<Palette | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const painted = useRef(false);

  const zoomRow = zoomSpan ? t.rowOf(zoomSpan) : -1;
  const zoomNode = zoomRow >= 0 ? layout.nodeOf[zoomRow] : -1;
  const selNode = selected >= 0 && selected < layout.nodeOf.length ? layout.nodeOf[selected] : -1;
  const contentH = (layout.maxDepth + 1) * ROW_H;
  const maxScroll = Math.max(0, contentH - size.h);

  // a new layout (live update, other mode): the zoomed box again, by span id, or the whole graph
  const shownLayout = useRef(layout);
  if (shownLayout.current !== layout) {
    shownLayout.current = layout;
    const next = zoomNode >= 0 ? zoomToNode(layout, zoomNode) : wholeWindow(layout);
    if (next.x0 !== win.x0 || next.x1 !== win.x1) setWin(next);
  }

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    // the same size keeps the state (a new object would draw again for nothing)
    const measure = () => setSize((prev) => (prev.w === el.clientWidth && prev.h === el.clientHeight ? prev : { w: el.clientWidth, h: el.clientHeight }));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // colours as the theme resolves them (the service colours follow the theme's lightness): again on a theme change
  useEffect(() => {
    const read = () => setPalette(readPalette(box.current));
    read();
    const mo = new MutationObserver(read);
    // VS Code sets the theme's class on the body and its variables on the root element
    mo.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
    return () => mo.disconnect();
  }, []);

  // ---------------------------------------------------------------- drawing
  useEffect(() => {
    const c = canvas.current;
    if (!c || !palette || !size.w || !size.h) return;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(size.w * dpr) || c.height !== Math.round(size.h * dpr)) {
      c.width = Math.round(size.w * dpr);
      c.height = Math.round(size.h * dpr);
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    draw(ctx, { view, layout, win, scrollY, size, palette, nodeMatch, selNode, hoverNode: hover?.node ?? -1 });
    if (!painted.current) {
      painted.current = true;
      // after the browser has shown this frame (the flame benchmark waits for it)
      requestAnimationFrame(() => setTimeout(() => performance.mark('traceExplorer.flamePainted'), 0));
    }
  }, [view, layout, win, scrollY, size, palette, nodeMatch, selNode, hover]);

  // ---------------------------------------------------------------- selection from elsewhere (find, next error)
  const ownSelect = useRef(-1);
  useEffect(() => {
    if (selNode < 0 || selected === ownSelect.current || !size.w) return;
    ownSelect.current = selected;
    // bring the box into view: zoom out to its parent's box when it is off screen or too narrow to see
    const w = layout.width[selNode] * (size.w / (win.x1 - win.x0));
    const left = (layout.x[selNode] - win.x0) * (size.w / (win.x1 - win.x0));
    if (w < 2 || left + w <= 0 || left >= size.w) {
      const p = layout.parent[selNode];
      setWin(zoomToNode(layout, p >= 0 && layout.width[p] > layout.width[selNode] ? p : selNode));
      setZoomSpan('');
    }
    const top = layout.depth[selNode] * ROW_H;
    if (top < scrollY || top + ROW_H > scrollY + size.h) setScrollY(Math.max(0, Math.min(maxScroll, top - size.h / 2)));
  }, [selNode, selected]); // eslint-disable-line react-hooks/exhaustive-deps

  // ---------------------------------------------------------------- zoom
  const zoomInto = useCallback(
    (node: number) => {
      if (node < 0) return;
      setWin(zoomToNode(layout, node));
      setZoomSpan(t.spanId(layout.row[node]));
      const top = layout.depth[node] * ROW_H;
      setScrollY((y) => (top < y || top > y + size.h - ROW_H ? Math.max(0, Math.min(maxScroll, top)) : y));
    },
    [layout, t, size.h, maxScroll],
  );
  const reset = useCallback(() => {
    setWin(wholeWindow(layout));
    setZoomSpan('');
  }, [layout]);
  const zoomOut = useCallback(() => {
    const p = zoomNode >= 0 ? layout.parent[zoomNode] : -1;
    if (p >= 0) zoomInto(p);
    else reset();
  }, [zoomNode, layout, zoomInto, reset]);

  const hit = (e: { clientX: number; clientY: number }): { node: number; x: number; y: number } => {
    const r = canvas.current!.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    return { node: nodeAt(layout, win, size.w, x, Math.floor((y + scrollY) / ROW_H)), x, y };
  };

  // wheel: a non-passive listener, so the page does not scroll or zoom as well
  const wheelState = useRef({ layout, win, scrollY, maxScroll, w: size.w });
  wheelState.current = { layout, win, scrollY, maxScroll, w: size.w };
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const s = wheelState.current;
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      const dx = e.deltaX * unit;
      const dy = e.deltaY * unit;
      if (e.ctrlKey || e.metaKey) {
        const at = (e.clientX - c.getBoundingClientRect().left) / Math.max(1, s.w);
        setWin(zoomAround(s.win, s.layout.total, at, Math.exp(-dy * 0.002)));
        return;
      }
      const horizontal = e.shiftKey ? dy || dx : dx;
      if (horizontal) setWin(panBy(s.win, s.layout.total, horizontal / Math.max(1, s.w)));
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
      setWin(panBy(d.win, layout.total, -dx / Math.max(1, size.w)));
      setScrollY(Math.max(0, Math.min(maxScroll, d.scrollY - dy)));
      return;
    }
    const h = hit(e);
    setHover((prev) => (h.node < 0 ? null : prev && prev.node === h.node && prev.x === h.x && prev.y === h.y ? prev : h));
  };
  // the box the first click of a double-click chose: that click may open the details pane, which narrows
  // the canvas and moves the boxes before the double-click arrives
  const clicked = useRef({ node: -1, at: -Infinity, x: 0, y: 0 });
  const onPointerUp = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const h = hit(e);
    // (a pointerup's `detail` is 0: a second click is one soon after the first, where it was)
    const c = clicked.current;
    const second = e.timeStamp - c.at < 600 && Math.abs(e.clientX - c.x) + Math.abs(e.clientY - c.y) < 2 * DRAG_PX;
    if (second) {
      clicked.current = { ...c, at: -Infinity };
      return;
    }
    clicked.current = { node: h.node, at: e.timeStamp, x: e.clientX, y: e.clientY };
    if (h.node >= 0) {
      ownSelect.current = layout.row[h.node];
      onSelect(layout.row[h.node]);
    }
  };
  const onDoubleClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const c = clicked.current;
    zoomInto(c.node >= 0 && Math.abs(e.clientX - c.x) + Math.abs(e.clientY - c.y) < 2 * DRAG_PX ? c.node : hit(e).node);
  };

  const selectNode = (node: number) => {
    if (node < 0) return;
    ownSelect.current = layout.row[node];
    onSelect(layout.row[node]);
    const top = layout.depth[node] * ROW_H;
    if (top < scrollY || top + ROW_H > scrollY + size.h) setScrollY(Math.max(0, Math.min(maxScroll, top - size.h / 2)));
    const scale = size.w / (win.x1 - win.x0);
    const left = (layout.x[node] - win.x0) * scale;
    if (left + layout.width[node] * scale <= 0 || left >= size.w) setWin(clampWindow({ x0: layout.x[node], x1: layout.x[node] + (win.x1 - win.x0) }, layout.total));
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    // zoomed: Escape goes out a level (otherwise the panel's own Escape: clear find, close details)
    const zoomed = zoomNode >= 0 || win.x0 > 0 || win.x1 < layout.total;
    if (flameKey(e.key, layout, layout.total, win, selNode, zoomed, { selectNode, zoomInto, setWin, reset, zoomOut })) e.preventDefault();
  };

  const crumbs = zoomNode >= 0 ? pathTo(layout, zoomNode) : [];
  const zoomed = zoomNode >= 0 || win.x0 > 0 || win.x1 < layout.total;
  const sel = selNode >= 0 ? describe(view, layout, selNode) : '';
  return (
    <div className="flame" data-testid="flame">
      <div className="flame-bar">
        <div className="flame-modes" role="radiogroup" aria-label="Boxes">
          <button role="radio" aria-checked={mode === 'spans'} className={`tab${mode === 'spans' ? ' active' : ''}`} onClick={() => setMode('spans')} title="One box per span">
            Spans
          </button>
          <button
            role="radio"
            aria-checked={mode === 'operations'}
            className={`tab${mode === 'operations' ? ' active' : ''}`}
            onClick={() => setMode('operations')}
            title="Spans with the same service and operation on the same path from the root merged into one box"
          >
            Operations
          </button>
        </div>
        <nav className="flame-crumbs" aria-label="Zoom path" data-testid="flame-crumbs">
          <button className="link" onClick={reset} disabled={!zoomed} title="Show the whole trace (0)">
            Whole trace
          </button>
          {crumbs.map((n) => (
            <span key={n} className="flame-crumb">
              <span aria-hidden="true">{' › '}</span>
              <button className="link" onClick={() => zoomInto(n)} aria-current={n === zoomNode ? 'location' : undefined}>
                {nodeLabel(t, layout, n)}
              </button>
            </span>
          ))}
        </nav>
        <span className="flame-hint">Double-click zooms in · Ctrl+wheel zooms · drag pans · Esc zooms out</span>
      </div>
      <div
        className="flame-canvas"
        ref={box}
        onPointerLeave={() => setHover(null)}
      >
        <canvas
          ref={canvas}
          tabIndex={0}
          role="img"
          aria-label={`Flame graph of the trace by self time${sel ? `; selected: ${sel}` : ''}`}
          data-testid="flame-canvas"
          style={{ width: size.w, height: size.h }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onDoubleClick={onDoubleClick}
          onKeyDown={onKeyDown}
        />
        {maxScroll > 0 && (
          <div className="flame-vscroll" aria-hidden="true">
            <div style={{ top: `${(scrollY / contentH) * 100}%`, height: `${(size.h / contentH) * 100}%` }} />
          </div>
        )}
        {hover && !drag.current && <Tooltip view={view} layout={layout} node={hover.node} x={hover.x} y={hover.y} size={size} />}
      </div>
      <div className="visually-hidden" aria-live="polite">
        {sel}
      </div>
    </div>
  );
}

export interface FlameKeyActions {
  selectNode(node: number): void;
  zoomInto(node: number): void;
  setWin(w: FlameWindow): void;
  reset(): void;
  zoomOut(): void;
}

/**
 * The flame graph's keys (both the whole trace's and a windowed trace's): arrows move the selection through the
 * boxes, Enter zooms into it, + - 0 zoom the view, Escape zooms out when `zoomed`. True when the key was used.
 */
export function flameKey(key: string, layout: FlameLayout, total: number, win: FlameWindow, cur: number, zoomed: boolean, a: FlameKeyActions): boolean {
  const sibling = (dir: 1 | -1) => {
    const list = layout.byDepth[layout.depth[cur]] ?? [];
    let i = list.indexOf(cur) + dir;
    while (i >= 0 && i < list.length && layout.width[list[i]] <= 0) i += dir;
    return i >= 0 && i < list.length ? list[i] : -1;
  };
  switch (key) {
    case 'ArrowUp':
      a.selectNode(cur < 0 ? 0 : layout.parent[cur]);
      return true;
    case 'ArrowDown':
      a.selectNode(cur < 0 ? 0 : cur + 1 < layout.end[cur] ? cur + 1 : -1);
      return true;
    case 'ArrowLeft':
      if (cur >= 0) a.selectNode(sibling(-1));
      return true;
    case 'ArrowRight':
      a.selectNode(cur < 0 ? 0 : sibling(1));
      return true;
    case 'Enter':
      if (cur >= 0) a.zoomInto(cur);
      return true;
    case '+':
    case '=':
      a.setWin(zoomAround(win, total, 0.5, 1.5));
      return true;
    case '-':
      a.setWin(zoomAround(win, total, 0.5, 1 / 1.5));
      return true;
    case '0':
      a.reset();
      return true;
    case 'Escape':
      if (!zoomed) return false;
      a.zoomOut();
      return true;
    default:
      return false;
  }
}

export function Tooltip({ view, layout, node, x, y, size }: { view: TraceView; layout: FlameLayout; node: number; x: number; y: number; size: { w: number; h: number } }) {
  const t = view.t;
  const row = layout.row[node];
  const merged = layout.mode === 'operations';
  const pct = layout.total > 0 ? (layout.width[node] / layout.total) * 100 : 0;
  // beside the pointer, flipped to stay inside the view
  const style: React.CSSProperties = x > size.w / 2 ? { right: size.w - x + 12 } : { left: x + 12 };
  if (y > size.h / 2) style.bottom = size.h - y + 12;
  else style.top = y + 12;
  return (
    <div className="flame-tip" role="tooltip" style={style} data-testid="flame-tip">
      <div className="flame-tip-name">{nodeLabel(t, layout, node)}</div>
      <div className="flame-tip-service">{t.str(t.service[row])}</div>
      <dl>
        <dt>{merged ? 'Total' : 'Duration'}</dt>
        <dd>{formatDuration(layout.duration[node])}</dd>
        <dt>Self</dt>
        <dd>{formatDuration(layout.self[node])}</dd>
        {merged && (
          <>
            <dt>Count</dt>
            <dd>{formatCount(layout.spans[node])}</dd>
          </>
        )}
        <dt>Width</dt>
        <dd>{`${pct >= 10 ? pct.toFixed(0) : pct.toFixed(1)}% of the trace's self time`}</dd>
        {layout.errors[node] > 0 && (
          <>
            <dt>Errors</dt>
            <dd className="status-error">{formatCount(layout.errors[node])}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

export function describe(view: TraceView, f: FlameLayout, node: number): string {
  const t = view.t;
  const head = `${nodeLabel(t, f, node)} (${t.str(t.service[f.row[node]])}), self ${formatDuration(f.self[node])}`;
  return f.mode === 'operations' && f.spans[node] > 1 ? `${head}, ${plural(f.spans[node], 'span')} merged; details show the longest` : head;
}

// ---------------------------------------------------------------- canvas

export interface DrawState {
  view: TraceView;
  layout: FlameLayout;
  win: FlameWindow;
  scrollY: number;
  size: { w: number; h: number };
  palette: Palette;
  nodeMatch: Uint8Array | null;
  selNode: number;
  hoverNode: number;
}

export function draw(ctx: CanvasRenderingContext2D, s: DrawState): void {
  const { view, layout: f, win, scrollY, size, palette: p, nodeMatch, selNode, hoverNode } = s;
  const t = view.t;
  ctx.clearRect(0, 0, size.w, size.h);
  ctx.font = p.font;
  ctx.textBaseline = 'middle';
  const first = Math.max(0, Math.floor(scrollY / ROW_H));
  const last = Math.floor((scrollY + size.h) / ROW_H);
  const widths = new Map<string, number>();
  const labelOf = (node: number) => nodeLabel(t, f, node);
  let selBox: [number, number, number] | null = null;
  let hoverBox: [number, number, number] | null = null;
  forEachVisible(f, win, size.w, MIN_PX, first, last, (node, left, width) => {
    const y = f.depth[node] * ROW_H - scrollY;
    const x0 = Math.max(left, -1);
    const x1 = Math.min(left + width, size.w + 1);
    const slot = view.slots[t.service[f.row[node]]];
    const k = slot < 0 ? 0 : slot;
    const dim = nodeMatch !== null && !nodeMatch[node];
    ctx.globalAlpha = dim ? 0.25 : 1;
    ctx.fillStyle = p.service[k];
    // a pixel's gap between neighbours once a box is wide enough to spare it
    ctx.fillRect(x0, y, Math.max(x1 - x0 - (width > 3 ? 1 : 0), MIN_PX), ROW_H - 1);
    if (f.errors[node]) {
      ctx.fillStyle = p.error;
      ctx.fillRect(x0, y, Math.min(3, x1 - x0), ROW_H - 1);
    }
    if (width >= LABEL_PX) {
      const room = x1 - x0 - 8;
      const text = fit(ctx, labelOf(node), room, widths);
      if (text) {
        ctx.fillStyle = p.text[k];
        ctx.fillText(text, x0 + 4, y + (ROW_H - 1) / 2);
      }
    }
    ctx.globalAlpha = 1;
    if (nodeMatch?.[node]) {
      ctx.strokeStyle = p.match;
      ctx.lineWidth = 1;
      ctx.strokeRect(x0 + 0.5, y + 0.5, Math.max(1, x1 - x0 - 2), ROW_H - 2);
    }
    if (node === selNode) selBox = [x0, y, x1 - x0];
    if (node === hoverNode) hoverBox = [x0, y, x1 - x0];
  });
  const outline = (b: [number, number, number] | null, color: string, lw: number) => {
    if (!b) return;
    ctx.strokeStyle = color;
    ctx.lineWidth = lw;
    ctx.strokeRect(b[0] + lw / 2, b[1] + lw / 2, Math.max(1, b[2] - lw - 1), ROW_H - 1 - lw);
  };
  outline(hoverBox, p.fg, 1);
  outline(selBox, p.selected, 2);
}

/** the label cut with an ellipsis to fit `room` pixels ('' when not even a letter fits) */
function fit(ctx: CanvasRenderingContext2D, label: string, room: number, cache: Map<string, number>): string {
  if (room < 8) return '';
  let w = cache.get(label);
  if (w === undefined) cache.set(label, (w = ctx.measureText(label).width));
  if (w <= room) return label;
  // the average glyph width gives a first guess; then trim until it fits
  let n = Math.max(0, Math.floor((room / w) * label.length) - 1);
  while (n > 0 && ctx.measureText(`${label.slice(0, n)}…`).width > room) n--;
  return n > 0 ? `${label.slice(0, n)}…` : '';
}

/** the theme's colours, resolved (canvas knows no CSS variables) */
export function readPalette(el: HTMLElement | null): Palette {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  (el ?? document.body).appendChild(probe);
  const resolve = (css: string, fallback: string) => {
    probe.style.color = '';
    probe.style.color = css;
    const c = getComputedStyle(probe).color;
    return c || fallback;
  };
  const service = SERVICE_COLORS.map((c) => resolve(c, '#888'));
  const text = service.map((c) => (isLight(c) ? '#1e1e1e' : '#ffffff'));
  const cs = getComputedStyle(el ?? document.body);
  const palette: Palette = {
    service,
    text,
    fg: resolve('var(--vscode-foreground)', '#ccc'),
    muted: resolve('var(--vscode-descriptionForeground)', '#999'),
    bg: resolve('var(--vscode-editor-background)', '#1e1e1e'),
    selected: resolve('var(--vscode-focusBorder)', '#0078d4'),
    match: resolve('var(--match-mark)', '#d18616'),
    error: resolve('var(--vscode-errorForeground)', '#f14c4c'),
    font: `12px ${cs.getPropertyValue('--vscode-font-family').trim() || 'sans-serif'}`,
  };
  probe.remove();
  return palette;
}

/** whether dark text reads better on this resolved colour (oklch, rgb or color(srgb …)) */
export function isLight(css: string): boolean {
  const ok = /^oklch\(\s*([\d.]+)(%?)/.exec(css);
  if (ok) return Number(ok[1]) / (ok[2] ? 100 : 1) > 0.62;
  const nums = (css.match(/[\d.]+/g) ?? []).map(Number);
  if (nums.length < 3) return false;
  const [r, g, b] = css.startsWith('color(') ? nums.slice(0, 3).map((v) => v * 255) : nums;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 150;
}
