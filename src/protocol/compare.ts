// The compare panel's host↔webview protocol (Compare Traces, Compare Runs). The host posts one `show`
// notification with everything the view needs (after the webview said `ready`); the webview sends
// commands. Every message from the webview is checked with `parseCompareMessage`: a webview shows
// untrusted span text, so what it sends is input like any other. Plain JSON only.
import type { TraceDiff } from './traceDiff';

export type { CodeRef, DiffRow, RowKind, RowSide, SideSummary, TraceDiff } from './traceDiff';

/** one operation or code location of two runs, side by side */
export interface RunsDiffRow {
  /** 'operation': service, name, kind; 'location': file, line, function */
  group: 'operation' | 'location';
  service?: string;
  name?: string;
  kind?: number;
  file?: string;
  line?: number;
  function?: string;
  a?: RunFigures;
  b?: RunFigures;
  /** B − A of p95 (both sides present) */
  deltaP95Ms?: number;
  deltaP50Ms?: number;
  /** B has errors where A had none */
  newErrors: boolean;
}

export interface RunFigures {
  count: number;
  p50Ms: number;
  p95Ms: number;
  errors: number;
}

export interface RunsDiff {
  /** sorted: new errors first, then by how much p95 grew */
  operations: RunsDiffRow[];
  locations: RunsDiffRow[];
}

/** what the webview keeps (setState) so that after a reload the host compares the same two again */
export type CompareRestore =
  | { mode: 'traces'; a: string; b: string; labelA: string; labelB: string }
  | { mode: 'runs'; service: string; a: string; b: string; labelA: string; labelB: string };

export type CompareView =
  | { mode: 'traces'; labelA: string; labelB: string; diff: TraceDiff; canOpenSource: boolean; restore: CompareRestore }
  | { mode: 'runs'; labelA: string; labelB: string; service: string; runs: RunsDiff; restore: CompareRestore };

// host → webview
export interface ShowMessage {
  type: 'show';
  view: CompareView;
}

// webview → host
export type CompareMessage =
  | { type: 'ready' }
  | { type: 'goToSource'; side: 'a' | 'b'; spanId: string }
  | { type: 'openTrace'; side: 'a' | 'b'; spanId?: string }
  | { type: 'openLocation'; file: string; line?: number }
  | { type: 'reportError'; message: string };

const isObj = (p: unknown): p is Record<string, unknown> => typeof p === 'object' && p !== null && !Array.isArray(p);
const isSide = (v: unknown): v is 'a' | 'b' => v === 'a' || v === 'b';
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

/** A message from the webview, checked; undefined for anything malformed or unknown. */
export function parseCompareMessage(m: unknown): CompareMessage | undefined {
  if (!isObj(m)) return undefined;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'goToSource':
      return isSide(m.side) && isId(m.spanId) ? { type: 'goToSource', side: m.side, spanId: m.spanId } : undefined;
    case 'openTrace':
      if (!isSide(m.side) || (m.spanId !== undefined && !isId(m.spanId))) return undefined;
      return m.spanId === undefined ? { type: 'openTrace', side: m.side } : { type: 'openTrace', side: m.side, spanId: m.spanId };
    case 'openLocation': {
      if (typeof m.file !== 'string' || !m.file || m.file.length > 4096) return undefined;
      const line = m.line;
      if (line !== undefined && !(typeof line === 'number' && Number.isInteger(line) && line > 0 && line < 1e8)) return undefined;
      return line === undefined ? { type: 'openLocation', file: m.file } : { type: 'openLocation', file: m.file, line };
    }
    case 'reportError':
      return typeof m.message === 'string' ? { type: 'reportError', message: m.message.slice(0, 2000) } : undefined;
    default:
      return undefined;
  }
}

const isText = (v: unknown, max = 500): v is string => typeof v === 'string' && v.length <= max;

/** The state a restored compare panel carries, checked (it comes from the webview); undefined if unusable. */
export function parseCompareRestore(s: unknown): CompareRestore | undefined {
  if (!isObj(s) || !isId(s.a) || !isId(s.b) || !isText(s.labelA) || !isText(s.labelB)) return undefined;
  if (s.mode === 'traces') return { mode: 'traces', a: s.a, b: s.b, labelA: s.labelA, labelB: s.labelB };
  if (s.mode === 'runs' && isText(s.service) && s.service) return { mode: 'runs', service: s.service, a: s.a, b: s.b, labelA: s.labelA, labelB: s.labelB };
  return undefined;
}
