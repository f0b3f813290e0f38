// Windowed traces (issue 26): a trace too big to send whole stays in the receiver, ordered into rows once,
// and the waterfall asks for the rows it shows. A view (collapse state, find, focus, critical path) lives in
// the receiver too, so collapse/expand (all), find over every span, next error and the critical path work on
// the whole trace while the webview holds a screenful. The webview's requests go through the host (checked
// there with `isWindowRequest`) to POST /api/traces/{id}/window; the answer is one buffer: the meta as JSON
// and the rows as a packed trace of their own (slicePackedTrace), which the webview renders as it renders a
// whole trace. Browser-safe: no Node, no vscode.

/** traces with more spans than this open windowed (the whole trace would cost the webview ~100 bytes a span) */
export const WINDOWED_SPANS = 200_000;
/** most rows one window answer holds */
export const MAX_WINDOW_ROWS = 2000;

/** something the view does to itself before the window is cut; rows are the whole trace's row indexes */
export type WindowOp =
  | { kind: 'toggle'; row: number; subtree?: boolean }
  | { kind: 'collapseAll' }
  | { kind: 'expandAll' }
  | { kind: 'level'; n: number }
  | { kind: 'find'; query: string; hide: boolean }
  /** only this row's subtree (-1: the whole trace) */
  | { kind: 'focus'; row: number }
  | { kind: 'critical'; on: boolean };

/** a row to go to: the next/previous match or error from a row, a span by id, or a row; it is revealed */
export type WindowNav =
  | { kind: 'match' | 'error'; from: number; dir: 1 | -1 }
  | { kind: 'firstMatch'; from: number }
  | { kind: 'span'; spanId: string }
  | { kind: 'row'; row: number };

export interface WindowRequest {
  /** the view to use; absent or unknown (expired): a new one, everything expanded */
  view?: string;
  ops?: WindowOp[];
  nav?: WindowNav;
  /** display indexes of the rows wanted (after ops and nav) */
  from: number;
  count: number;
  /** when the nav finds a row: the rows from the multiple of `count` at or before its index instead (the
   *  block the webview needs to paint it, in the same answer) */
  aroundTarget?: boolean;
  /** the whole trace's statistics too (WindowMeta.stats) */
  stats?: boolean;
  /** the whole trace's overview too, on a grid of this many pixel rows and columns (WindowMeta.minimap) */
  minimap?: { rows: number; cols: number };
  /** the flame graph's boxes of one zoom range (WindowMeta.flame); asked with count 0: the packed part of the
   *  answer then holds the boxes' rows instead */
  flame?: FlameRequest;
}

/**
 * The flame graph of a trace too big to send whole: the receiver lays out every span (webview/model/flame.ts,
 * once per trace and mode) and sends the boxes a canvas `(x1 - x0) / nsPerPx` pixels wide can show.
 */
export interface FlameRequest {
  mode: 'spans' | 'operations';
  /** the range shown, in the layout's units: ns of self time from the graph's left edge */
  x0: number;
  x1: number;
  /** ns of self time per pixel: boxes narrower than FLAME_MIN_PX pixels are left out with their subtrees */
  nsPerPx: number;
  /** a row whose box is sent however narrow or far, with its ancestors (the selection) */
  row?: number;
  /** a node of the mode's layout sent the same way (the box zoomed into: the breadcrumb shows its ancestors) */
  node?: number;
}

/** boxes narrower than this many pixels are not drawn (as in the whole trace's flame graph) */
export const FLAME_MIN_PX = 0.5;
/** most boxes one answer holds: past that, the narrowest width sent doubles until they fit */
export const MAX_FLAME_BOXES = 4000;

/** the answer to a FlameRequest: per box, in depth-first order (a parent before its children) */
export interface FlameBoxes {
  mode: 'spans' | 'operations';
  /** the whole graph: its width (ns of self time), deepest level and node count */
  total: number;
  maxDepth: number;
  count: number;
  /** the narrowest box sent, ns (nsPerPx × FLAME_MIN_PX, or wider when that made too many boxes) */
  minWidth: number;
  /** the box's node in the whole layout (stable while the trace does not grow), its parent among these boxes (-1: a root) */
  node: number[];
  parent: number[];
  depth: number[];
  x: number[];
  width: number[];
  self: number[];
  duration: number[];
  /** spans merged into the box and how many of them failed */
  spans: number[];
  errors: number[];
  /** the row naming the box (in 'operations' mode its longest span): an index of `rows` */
  at: number[];
  /** the route or path shown after a bare HTTP method ('' for none) */
  target: string[];
  /** 1 where the box holds a span the view's find matches (absent: no find) */
  match?: number[];
  /** the rows sent packed beside the meta (ascending) */
  rows: number[];
  /** the box of the request's `row` (-1: none) */
  selected: number;
}

/**
 * The minimap of a trace too big to send whole: every span drawn on a grid of `rows` × `cols` cells (row r of
 * n spans on grid row ⌊r·rows/n⌋, its time range on the columns), as runs of covered cells per grid row and
 * colour slot: flat [row, slot, from, to) quadruplets. Slot `slots` is the red mark of failing spans.
 */
export interface MinimapRuns {
  rows: number;
  cols: number;
  slots: number;
  runs: number[];
}

export const MAX_MINIMAP_ROWS = 256;
export const MAX_MINIMAP_COLS = 4096;

