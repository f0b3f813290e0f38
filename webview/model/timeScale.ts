// Time → position math for the waterfall (all times are ns from the trace start). Pure.

export interface TimeWindow {
  start: number;
  end: number;
}

/** where t falls in the window, as a fraction (unclamped) */
export function fraction(t: number, w: TimeWindow): number {
  const d = w.end - w.start;
  return d > 0 ? (t - w.start) / d : 0;
}

/** a bar's left and width as fractions of the window, clamped to it; null when entirely outside */
export function barGeometry(start: number, end: number, w: TimeWindow): { left: number; width: number } | null {
  const s = Math.min(start, end);
  const e = Math.max(start, end);
  if (e < w.start || s > w.end) return null;
  const left = Math.max(0, fraction(s, w));
  const right = Math.min(1, fraction(e, w));
  return { left, width: Math.max(0, right - left) };
}

export interface Tick {
  /** ns from the trace start */
  t: number;
  /** fraction of the window */
  x: number;
  label: string;
}

const UNITS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

/** the 1-2-5 step giving at most `maxTicks` ticks over the window */
export function tickStep(span: number, maxTicks: number): number {
  if (!(span > 0) || maxTicks < 1) return 0;
  const raw = span / maxTicks;
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return Math.max(1, m * pow);
  return Math.max(1, 10 * pow);
}

/** evenly spaced round ticks inside the window, labelled in one unit chosen from the step */
export function ticks(w: TimeWindow, maxTicks: number): Tick[] {
  const span = w.end - w.start;
  const step = tickStep(span, maxTicks);
  if (!step) return [{ t: w.start, x: 0, label: formatOffset(w.start, 1) }];
  const out: Tick[] = [];
  const first = Math.ceil(w.start / step) * step;
  for (let i = 0; ; i++) {
    const t = first + i * step;
    if (t > w.end + step * 1e-9) break;
    out.push({ t, x: fraction(t, w), label: formatOffset(t, step) });
    if (out.length > maxTicks + 2) break;
  }
  return out;
}

/** an offset labelled in the unit that suits `step` (e.g. ticks 0 ms, 2.5 ms, 5 ms) */
export function formatOffset(t: number, step: number): string {
  const [div, unit] = UNITS.find(([d]) => step >= d) ?? UNITS[3];
  const decimals = Math.max(0, Math.min(3, Math.ceil(-Math.log10(step / div) - 1e-9)));
  const v = t / div;
  return `${trimZero(v.toFixed(decimals))} ${unit}`;
}

function trimZero(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** a duration for people: 3 significant digits, e.g. 850 ns, 12.3 µs, 1.25 ms, 2.5 s, 3m 12s */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  const neg = ns < 0;
  const a = Math.abs(ns);
  let s: string;
  if (a < 1e3) s = `${Math.round(a)} ns`;
  else if (a < 6e10) {
    let u = UNITS.findIndex(([d]) => a >= d);
    // 999.7 µs would print as "1000 µs": move up a unit first
    if (u > 0 && Math.round(a / UNITS[u][0]) >= 1000) u--;
    const [div, unit] = UNITS[u];
    const v = a / div;
    s = `${trimZero(v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0))} ${unit}`;
  } else {
    const totalSec = Math.round(a / 1e9);
    const h = Math.floor(totalSec / 3600);
    const m = Math.floor((totalSec % 3600) / 60);
    const sec = totalSec % 60;
    s = h ? `${h}h ${m}m ${sec}s` : `${m}m ${sec}s`;
  }
  return neg ? `-${s}` : s;
}

/** zooms to a dragged range given as fractions of the current window; too small ranges are ignored */
export function zoomTo(w: TimeWindow, a: number, b: number, minNs = 1): TimeWindow | null {
  const lo = Math.max(0, Math.min(a, b));
  const hi = Math.min(1, Math.max(a, b));
  const d = w.end - w.start;
  const start = w.start + lo * d;
  const end = w.start + hi * d;
  if (end - start < minNs || hi - lo < 0.002) return null;
  return { start, end };
}

/** "1 span", "100,000 spans" */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** 12345 → "12,345" — without Intl: its first use loads locale data, which costs the first paint dearly */
export function formatCount(n: number): string {
  const s = String(Math.round(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
