// The search page's scatter plot on a canvas: x = trace start, y = duration (linear or log), one point per
// trace coloured by its root service, errors as red rings drawn last so they stand out. Hover names the
// nearest trace; a click opens it; a drag selects a time × duration range (the table then shows only that).
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { SummaryColumns } from '../../src/protocol/exploreColumns';
import type { Brush } from '../../src/explore/columnFilter';
import { formatDuration } from '../../src/tracelist/format';
import type { PlotColors } from './colors';

const PAD_L = 58;
const PAD_R = 12;
const PAD_T = 8;
const PAD_B = 22;
const HIT_PX = 8;

interface Props {
  cols: SummaryColumns;
  rows: Uint32Array;
  slots: Int32Array;
  colors: PlotColors;
  log: boolean;
  brush: Brush | null;
  selected: ReadonlySet<number>;
  onBrush(b: Brush | null): void;
  onOpen(row: number): void;
  onPointer(inside: boolean): void;
  onPainted?(): void;
}

interface Scale {
  t0: number;
  t1: number;
  d0: number;
  d1: number;
  w: number;
  h: number;
  log: boolean;
}

const fy = (s: Scale, d: number) => (s.log ? Math.log10(Math.max(d, 1e-3)) : d);

function xOf(s: Scale, t: number): number {
  return PAD_L + ((t - s.t0) / (s.t1 - s.t0 || 1)) * (s.w - PAD_L - PAD_R);
}
function yOf(s: Scale, d: number): number {
  const lo = fy(s, s.d0);
  const hi = fy(s, s.d1);
  return PAD_T + (1 - (fy(s, d) - lo) / (hi - lo || 1)) * (s.h - PAD_T - PAD_B);
}
function tOf(s: Scale, x: number): number {
  return s.t0 + ((x - PAD_L) / (s.w - PAD_L - PAD_R)) * (s.t1 - s.t0 || 1);
}
function dOf(s: Scale, y: number): number {
  const lo = fy(s, s.d0);
  const hi = fy(s, s.d1);
  const v = lo + (1 - (y - PAD_T) / (s.h - PAD_T - PAD_B)) * (hi - lo || 1);
  return s.log ? Math.pow(10, v) : v;
}

function timeText(ms: number, span: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const hms = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return span < 10_000 ? `${hms}.${p(d.getMilliseconds(), 3)}` : hms;
}

