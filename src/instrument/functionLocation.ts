// Where a function is defined (file, line, column, name), asked of V8 through the in-process inspector:
// Runtime.getProperties shows a function's internal [[FunctionLocation]] (scriptId, 0-based line/column), and
// Debugger.scriptParsed names the script of each scriptId. The Debugger domain is switched on only while an
// unknown scriptId is looked up (it costs on every later script compile), and each function is resolved once.
import * as inspector from 'node:inspector';
import { applicationFile } from './frames';

export interface FunctionLocation {
  file: string;
  line: number;
  column: number;
  function?: string;
}

interface RemoteProperty {
  name: string;
  value?: { value?: { scriptId: string; lineNumber: number; columnNumber: number }; objectId?: string };
}

let session: inspector.Session | undefined;
let unavailable = false;
const scriptUrls = new Map<string, string>();
const cache = new WeakMap<object, FunctionLocation | null>();
const GLOBAL_KEY = '__traceExplorerFunctionToLocate';

function post<T>(method: string, params?: object): T {
  let result: T | undefined;
  let error: Error | null = null;
  // same-thread session: the callback runs before post() returns
  session!.post(method, params ?? {}, (err: Error | null, r?: unknown) => {
    error = err;
    result = r as T;
  });
  if (error) throw error;
  return result as T;
}

function connect(): boolean {
  if (session) return true;
  if (unavailable) return false;
  try {
    session = new inspector.Session();
    session.connect();
    session.on('Debugger.scriptParsed', (m: { params: { scriptId: string; url: string } }) => {
      if (m.params.url) scriptUrls.set(m.params.scriptId, m.params.url);
    });
    return true;
  } catch {
    // inspector missing (a Node built without it) or a second session refused
    unavailable = true;
    session = undefined;
    return false;
  }
}

function scriptUrl(scriptId: string): string | undefined {
  let url = scriptUrls.get(scriptId);
  if (url === undefined) {
    // enabling replays scriptParsed for every script loaded so far, synchronously
    post('Debugger.enable');
    post('Debugger.disable');
    url = scriptUrls.get(scriptId);
  }
  return url;
}

/** Set on a wrapper of ours that stands for a user function (Nest's route handler → the controller method). */
export const HANDLER_TARGET = Symbol.for('trace-explorer.handlerTarget');

/** Unwraps shimmer-style wrappers (`__original`) and ours, so a patched handler resolves to the user's function. */
export function unwrap(fn: Function): Function {
  let f = fn;
  for (let i = 0; i < 5; i++) {
    const inner = (f as { [HANDLER_TARGET]?: unknown })[HANDLER_TARGET] ?? (f as { __original?: unknown }).__original;
    if (typeof inner !== 'function') break;
    f = inner;
  }
  return f;
}

function resolve(fn: Function): FunctionLocation | null {
  if (!connect()) return null;
  const g = globalThis as Record<string, unknown>;
  g[GLOBAL_KEY] = fn;
  const objectIds: string[] = [];
  try {
    const ev = post<{ result: { objectId?: string } }>('Runtime.evaluate', { expression: `globalThis.${GLOBAL_KEY}` });
    let objectId = ev.result.objectId;
    // a bound function's location is its target's
    for (let depth = 0; objectId && depth < 4; depth++) {
      objectIds.push(objectId);
      const props = post<{ internalProperties?: RemoteProperty[] }>('Runtime.getProperties', { objectId, ownProperties: true });
      const internal = props.internalProperties ?? [];
      const loc = internal.find((p) => p.name === '[[FunctionLocation]]')?.value?.value;
      if (loc) {
        const url = scriptUrl(loc.scriptId);
        // library functions (express.json(), serve-static…) are nobody's handler to point at
        const file = url ? applicationFile(url) : null;
        if (!file) return null;
        const name = fn.name.replace(/^bound /, '') || undefined;
        return { file, line: loc.lineNumber + 1, column: loc.columnNumber + 1, function: name };
      }
      objectId = internal.find((p) => p.name === '[[TargetFunction]]')?.value?.objectId;
    }
    return null;
  } catch {
    return null;
  } finally {
    delete g[GLOBAL_KEY];
    for (const id of objectIds) {
      try {
        post('Runtime.releaseObject', { objectId: id });
      } catch {
        // already gone
      }
    }
  }
}

/** The definition of fn (after unwrapping instrumentation wrappers), cached per function. */
export function functionLocation(fn: Function): FunctionLocation | undefined {
  const target = unwrap(fn);
  let loc = cache.get(target);
  if (loc === undefined) {
    loc = resolve(target);
    cache.set(target, loc);
  }
  return loc ?? undefined;
}
