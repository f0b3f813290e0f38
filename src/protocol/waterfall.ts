// The waterfall panel's host↔webview protocol, in one place (the GitLens shape): every message is a typed
// descriptor. Commands (webview→host, fire and forget), requests (webview→host, answered by a response
// with the same id, carrying a result or an error) and notifications (host→webview). Payloads are plain
// JSON, except the packed trace bytes, which are transferred.
//
// The host queues notifications until the webview has sent `ready`, and validates every message from the
// webview with `parseWebviewMessage` — a webview is a browser frame showing untrusted span text, so its
// messages are input like any other.
import type { SpanDetail } from './api';
import { isWindowRequest, type WindowRequest } from './rowWindow';

// what the webview needs from the model, re-exported so it imports nothing outside src/protocol
export type { AnyValue, KeyValue, OtlpEvent, OtlpLink, OtlpLogRecord } from '../model/otlpJson';
export { SpanKindName } from '../model/otlpJson';

// ---------------------------------------------------------------- descriptors
export interface IpcCommand<P> {
  readonly kind: 'command';
  readonly method: string;
  /** checks a parsed params object (the host's validation) */
  readonly validate: (p: unknown) => p is P;
  is(msg: WebviewMessage): msg is CommandMessage<P>;
}
export interface IpcRequest<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly validate: (p: unknown) => p is P;
  /** type-only: the reply's shape */
  readonly _result?: R;
  is(msg: WebviewMessage): msg is RequestMessage<P>;
}
export interface IpcNotification<P> {
  readonly kind: 'notification';
  readonly method: string;
  is(msg: HostMessage): msg is NotificationMessage<P>;
}

export interface CommandMessage<P = unknown> {
  type: 'command';
  method: string;
  params: P;
}
export interface RequestMessage<P = unknown> {
  type: 'request';
  id: number;
  method: string;
  params: P;
}
export interface NotificationMessage<P = unknown> {
  type: 'notification';
  method: string;
  params: P;
}
export interface ResponseMessage<R = unknown> {
  type: 'response';
  id: number;
  result?: R;
  error?: string;
}
export type WebviewMessage = CommandMessage | RequestMessage;
export type HostMessage = NotificationMessage | ResponseMessage;

function command<P>(method: string, validate: (p: unknown) => p is P): IpcCommand<P> {
  return { kind: 'command', method, validate, is: (m): m is CommandMessage<P> => m.type === 'command' && m.method === method };
}
function request<P, R>(method: string, validate: (p: unknown) => p is P): IpcRequest<P, R> {
  return { kind: 'request', method, validate, is: (m): m is RequestMessage<P> => m.type === 'request' && m.method === method };
}
function notification<P>(method: string): IpcNotification<P> {
  return { kind: 'notification', method, is: (m): m is NotificationMessage<P> => m.type === 'notification' && m.method === method };
}

// ---------------------------------------------------------------- validation helpers
const MAX_TEXT = 10_000_000;
const isObj = (p: unknown): p is Record<string, unknown> => typeof p === 'object' && p !== null && !Array.isArray(p);
const isHex = (v: unknown, len: number): v is string => typeof v === 'string' && v.length === len && /^[0-9a-f]+$/.test(v);
const isSpanId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;
const isTraceId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;
const isText = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max;
const isLine = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e8;
const isEmpty = (p: unknown): p is Record<string, never> => p === undefined || isObj(p);

// ---------------------------------------------------------------- webview → host
export interface SpanRef {
  spanId: string;
}
export interface StackFrameRef {
  /** file as written in the stack trace (path, URL or module path); resolved by the source feature */
  file: string;
  line: number;
  column?: number;
  function?: string;
  spanId: string;
}
export interface LinkRef {
  traceId: string;
  spanId: string;
}
export interface CopyParams {
  text: string;
  /** what was copied, for the status message (e.g. 'attribute value') */
  what: string;
}
/** What the webview remembers through setState (and the serializer restores). */
export interface WaterfallState {
  traceId: string;
  selectedSpanId?: string;
  /** the details pane's width in CSS pixels, once the user dragged its edge */
  detailsWidth?: number;
  /** the name column's share of the waterfall's width, once the user dragged it */
  nameWidth?: number;
}

export const Ready = command<Record<string, never>>('ready', isEmpty);
export const GoToSource = command<SpanRef>('goToSource', (p): p is SpanRef => isObj(p) && isSpanId(p.spanId));
export const OpenStackFrame = command<StackFrameRef>(
  'openStackFrame',
  (p): p is StackFrameRef =>
    isObj(p) && isText(p.file, 4096) && p.file.length > 0 && isLine(p.line) && (p.column === undefined || isLine(p.column))
    && (p.function === undefined || isText(p.function, 4096)) && isSpanId(p.spanId),
);
export const OpenLinkedTrace = command<LinkRef>(
  'openLinkedTrace',
  (p): p is LinkRef => isObj(p) && isHex(p.traceId, 32) && (p.spanId === '' || isHex(p.spanId, 16)),
);
export const Copy = command<CopyParams>('copy', (p): p is CopyParams => isObj(p) && isText(p.text) && isText(p.what, 100));
/**
 * the head of a trace (its first rows, sent ahead of the whole trace) is painted: the host sends the whole
 * trace now — before, its transfer would hold up the head's paint where the webview shares the workbench's
 * thread (code-server)
 */