export function ScatterPlot({ cols, rows, slots, colors, log, brush, selected, onBrush, onOpen, onPointer, onPainted }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  // null until measured: nothing is drawn at a guessed size
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [hover, setHover] = useState<{ row: number; x: number; y: number } | null>(null);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const scale = useRef<Scale | null>(null);
  const px = useRef<{ x: Float32Array; y: Float32Array }>({ x: new Float32Array(0), y: new Float32Array(0) });

  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    // the same size again keeps the state (a new object would draw 100,000 points again for nothing)
    const measure = () => {
      const w = Math.max(200, el.clientWidth);
      const h = Math.max(120, el.clientHeight);
      setSize((prev) => (prev && prev.w === w && prev.h === h ? prev : { w, h }));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // log10 of every duration, once per data set: the points' loop is then arithmetic only
  const logDur = useMemo(() => {
    const out = new Float64Array(cols.n);
    for (let r = 0; r < cols.n; r++) out[r] = Math.log10(Math.max(cols.duration[r], 1e-3));
    return out;
  }, [cols]);
  const layer = useRef<{ canvas: HTMLCanvasElement; img: ImageData | null } | null>(null);

  useLayoutEffect(() => {
    const cv = canvas.current;
    if (!cv || !size) return;
    const dpr = window.devicePixelRatio || 1;
    // setting a canvas's size clears and reallocates it: only when it changed
    const cw = Math.round(size.w * dpr);
    const ch = Math.round(size.h * dpr);
    if (cv.width !== cw || cv.height !== ch) {
      cv.width = cw;
      cv.height = ch;
    }
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.w, size.h);
    let t0 = Infinity;
    let t1 = -Infinity;
    let d0 = Infinity;
    let d1 = -Infinity;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const t = cols.start[r];
      const d = cols.duration[r];
      if (t < t0) t0 = t;
      if (t > t1) t1 = t;
      if (d < d0) d0 = d;
      if (d > d1) d1 = d;
    }
    if (!rows.length) {
      t0 = Date.now() - 60_000;
      t1 = Date.now();
      d0 = 0;
      d1 = 1;
    }
    if (t1 - t0 < 1000) {
      t0 -= 500;
      t1 += 500;
    }
    const padT = (t1 - t0) * 0.02;
    d0 = log ? Math.max(1e-3, d0 / 1.5) : 0;
    d1 = log ? d1 * 1.5 : d1 * 1.08 || 1;
    const s: Scale = { t0: t0 - padT, t1: t1 + padT, d0, d1, w: size.w, h: size.h, log };
    scale.current = s;
    // grid and axes
    ctx.font = '10px var(--vscode-font-family, sans-serif)';
    ctx.fillStyle = colors.axis;
    ctx.strokeStyle = colors.grid;
    ctx.lineWidth = 1;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    const yTicks: number[] = [];
    if (log) {
      // powers of ten; 2 and 5 between them when the range holds few decades (a narrow range holds none)
      const decades = Math.log10(d1) - Math.log10(d0);
      const steps = decades < 2.5 ? [1, 2, 5] : [1];
      for (let e = Math.floor(Math.log10(d0)); e <= Math.ceil(Math.log10(d1)); e++) for (const m of steps) yTicks.push(m * Math.pow(10, e));
    } else {
      const step = niceStep(d1 / 4);
      for (let v = 0; v <= d1; v += step) yTicks.push(v);
    }
    for (const v of yTicks) {
      const y = yOf(s, v);
      if (y < PAD_T - 1 || y > size.h - PAD_B + 1) continue;
      ctx.beginPath();
      ctx.moveTo(PAD_L, Math.round(y) + 0.5);
      ctx.lineTo(size.w - PAD_R, Math.round(y) + 0.5);
      ctx.stroke();
      ctx.fillText(formatDuration(v), PAD_L - 6, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const ticks = Math.max(2, Math.floor((size.w - PAD_L - PAD_R) / 110));
    for (let i = 0; i <= ticks; i++) {
      const t = s.t0 + ((s.t1 - s.t0) * i) / ticks;
      ctx.fillText(timeText(t, s.t1 - s.t0), xOf(s, t), size.h - PAD_B + 6);
    }
    // points straight into the pixels of a layer (100,000 fillRect calls cost tens of ms; this a few), laid
    // over the grid in one drawImage; errors last as rings
    if (px.current.x.length !== cols.n) px.current = { x: new Float32Array(cols.n), y: new Float32Array(cols.n) };
    const { x: xs, y: ys } = px.current;
    // a row filtered out has no place (the selection's outlines skip it)
    xs.fill(0);
    ys.fill(0);
    const nSlots = colors.servicePixels.length;
    const errs: number[] = [];
    const W = cw;
    const H = ch;
    if (!layer.current) layer.current = { canvas: document.createElement('canvas'), img: null };
    const lay = layer.current;
    if (!lay.img || lay.img.width !== W || lay.img.height !== H) {
      lay.canvas.width = W;
      lay.canvas.height = H;
      lay.img = new ImageData(W, H);
    }
    const img = lay.img;
    const px32 = new Uint32Array(img.data.buffer);
    px32.fill(0);
    const half = Math.max(1, Math.round(1.5 * dpr));
    const xk = (size.w - PAD_L - PAD_R) / (s.t1 - s.t0 || 1);
    const lo = log ? Math.log10(s.d0) : s.d0;
    const hi = log ? Math.log10(s.d1) : s.d1;
    const yk = (size.h - PAD_T - PAD_B) / (hi - lo || 1);
    const yBase = PAD_T + (size.h - PAD_T - PAD_B);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const x = PAD_L + (cols.start[r] - s.t0) * xk;
      const y = yBase - ((log ? logDur[r] : cols.duration[r]) - lo) * yk;
      xs[r] = x;
      ys[r] = y;
      if (cols.errors[r] > 0) {
        errs.push(r);
        continue;
      }
      const color = colors.servicePixels[slots[cols.rootService[r]] % nSlots];
      const cx = Math.round(x * dpr);
      const cy = Math.round(y * dpr);
      const x0 = Math.max(0, cx - half);
      const x1 = Math.min(W - 1, cx + half);
      for (let yy = Math.max(0, cy - half), y1 = Math.min(H - 1, cy + half); yy <= y1; yy++) {
        const row = yy * W;
        for (let xx = x0; xx <= x1; xx++) px32[row + xx] = color;
      }
    }
    // errors last, over the other points: rings written into the same pixels (3,000 stroked arcs cost the
    // canvas tens of ms to rasterise on every filter change)
    if (errs.length) {
      const ring = ringOffsets(dpr);
      const ec = colors.errorPixel;
      for (const r of errs) {
        const cx = Math.round(xs[r] * dpr);
        const cy = Math.round(ys[r] * dpr);
        for (let k = 0; k < ring.length; k += 2) {
          const xx = cx + ring[k];
          const yy = cy + ring[k + 1];
          if (xx >= 0 && xx < W && yy >= 0 && yy < H) px32[yy * W + xx] = ec;
        }
      }
    }
    lay.canvas.getContext('2d')!.putImageData(img, 0, 0);
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(lay.canvas, 0, 0);
    ctx.restore();
    px.current = { x: xs, y: ys };
    if (selected.size && selected.size < 5000) {
      ctx.strokeStyle = colors.hover;
      ctx.lineWidth = 1.5;
      for (const r of selected) {
        if (xs[r] === 0 && ys[r] === 0) continue;
        ctx.strokeRect(xs[r] - 4, ys[r] - 4, 8, 8);
      }
    }
    if (brush) {
      const x0 = xOf(s, brush.t0);
      const x1 = xOf(s, brush.t1);
      const y0 = yOf(s, brush.d1);
      const y1 = yOf(s, brush.d0);
      ctx.fillStyle = colors.brushFill;
      ctx.strokeStyle = colors.brush;
      ctx.lineWidth = 1;
      ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
      ctx.strokeRect(x0 + 0.5, y0 + 0.5, x1 - x0, y1 - y0);
    }
    onPainted?.();
  }, [cols, rows, slots, colors, log, brush, selected, size, onPainted, logDur]);

  useEffect(() => setHover(null), [rows]);

  const nearest = (x: number, y: number): number => {
    const { x: xs, y: ys } = px.current;
    let best = -1;
    let bestD = HIT_PX * HIT_PX;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const dx = xs[r] - x;
      const dy = ys[r] - y;
      const d = dx * dx + dy * dy;
      // ties go to the error (drawn on top)
      if (d < bestD || (d === bestD && best >= 0 && cols.errors[r] > 0)) {
        bestD = d;
        best = r;
      }
    }
    return best;
  };
  const local = (e: React.MouseEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  const onMouseDown = (e: React.MouseEvent) => {
    if (e.button !== 0) return;
    const p = local(e);
    setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
  };
  const onMouseMove = (e: React.MouseEvent) => {
    const p = local(e);
    if (drag) {
      setDrag({ ...drag, x1: p.x, y1: p.y });
      setHover(null);
      return;
    }
    const r = nearest(p.x, p.y);
    setHover(r >= 0 ? { row: r, x: p.x, y: p.y } : null);
  };
  const onMouseUp = (e: React.MouseEvent) => {
    if (!drag) return;
    const p = local(e);
    const s = scale.current;
    setDrag(null);
    if (!s) return;
    if (Math.abs(p.x - drag.x0) < 4 && Math.abs(p.y - drag.y0) < 4) {
      const r = nearest(p.x, p.y);
      if (r >= 0) onOpen(r);
      return;
    }
    const xa = Math.min(drag.x0, p.x);
    const xb = Math.max(drag.x0, p.x);
    const ya = Math.min(drag.y0, p.y);
    const yb = Math.max(drag.y0, p.y);
    onBrush({ t0: tOf(s, xa), t1: tOf(s, xb), d0: Math.max(0, dOf(s, yb)), d1: dOf(s, ya) });
  };

  const h = hover !== null ? hover.row : -1;
  return (
    <div
      className="plot"
      ref={wrap}
      onMouseEnter={() => onPointer(true)}
      onMouseLeave={() => {
        onPointer(false);
        setHover(null);
        setDrag(null);
      }}
    >
      <canvas
        ref={canvas}
        style={size ? { width: size.w, height: size.h } : undefined}
        role="img"
        aria-label={`Scatter plot of ${rows.length} traces: start time against duration`}
        data-points={rows.length}
        onMouseDown={onMouseDown}
        onMouseMove={onMouseMove}
        onMouseUp={onMouseUp}
        onDoubleClick={() => brush && onBrush(null)}
      />
      {drag && (
        <div
          className="plot-drag"
          style={{ left: Math.min(drag.x0, drag.x1), top: Math.min(drag.y0, drag.y1), width: Math.abs(drag.x1 - drag.x0), height: Math.abs(drag.y1 - drag.y0) }}
        />
      )}
      {h >= 0 && hover && (
        <div className="plot-tip" style={{ left: Math.min(hover.x + 12, (size?.w ?? 800) - 260), top: Math.max(0, hover.y - 70) }} role="tooltip">
          <div className="tip-title">{cols.string(cols.label[h]) || '(root span not received)'}</div>
          <div>{cols.string(cols.rootService[h])}</div>
          <div>
            {formatDuration(cols.duration[h])} · {cols.spans[h]} spans
            {cols.errors[h] > 0 ? ` · ${cols.errors[h]} error${cols.errors[h] === 1 ? '' : 's'}` : ''}
          </div>
          <div className="tip-dim">{new Date(cols.start[h]).toLocaleString()}</div>
        </div>
      )}
    </div>
  );
}

/** pixel offsets (dx, dy pairs) of an error's ring: radius 3.5 CSS px, 1.5 px thick, at this pixel ratio */
const rings = new Map<number, Int16Array>();
function ringOffsets(dpr: number): Int16Array {
  let ring = rings.get(dpr);
  if (!ring) {
    const r = 3.5 * dpr;
    const half = 0.75 * dpr;
    const out: number[] = [];
    const reach = Math.ceil(r + half);
    for (let dy = -reach; dy <= reach; dy++) {
      for (let dx = -reach; dx <= reach; dx++) {
        const d = Math.hypot(dx, dy);
        if (d >= r - half && d <= r + half) out.push(dx, dy);
      }
    }
    rings.set(dpr, (ring = Int16Array.from(out)));
  }
  return ring;
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