/** one line of the statistics: per service (operation '') or per operation; webview/model/stats.ts works them out */
export interface WindowStatRow {
  key: string;
  service: string;
  operation: string;
  count: number;
  totalNs: number;
  selfNs: number;
  maxNs: number;
  errors: number;
}

/** most operations the statistics send (the most self time first); the rest are counted in `operationsLeftOff` */
export const MAX_STAT_OPERATIONS = 1000;

export interface WindowMeta {
  view: string;
  spanCount: number;
  /** rows the view shows (display count) */
  total: number;
  /** display index of the first row in this answer */
  from: number;
  /** per row of the answer: its row in the whole trace, the whole trace's child count, collapsed, find
   *  match and critical path flags (0/1) */
  rows: number[];
  childCount: number[];
  /** spans below the row in the whole trace (what a collapsed row hides) */
  descendants: number[];
  collapsed: number[];
  match: number[];
  critical: number[];
  matchCount: number;
  errorCount: number;
  /** where a nav went: the row, its display index, and its position among the matches (1-based, 0: none) */
  target?: { row: number; index: number; matchIndex: number };
  /** the whole trace's services in order of first appearance (colours stay the same in every window) */
  services: string[];
  /** the trace's root span name (the tab title) */
  rootName: string;
  /** asked with `stats`: per service and per operation, over every span */
  stats?: { services: WindowStatRow[]; operations: WindowStatRow[]; operationsLeftOff: number };
  minimap?: MinimapRuns;
  flame?: FlameBoxes;
  /** the trace's end, ns from its start */
  durationNs?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRow = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -1 && v < 2 ** 31;

function isOp(o: unknown): o is WindowOp {
  if (!isObj(o)) return false;
  switch (o.kind) {
    case 'toggle':
      return isRow(o.row) && o.row >= 0 && (o.subtree === undefined || typeof o.subtree === 'boolean');
    case 'collapseAll':
    case 'expandAll':
      return true;
    case 'level':
      return isRow(o.n) && o.n >= 1 && o.n <= 1000;
    case 'find':
      return typeof o.query === 'string' && o.query.length <= 1000 && typeof o.hide === 'boolean';
    case 'focus':
      return isRow(o.row);
    case 'critical':
      return typeof o.on === 'boolean';
    default:
      return false;
  }
}

function isNav(n: unknown): n is WindowNav {
  if (!isObj(n)) return false;
  if (n.kind === 'match' || n.kind === 'error') return isRow(n.from) && (n.dir === 1 || n.dir === -1);
  if (n.kind === 'firstMatch') return isRow(n.from);
  if (n.kind === 'span') return typeof n.spanId === 'string' && n.spanId.length > 0 && n.spanId.length <= 64;
  if (n.kind === 'row') return isRow(n.row) && n.row >= 0;
  return false;
}

const isNs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isFlame(f: unknown): f is FlameRequest {
  return (
    isObj(f) && (f.mode === 'spans' || f.mode === 'operations') && isNs(f.x0) && isNs(f.x1) && f.x1 > f.x0
    && isNs(f.nsPerPx) && f.nsPerPx > 0
    && (f.row === undefined || (isRow(f.row) && f.row >= 0)) && (f.node === undefined || (isRow(f.node) && f.node >= 0))
  );
}

/** checks a window request from an untrusted side (the webview, an HTTP body) */
export function isWindowRequest(p: unknown): p is WindowRequest {
  return (
    isObj(p)
    && (p.view === undefined || (typeof p.view === 'string' && p.view.length <= 64))
    && (p.ops === undefined || (Array.isArray(p.ops) && p.ops.length <= 16 && p.ops.every(isOp)))
    && (p.nav === undefined || isNav(p.nav))
    && isRow(p.from) && p.from >= 0
    && isRow(p.count) && p.count >= 0 && p.count <= MAX_WINDOW_ROWS
    && (p.aroundTarget === undefined || typeof p.aroundTarget === 'boolean')
    && (p.stats === undefined || typeof p.stats === 'boolean')
    && (p.minimap === undefined || (isObj(p.minimap) && isRow(p.minimap.rows) && p.minimap.rows >= 1 && p.minimap.rows <= MAX_MINIMAP_ROWS
      && isRow(p.minimap.cols) && p.minimap.cols >= 1 && p.minimap.cols <= MAX_MINIMAP_COLS))
    && (p.flame === undefined || (isFlame(p.flame) && p.count === 0))
  );
}

/** one buffer: meta length (u32 LE), meta JSON (UTF-8), padding to 8 bytes, the packed rows */
export function encodeWindow(meta: WindowMeta, packed: Uint8Array): Uint8Array {
  const m = new TextEncoder().encode(JSON.stringify(meta));
  const at = (4 + m.byteLength + 7) & ~7;
  const out = new Uint8Array(at + packed.byteLength);
  new DataView(out.buffer).setUint32(0, m.byteLength, true);
  out.set(m, 4);
  out.set(packed, at);
  return out;
}

export function decodeWindow(input: ArrayBuffer | Uint8Array): { meta: WindowMeta; packed: Uint8Array } {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.byteLength < 4) throw new Error('row window: too short');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + len > bytes.byteLength) throw new Error('row window: truncated meta');
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))) as WindowMeta;
  const at = (4 + len + 7) & ~7;
  return { meta, packed: bytes.subarray(at) };
}