export const HeadShown = command<{ traceId: string }>('headShown', (p): p is { traceId: string } => isObj(p) && isTraceId(p.traceId));
/** the webview could not use something it was sent (shown to the user and logged by the host) */
export const ReportError = command<{ message: string }>('reportError', (p): p is { message: string } => isObj(p) && isText(p.message, 2000));
/** the user worked in a preview panel (find, details, focus, its Keep Open button): the panel stays open for its trace */
export const KeepPanel = command<Record<string, never>>('keepPanel', isEmpty);
/** the toolbar's Service map: the services this trace touched and the calls between them (its own panel) */
export const ShowServiceMap = command<Record<string, never>>('showServiceMap', isEmpty);

/** a window of a trace too big to send whole (src/protocol/rowWindow.ts): the buffer of encodeWindow */
export const GetRowWindow = request<WindowRequest, ArrayBuffer>('rowWindow', isWindowRequest);
export const GetSpanDetail = request<SpanRef, SpanDetail>('spanDetail', (p): p is SpanRef => isObj(p) && isSpanId(p.spanId));
/** stack frames shown in the details: which of them resolve to a workspace file (those become links) */
export interface FramesParams {
  frames: { file: string; line: number; column?: number }[];
}
export const MAX_FRAMES = 200;
/** a frame the host is asked about: a non-empty file of at most 4096 characters, whole line numbers */
export const isFrameRef = (f: unknown): f is FramesParams['frames'][number] =>
  isObj(f) && isText(f.file, 4096) && f.file.length > 0 && isLine(f.line) && (f.column === undefined || isLine(f.column));
export const ResolveFrames = request<FramesParams, boolean[]>(
  'resolveFrames',
  (p): p is FramesParams => isObj(p) && Array.isArray(p.frames) && p.frames.length <= MAX_FRAMES && p.frames.every(isFrameRef),
);

export const webviewCommands = [Ready, HeadShown, GoToSource, OpenStackFrame, OpenLinkedTrace, Copy, ReportError, KeepPanel, ShowServiceMap] as const;
export const webviewRequests = [GetSpanDetail, ResolveFrames, GetRowWindow] as const;

// ---------------------------------------------------------------- host → webview
export interface TraceParams {
  traceId: string;
  /** the packed trace (src/protocol/packedTrace.ts), transferred */
  packed: ArrayBuffer | Uint8Array;
  /** true when this replaces a trace already shown (it grew): keep scroll, selection and collapse */
  update: boolean;
  /** select and reveal this span */
  focusSpanId?: string;
}
export interface TraceStatusParams {
  traceId: string;
  /** 'loading' before the first data; 'missing' when the receiver does not hold it; 'removed' after a
   *  delete or clear (what is shown stays); 'error' when it could not be loaded */
  state: 'loading' | 'missing' | 'removed' | 'error';
  message?: string;
}

export const ShowTrace = notification<TraceParams>('trace');
/**
 * the trace is too big to send whole (more than WINDOWED_SPANS spans): the webview asks for the rows it shows
 * (GetRowWindow); `update`: it grew while shown (ask again for what is shown)
 */
export interface WindowedParams {
  traceId: string;
  spanCount: number;
  update: boolean;
  focusSpanId?: string;
}
export const ShowWindowed = notification<WindowedParams>('windowed');
export const TraceStatus = notification<TraceStatusParams>('status');
export const FocusSpan = notification<SpanRef>('focusSpan');
/** show only this span's subtree, zoomed to the span (the waterfall's context menu: Focus Subtree) */
export const FocusSubtree = notification<SpanRef>('focusSubtree');
/**
 * whether the panel is the preview panel (the next trace opened replaces its trace, as the editor's preview
 * tabs do); the webview marks it and offers Keep Open. Sent before the trace and again when it changes.
 */
export interface PreviewParams {
  preview: boolean;
}
export const PreviewState = notification<PreviewParams>('preview');

// ---------------------------------------------------------------- validation entry point
export type ParsedWebviewMessage =
  | { ok: true; message: WebviewMessage }
  | { ok: false; error: string; /** for a malformed request with a usable id: answer it with the error */ id?: number };

/** Checks a raw message from the webview against the descriptors. Never throws. */
export function parseWebviewMessage(raw: unknown): ParsedWebviewMessage {
  if (!isObj(raw)) return { ok: false, error: 'message is not an object' };
  const { type, method } = raw;
  if (typeof method !== 'string') return { ok: false, error: 'message has no method' };
  if (type === 'command') {
    const d = webviewCommands.find((c) => c.method === method);
    if (!d) return { ok: false, error: `unknown command '${method.slice(0, 50)}'` };
    if (!d.validate(raw.params)) return { ok: false, error: `bad params for '${method}'` };
    return { ok: true, message: { type: 'command', method, params: raw.params ?? {} } };
  }
  if (type === 'request') {
    const id = raw.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { ok: false, error: 'request has no numeric id' };
    const d = webviewRequests.find((c) => c.method === method);
    if (!d) return { ok: false, error: `unknown request '${method.slice(0, 50)}'`, id };
    if (!d.validate(raw.params)) return { ok: false, error: `bad params for '${method}'`, id };
    return { ok: true, message: { type: 'request', id, method, params: raw.params } };
  }
  return { ok: false, error: `unknown message type '${String(type).slice(0, 20)}'` };
}

/** The webview's own light check of what the host sends (the host is trusted; this catches bugs). */
export function isHostMessage(raw: unknown): raw is HostMessage {
  if (!isObj(raw)) return false;
  if (raw.type === 'notification') return typeof raw.method === 'string';
  if (raw.type === 'response') return typeof raw.id === 'number';
  return false;
}
