// Overview of the whole trace on a canvas (every span, depth-first top to bottom), with the zoomed window
// shown; drag on it to zoom, the reset button or a double-click returns to the whole trace.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TimeWindow } from '../model/timeScale';
import { formatDuration, zoomTo } from '../model/timeScale';
import { SERVICE_COLORS } from '../model/serviceColors';
import type { TraceView } from '../traceView';
import type { MinimapRuns } from '../../src/protocol/rowWindow';
import { DragOverlay, useDragRange } from './useDragRange';

const HEIGHT = 44;

interface Props {
  /** a whole trace, drawn span by span — or a windowed one's runs as the receiver worked them out */
  view?: TraceView;
  summary?: { runs: MinimapRuns; durationNs: number };
  window: TimeWindow;
  zoomed: boolean;
  onZoom(w: TimeWindow | null): void;
}

/** resolves CSS colour expressions (theme variables, color-mix) to concrete colours for the canvas */
function resolveColors(probe: HTMLElement, exprs: string[]): string[] {
  return exprs.map((c) => {
    probe.style.color = '';
    probe.style.color = c;
    return getComputedStyle(probe).color || '#888';
  });
}

export function Minimap({ view, summary, window: w, zoomed, onZoom }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const probe = useRef<HTMLSpanElement>(null);
  const [width, setWidth] = useState(0);
  const [themeTick, setThemeTick] = useState(0);
  const total = Math.max(1, view ? view.t.durationNs : (summary?.durationNs ?? 1));

  useEffect(() => {
    const el = canvas.current!.parentElement!;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    // VS Code swaps the theme variables on <html> and the theme class on <body>
    const mo = new MutationObserver(() => setThemeTick((x) => x + 1));
    mo.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    return () => {
      ro.disconnect();
      mo.disconnect();
    };
  }, []);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !width) return;
    // drawn after the rows are on screen: the overview never delays the first paint
    const handle = requestAnimationFrame(() => (view ? draw(c, probe.current!, view, width, total) : summary && drawRuns(c, probe.current!, summary.runs, width)));
    return () => cancelAnimationFrame(handle);
  }, [view, summary, width, total, themeTick]);

  const onRange = useCallback(
    (a: number, b: number) => {
      const z = zoomTo({ start: 0, end: total }, a, b);
      if (z) onZoom(z);
    },
    [total, onZoom],
  );
  const { drag, onMouseDown } = useDragRange(onRange);
  const l = w.start / total;
  const r = w.end / total;
  return (
    <div className="minimap-row">
      <div
        className="minimap"
        onMouseDown={onMouseDown}
        onDoubleClick={() => onZoom(null)}
        title="Overview of the whole trace: drag to zoom into a time range, double-click to reset"
        data-testid="minimap"
      >
        <canvas ref={canvas} style={{ height: HEIGHT }} aria-hidden="true" />
        <span ref={probe} className="color-probe" />
        {zoomed && (
          <>
            <div className="mm-shade" style={{ left: 0, width: `${l * 100}%` }} />
            <div className="mm-shade" style={{ left: `${r * 100}%`, right: 0 }} />
            <div className="mm-window" style={{ left: `${l * 100}%`, width: `${(r - l) * 100}%` }} />
          </>
        )}
        <DragOverlay drag={drag} />
      </div>
      <div className="minimap-info">
        <span>{zoomed ? `${formatDuration(w.end - w.start)} of ${formatDuration(total)}` : formatDuration(total)}</span>
        <button className="btn secondary" disabled={!zoomed} onClick={() => onZoom(null)} title="Show the whole trace">
          Reset zoom
        </button>
      </div>
    </div>
  );
}

/** the canvas sized to `width` CSS pixels: its context and size in device pixels */
function sized(c: HTMLCanvasElement, width: number): { ctx: CanvasRenderingContext2D; W: number; H: number } | null {
  const dpr = window.devicePixelRatio || 1;
  const W = Math.max(1, Math.round(width * dpr));
  const H = Math.round(HEIGHT * dpr);
  c.width = W;
  c.height = H;
  c.style.width = `${width}px`;
  const ctx = c.getContext('2d');
  if (!ctx) return null;
  ctx.clearRect(0, 0, W, H);
  return { ctx, W, H };
}

function drawRuns(c: HTMLCanvasElement, probe: HTMLElement, m: MinimapRuns, width: number) {
  const s = sized(c, width);
  if (!s) return;
  const { ctx, W, H } = s;
  const colors = resolveColors(probe, [...SERVICE_COLORS, 'var(--vscode-charts-red)']);
  const paths: Path2D[] = colors.map(() => new Path2D());
  const sx = W / m.cols;
  const rowH = H / m.rows;
  // the red marks are the last slot: drawn after every colour, a third of a row tall as on a whole trace
  for (let k = 0; k + 3 < m.runs.length; k += 4) {
    const [y, slot, from, to] = [m.runs[k], m.runs[k + 1], m.runs[k + 2], m.runs[k + 3]];
    const i = slot === m.slots ? SERVICE_COLORS.length : slot % SERVICE_COLORS.length;
    paths[i].rect(Math.floor(from * sx), Math.floor(y * rowH), Math.max(1, Math.ceil((to - from) * sx)), slot === m.slots ? Math.max(1, rowH / 3) : Math.max(1, rowH));
  }
  for (let i = 0; i < paths.length; i++) {
    ctx.fillStyle = colors[i];
    ctx.fill(paths[i]);
  }
}

function draw(c: HTMLCanvasElement, probe: HTMLElement, v: TraceView, width: number, total: number) {
  const s = sized(c, width);
  if (!s) return;
  const { ctx, W, H } = s;
  const t = v.t;
  const n = t.spanCount;
  if (!n) return;
  const colors = resolveColors(probe, [...SERVICE_COLORS, 'var(--vscode-charts-red)']);
  const errorSlot = SERVICE_COLORS.length;
  const rowH = Math.max(1, H / n);
  const sx = W / total;
  // one path per colour; spans falling on the same pixel row and pixels are drawn once
  const paths: Path2D[] = colors.map(() => new Path2D());
  let lastY = -1;
  const seen = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    const y = Math.floor((r * H) / n);
    if (y !== lastY) {
      seen.clear();
      lastY = y;
    }
    const slot = Math.max(0, v.slots[t.service[r]]);
    const x0 = Math.floor(Math.max(0, t.start[r]) * sx);
    const x1 = Math.max(x0 + 1, Math.ceil(Math.min(total, t.end[r]) * sx));
    const key = (x0 * 65536 + x1) * 64 + slot;
    if (seen.get(key) === 1) continue;
    seen.set(key, 1);
    paths[slot].rect(x0, y, x1 - x0, rowH);
    // an error keeps its service's colour with a red mark on top (drawn after every colour)
    if (t.status[r] === 2) paths[errorSlot].rect(x0, y, x1 - x0, Math.max(1, rowH / 3));
  }
  for (let i = 0; i < paths.length; i++) {
    ctx.fillStyle = colors[i];
    ctx.fill(paths[i]);
  }
}
