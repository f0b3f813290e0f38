// Puts code.file.path / code.line.number / code.column.number / code.function.name on spans.
// - At span start: the handler a framework is about to call (set synchronously by frameworks.ts around the
//   framework's call) for framework spans, else the first application frame on the stack.
// - Handlers also mark the request's HTTP server span (found through the RPC metadata in the active context):
//   a route handler for good, a middleware until a route handler answers.
// - Positions are mapped to the original source when the span ends (full mode) or right away (locations
//   mode, where the app's own SDK owns onEnd).
import { entryStack } from './entryPoints';
import { DepthHints, applicationFrame, captureStack, firstApplicationFrameAt, type CapturedStack, type Frame } from './frames';
import { functionLocation } from './functionLocation';
import { originalPosition } from './sourceMaps';

export const CODE_FILE = 'code.file.path';
export const CODE_LINE = 'code.line.number';
export const CODE_COLUMN = 'code.column.number';
export const CODE_FUNCTION = 'code.function.name';

/** The instrumentation scopes whose spans stand for a user function the framework calls. */
export const FRAMEWORK_SCOPES = new Set([
  '@opentelemetry/instrumentation-express',
  '@opentelemetry/instrumentation-koa',
  '@fastify/otel',
  '@opentelemetry/instrumentation-nestjs-core',
]);

export interface AttributableSpan {
  setAttribute(key: string, value: string | number): unknown;
  isRecording?(): boolean;
}

interface ReadableLike {
  attributes: Record<string, unknown>;
}

/** The function a framework is calling right now (synchronously), with whether it is a route's handler. */
let current: { fn: Function; route: boolean } | undefined;
/** spans a framework started, so a handler running inside one can claim it */
const frameworkSpans = new WeakSet<object>();
/** server spans whose route handler is known: later middleware no longer overwrites them */
const settled = new WeakSet<object>();
let mapNow = false;
/**
 * Full mode: the stack captured at span start, kept on the span until it ends. A property of the span rather
 * than a WeakMap entry: every SDK span gets it, so it is one hidden-class transition, where a WeakMap costs
 * about a microsecond a span (an ephemeron for the collector to trace).
 */
const PENDING = Symbol('trace-explorer.stack');
type WithPending = { [PENDING]?: CapturedStack };
/** how deep each instrumentation scope's spans need capturing */
const depthHints = new DepthHints();

/** Locations mode: no onEnd of ours runs, so stacks are read and positions mapped right at span start. */
export function mapPositionsAtStart(on: boolean): void {
  mapNow = on;
}

export function setLocation(span: AttributableSpan, loc: Frame): void {
  const p = mapNow ? originalPosition(loc) : loc;
  span.setAttribute(CODE_FILE, p.file);
  if (p.line) span.setAttribute(CODE_LINE, p.line);
  if (p.column) span.setAttribute(CODE_COLUMN, p.column);
  // a span can be re-pointed (a server span: middleware, then the route handler): never keep a stale name
  span.setAttribute(CODE_FUNCTION, loc.function || '<anonymous>');
}

/** Runs call() with fn as the handler the framework is about to run (read by onSpanStart). */
export function withHandler<T>(fn: Function, route: boolean, call: () => T): T {
  const saved = current;
  current = { fn, route };
  try {
    return call();
  } finally {
    current = saved;
  }
}

/** True for spans a framework instrumentation started (seen by onSpanStart). */
export function isFrameworkSpan(span: unknown): boolean {
  return typeof span === 'object' && span !== null && frameworkSpans.has(span);
}

/** A handler is running inside a framework span (or the server span): point both at it. */
export function claimForHandler(active: object | undefined, fn: Function, route: boolean, server: object | undefined): void {
  const loc = functionLocation(fn);
  if (!loc) return;
  if (active && frameworkSpans.has(active)) setLocation(active as AttributableSpan, loc);
  markServer(server, loc, route);
}

/** Points a framework span other than the active one (Fastify's per-request span) at a handler. */
export function claimSpan(span: object, fn: Function): void {
  const loc = functionLocation(fn);
  if (loc && frameworkSpans.has(span)) setLocation(span as AttributableSpan, loc);
}

export function markServer(server: object | undefined, loc: Frame, route: boolean): void {
  if (!server || settled.has(server)) return;
  setLocation(server as AttributableSpan, loc);
  if (route) settled.add(server);
}

/** Span start: framework spans → the handler's definition, others → the first application frame. */
export function onSpanStart(span: AttributableSpan, scope: string | undefined, server: () => object | undefined, kind?: number, skip?: Function): void {
  if (scope !== undefined && FRAMEWORK_SCOPES.has(scope)) {
    frameworkSpans.add(span);
    const c = current;
    if (c) {
      const loc = functionLocation(c.fn);
      if (loc) {
        setLocation(span, loc);
        markServer(server(), loc, c.route);
        return;
      }
    }
  }
  // an incoming request's server span starts in Node's HTTP parser: no application frame to look for
  if (kind === SPAN_KIND_SERVER && scope === HTTP_SCOPE) return;
  if (mapNow) {
    const frame = applicationFrame();
    if (frame) setLocation(span, frame);
  } else {
    // Below the library function the app called when there is one (entryPoints.ts): its caller is usually the
    // app. Else below the SDK's Tracer.startSpan, so the frames between it and us (processors, the span's
    // constructor) neither cost nor count against the stack limit.
    (span as WithPending)[PENDING] = entryStack(scope) ?? captureStack(skip ?? onSpanStart, depthHints.limit(scope), scope);
  }
}

const SPAN_KIND_SERVER = 1; // @opentelemetry/api SpanKind.SERVER
const HTTP_SCOPE = '@opentelemetry/instrumentation-http';

/**
 * Span end (full mode): the application frame of the stack captured at start (unless a handler claimed the
 * span meanwhile), then generated → original positions, cached per file. The span has ended, so its
 * attributes object is written directly (exporters read it after onEnd).
 */
export function onSpanEnd(span: ReadableLike): void {
  const a = span.attributes;
  const stack = (span as WithPending)[PENDING];
  if (stack) {
    (span as WithPending)[PENDING] = undefined;
    if (a[CODE_FILE] === undefined) {
      const at = firstApplicationFrameAt(stack);
      if (stack.entry) stack.entry.learn(stack, at?.index);
      else depthHints.learn(stack.scope, stack, at?.index);
      const f = at?.frame;
      if (f) {
        a[CODE_FILE] = f.file;
        if (f.line) a[CODE_LINE] = f.line;
        if (f.column) a[CODE_COLUMN] = f.column;
        a[CODE_FUNCTION] = f.function || '<anonymous>';
      }
    }
  }
  const file = a[CODE_FILE];
  if (typeof file !== 'string') return;
  const line = typeof a[CODE_LINE] === 'number' ? (a[CODE_LINE] as number) : 0;
  if (!line) return;
  const column = typeof a[CODE_COLUMN] === 'number' ? (a[CODE_COLUMN] as number) : 1;
  const p = originalPosition({ file, line, column });
  if (p.file === file && p.line === line && p.column === column) return;
  // the SDK's span keeps its attributes in a plain object that exporters read after onEnd
  a[CODE_FILE] = p.file;
  a[CODE_LINE] = p.line;
  a[CODE_COLUMN] = p.column;
}
