// Shapes of the explore views (trace search page, service map): the receiver's /api/explore answers and the
// host↔webview messages of both panels. Plain JSON, except the search page's summary columns, which are
// bytes (src/protocol/exploreColumns.ts) transferred as an ArrayBuffer. Importable from the webview.
import type { IpcCommand, IpcNotification, IpcRequest, WebviewMessage, HostMessage, CommandMessage, RequestMessage, NotificationMessage } from './waterfall';

export type ServiceMapNodeKind = 'service' | 'database' | 'queue' | 'external';

export interface CallFigures {
  calls: number;
  errors: number;
  /** from a log histogram (±9.5%) for the store-wide map; exact for one trace's map */
  p95Ms: number;
}

export interface ServiceMapNode extends CallFigures {
  /** `s:<service>`, `d:<database>`, `q:<queue>`, `x:<host>` */
  id: string;
  name: string;
  kind: ServiceMapNodeKind;
}

export interface ServiceMapEdge extends CallFigures {
  from: string;
  to: string;
}

export interface ServiceMapData {
  /** the window asked for (Unix ms; null = open) */
  fromMs: number | null;
  toMs: number | null;
  /** width of the time buckets the window is summed from */
  bucketMs: number;
  nodes: ServiceMapNode[];
  edges: ServiceMapEdge[];
  /** set for the map of one trace */
  traceId?: string;
}

export interface ServiceOperation extends CallFigures {
  name: string;
  /** a span that receives calls (server, consumer) or a trace's root */
  entry: boolean;
}

export interface NodeOperations {
  node: string;
  operations: ServiceOperation[];
}

/** what the filter box completes */
export interface ExploreVocabulary {
  services: string[];
  operations: string[];
  attributeKeys: string[];
}

/** traces that made the call of one edge (newest first, at most `limit`) */
export interface EdgeTraces {
  traceIds: string[];
  truncated: boolean;
}

// ---------------------------------------------------------------- messages
function command<P>(method: string, validate: (p: unknown) => p is P): IpcCommand<P> {
  return { kind: 'command', method, validate, is: (m): m is CommandMessage<P> => m.type === 'command' && m.method === method };
}
function request<P, R>(method: string, validate: (p: unknown) => p is P): IpcRequest<P, R> {
  return { kind: 'request', method, validate, is: (m): m is RequestMessage<P> => m.type === 'request' && m.method === method };
}
function notification<P>(method: string): IpcNotification<P> {
  return { kind: 'notification', method, is: (m): m is NotificationMessage<P> => m.type === 'notification' && m.method === method };
}

const isObj = (p: unknown): p is Record<string, unknown> => typeof p === 'object' && p !== null && !Array.isArray(p);
const isEmpty = (p: unknown): p is Record<string, never> => p === undefined || isObj(p);
const isTraceId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{1,64}$/.test(v);
const isIds = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.length <= 10_000 && v.every(isTraceId);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isOptMs = (v: unknown): v is number | null | undefined => v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v));

export type TraceAction = 'open' | 'pin' | 'unpin' | 'remove' | 'copyAsFixture' | 'compare' | 'copyId' | 'serviceMap';
const ACTIONS: readonly TraceAction[] = ['open', 'pin', 'unpin', 'remove', 'copyAsFixture', 'compare', 'copyId', 'serviceMap'];

export interface TraceActionParams {
  action: TraceAction;
  traceIds: string[];
}
export interface WindowParams {
  fromMs?: number | null;
  toMs?: number | null;
}
export interface AttributeQuery {
  attributes: { key: string; value: string }[];
}
export interface EdgeQuery extends WindowParams {
  from: string;
  to: string;
}

/** search page and service map: the webview is up (again, after VS Code recreated it) */
export const ExploreReady = command<Record<string, never>>('ready', isEmpty);
export const RunTraceAction = command<TraceActionParams>('traceAction',
  (p): p is TraceActionParams => isObj(p) && ACTIONS.includes(p.action as TraceAction) && isIds(p.traceIds));
