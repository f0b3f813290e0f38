// The location signal of a span: what the telemetry itself says about where in the code the span came
// from, before any workspace knowledge. Computed by the receiver's store for EVERY span it adds (up to
// ~150k spans/s), so the common case (no code.* attribute, no exception) costs one pass over the
// attribute keys and one regex test on the name.
//
// Layers, first one that answers wins (a layer that gives a file beats one that only gives a name):
//  1 'attributes'  code.file.path / code.line.number / code.column.number / code.function.name (stable) or
//                  code.filepath / code.lineno / code.column / code.function / code.namespace (deprecated);
//                  code.stacktrace (first user frame) when no file attribute is present.
//  2 'stacktrace'  exception.stacktrace of the span's exception events, then of linked exception log records.
//  3 'log'         code.* on log records linked to the span (Python's logging handler puts them there).
//  4 'name'        only a function name: code.function.name without a file, or a span name that looks like a
//                  function (identifier-ish, from a tracer that is not an instrumentation library). The
//                  window side matches it against workspace symbols, with lower confidence.
import { LogRecord, Span } from '../model/span';
import { firstUserFrame } from '../protocol/stackFrames';
import { readCodeAttrs } from '../protocol/codeAttrs';
import type { CodeAttrs } from '../protocol/codeAttrs';

export type LocationLayer = 'attributes' | 'stacktrace' | 'log' | 'name';

export interface RawLocation {
  file?: string;
  line?: number;
  column?: number;
  function?: string;
  namespace?: string;
  layer: LocationLayer;
  /**
   * 'request': a SERVER span placed by its code attributes. Zero-code instrumentation places an incoming
   * request on the handler that answered it, where the framework's handler span is placed too; the two are
   * told apart so that a lens above a handler counts each request once, not twice.
   */
  role?: 'request';
}

/**
 * Split a stable `code.function.name` ("com.example.Orders.create", "Orders::create") into namespace and
 * function when no separate namespace was given. The stable convention says the name SHOULD be fully
 * qualified; the deprecated one kept them apart.
 */