export const ReportExploreError = command<{ message: string }>('reportError', (p): p is { message: string } => isObj(p) && isText(p.message, 2000));
/** service map → the search page, filtered to the traces of an edge */
export const ShowEdgeTraces = command<EdgeQuery>('showEdgeTraces',
  (p): p is EdgeQuery => isObj(p) && isText(p.from, 2000) && isText(p.to, 2000) && isOptMs(p.fromMs) && isOptMs(p.toMs));
export const GetVocabulary = request<Record<string, never>, ExploreVocabulary>('vocabulary', isEmpty);
/** trace ids matching attribute terms (`http.route=/cart`), answered by the receiver */
export const MatchAttributes = request<AttributeQuery, string[]>('matchAttributes',
  (p): p is AttributeQuery => isObj(p) && Array.isArray(p.attributes) && p.attributes.length <= 20
    && p.attributes.every((a) => isObj(a) && isText(a.key, 500) && isText(a.value, 2000)));
export const GetServiceMap = request<WindowParams, ServiceMapData>('serviceMap', (p): p is WindowParams => isObj(p) && isOptMs(p.fromMs) && isOptMs(p.toMs));
export const GetNodeOperations = request<WindowParams & { node: string }, NodeOperations>('nodeOperations',
  (p): p is WindowParams & { node: string } => isObj(p) && isText(p.node, 2000) && isOptMs(p.fromMs) && isOptMs(p.toMs));

export const exploreCommands = [ExploreReady, RunTraceAction, ReportExploreError, ShowEdgeTraces] as const;
export const exploreRequests = [GetVocabulary, MatchAttributes, GetServiceMap, GetNodeOperations] as const;

/** the summary columns (exploreColumns.ts), whole: on open, on reconnect and when the page takes new traces */
export interface SummariesParams {
  columns: ArrayBuffer;
  /** when the host asked the receiver (Date.now()) */
  at: number;
  /** the compare command is there (Compare Traces is offered for two selected traces) */
  canCompare: boolean;
}
/** traces came or went since the columns were sent: the page counts them ("N new") or asks for them */
export interface ChangesParams {
  added: number;
  removed: number;
}
/** limit the search page to these traces (an edge of the service map); null lifts it */
export interface RestrictParams {
  label: string;
  traceIds: string[] | null;
}
export const ShowSummaries = notification<SummariesParams>('summaries');
export const SummariesChanged = notification<ChangesParams>('changes');
export const RestrictTraces = notification<RestrictParams>('restrict');
/** service map: show this map (the store's, or one trace's) */
export const ShowServiceMap = notification<ServiceMapData>('serviceMapData');

/** which view a webview of the explore bundle is (set on <body data-view>) */
export type ExploreView = 'search' | 'servicemap';

/** the webview's side asks for fresh summaries (the live toggle, "N new") */
export const RefreshSummaries = command<Record<string, never>>('refresh', isEmpty);

export function parseExploreMessage(raw: unknown): { ok: true; msg: WebviewMessage } | { ok: false; error: string } {
  if (!isObj(raw)) return { ok: false, error: 'not an object' };
  if (raw.type === 'command') {
    const d = [...exploreCommands, RefreshSummaries].find((c) => c.method === raw.method);
    if (!d) return { ok: false, error: `unknown command ${String(raw.method).slice(0, 40)}` };
    if (!d.validate(raw.params)) return { ok: false, error: `bad params for ${d.method}` };
    return { ok: true, msg: raw as unknown as WebviewMessage };
  }
  if (raw.type === 'request') {
    const d = exploreRequests.find((c) => c.method === raw.method);
    if (!d) return { ok: false, error: `unknown request ${String(raw.method).slice(0, 40)}` };
    if (typeof raw.id !== 'number' || !Number.isInteger(raw.id)) return { ok: false, error: 'request without an id' };
    if (!(d.validate as (p: unknown) => boolean)(raw.params)) return { ok: false, error: `bad params for ${d.method}` };
    return { ok: true, msg: raw as unknown as WebviewMessage };
  }
  return { ok: false, error: 'unknown message type' };
}

export function isExploreHostMessage(raw: unknown): raw is HostMessage {
  return isObj(raw) && (raw.type === 'response' || raw.type === 'notification') && (raw.type !== 'notification' || typeof raw.method === 'string');
}