function splitQualified(fn: string, ns: string | undefined): { function: string; namespace?: string } {
  if (ns) return { function: fn, namespace: ns };
  let hit = splitCache.get(fn);
  if (hit === undefined) {
    const m = /^(.+?)(?:\.|::|#)([^.:#]+)$/.exec(fn);
    hit = m && !/[\s/]/.test(m[1]) ? { function: m[2], namespace: m[1] } : { function: fn };
    if (splitCache.size >= MAX_SPLIT_CACHE) splitCache.clear();
    splitCache.set(fn, hit);
  }
  return hit;
}

// The same few function names arrive on most spans (this runs at ingest for every located span): their
// split is remembered, which also hands the index the same string instances every time. Results are
// shared, so callers copy from them and never modify them. Bounded against high-cardinality names.
const MAX_SPLIT_CACHE = 4096;
const splitCache = new Map<string, { function: string; namespace?: string }>();

function fromFrameText(stack: string, layer: LocationLayer): RawLocation | null {
  const f = firstUserFrame(stack);
  if (!f) return null;
  const loc: RawLocation = { file: f.file, line: f.line, layer };
  if (f.column !== undefined) loc.column = f.column;
  if (f.function) loc.function = f.function;
  if (f.namespace) loc.namespace = f.namespace;
  return loc;
}

function fromCode(c: CodeAttrs, layer: LocationLayer): RawLocation {
  const loc: RawLocation = { file: c.file, layer };
  if (c.line !== undefined) loc.line = c.line;
  if (c.column !== undefined) loc.column = c.column;
  if (c.function) {
    const q = splitQualified(c.function, c.namespace);
    loc.function = q.function;
    if (q.namespace !== undefined) loc.namespace = q.namespace;
  } else if (c.namespace) loc.namespace = c.namespace;
  if (loc.file === undefined) delete loc.file;
  return loc;
}

/** The exception.stacktrace of the span's exception events, most recent event first. */
function exceptionStacks(span: Span): string[] {
  const evs = span.events;
  if (!evs || evs.length === 0) return [];
  const out: string[] = [];
  for (let i = evs.length - 1; i >= 0; i--) {
    const e = evs[i];
    if (e.name !== 'exception') continue;
    const a = e.attrs;
    for (let j = 0; j < a.length; j += 2) {
      if (a[j] === 'exception.stacktrace' && typeof a[j + 1] === 'string') out.push(a[j + 1] as string);
    }
  }
  return out;
}

/** Where a log record's exception stack trace places its span (layer 2), or null. */
function fromLogStack(log: LogRecord): RawLocation | null {
  const stack = logStack(log);
  return stack ? fromFrameText(stack, 'stacktrace') : null;
}

/** Whether a log record linked to a span places that span, as locationSignal reads it (layers 2 and 3). */
export function logLocates(log: LogRecord): boolean {
  return fromLogStack(log) !== null || !!readCodeAttrs(log.attrs)?.file;
}

function logStack(log: LogRecord): string | undefined {
  const a = log.attrs;
  for (let j = 0; j < a.length; j += 2) {
    if (a[j] === 'exception.stacktrace' && typeof a[j + 1] === 'string') return a[j + 1] as string;
  }
  return undefined;
}

// A span name that could be a function: `handleOrder`, `OrderService.create`, `orders::create`, `Foo#bar`.
// Not HTTP verbs ("GET"), routes, SQL, or anything with spaces.
const FUNCTION_LIKE = /^[A-Za-z_$][\w$]*(?:(?:\.|::|#)[A-Za-z_$][\w$]*)*$/;
const NOT_A_FUNCTION = /^(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT|HTTP|SELECT|INSERT|UPDATE|QUERY|EXEC|EXECUTE|SET|DEL|PING|MULTI)$/i;
// Spans made by instrumentation libraries are named for the operation (dns.lookup, fs.readFile,
// pg.query), not for the user's function; a user's own tracer has a scope named after their service.
const LIBRARY_SCOPE = /(?:instrumentation|opentelemetry|otel)/i;

function nameLayer(span: Span, fn: string | undefined, ns: string | undefined): RawLocation | null {
  if (fn) return { ...splitQualified(fn, ns), layer: 'name' };
  const name = span.name;
  if (name.length === 0 || name.length > 200 || !FUNCTION_LIKE.test(name) || NOT_A_FUNCTION.test(name)) return null;
  if (LIBRARY_SCOPE.test(span.scope.name)) return null;
  return { ...splitQualified(name, undefined), layer: 'name' };
}

/**
 * Where the telemetry says this span's code is, or null when nothing does. `logs` are the log records
 * linked to the span (same trace and span id), when the caller has them.
 */
export function locationSignal(span: Span, logs?: LogRecord[]): RawLocation | null {
  const code = readCodeAttrs(span.attrs);
  // 1: code.* with a file
  if (code?.file) {
    const loc = fromCode(code, 'attributes');
    if (span.kind === SPAN_KIND_SERVER) loc.role = 'request';
    return loc;
  }
  if (code?.stacktrace) {
    const loc = fromFrameText(code.stacktrace, 'attributes');
    if (loc) return loc;
  }
  // 2: exception stack traces on the span, then on linked exception log records
  if (span.events) {
    for (const stack of exceptionStacks(span)) {
      const loc = fromFrameText(stack, 'stacktrace');
      if (loc) return loc;
    }
  }
  let logFn: string | undefined;
  let logNs: string | undefined;
  if (logs && logs.length > 0) {
    for (const log of logs) {
      const loc = fromLogStack(log);
      if (loc) return loc;
    }
    // 3: code.* on linked log records (the first one with a file)
    for (const log of logs) {
      const c = readCodeAttrs(log.attrs);
      if (!c) continue;
      if (c.file) return fromCode(c, 'log');
      if (c.function && logFn === undefined) {
        logFn = c.function;
        logNs = c.namespace;
      }
    }
  }
  // 4: a function name only. Note: a log record's function name is where the log call was, which is
  // less about the span than the span's own code.function.name — so the span's wins.
  if (code?.function) return nameLayer(span, code.function, code.namespace);
  if (logFn) return nameLayer(span, logFn, logNs);
  return nameLayer(span, undefined, undefined);
}

/**
 * The identity of a raw location in the index and in `locations` events. Layer is not part of it: the
 * same file:line found through attributes or a stack trace is the same place.
 */
export function locationKey(loc: RawLocation): string {
  const key = `${loc.file ?? ''}|${loc.line ?? ''}|${loc.column ?? ''}|${loc.namespace ?? ''}|${loc.function ?? ''}`;
  return loc.role ? `${key}|${loc.role}` : key;
}

const SPAN_KIND_SERVER = 2;
