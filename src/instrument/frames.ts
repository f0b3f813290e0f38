// Which frame of the current stack is the application's own: the first one that is not Node's internals,
// not under node_modules and not this runtime. Split in two: at span start only the raw capture (V8 keeps
// the frames, unformatted); when the span ends, formatting into structured call sites and the scan, with a
// per-file verdict cache.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Frame {
  file: string;
  line: number;
  column: number;
  function?: string;
}

/**
 * Frames below the SDK's startSpan: deep enough to get through an instrumentation and a client library
 * (Node's own fetch starts its span about 27 frames below the application's call).
 */
const STACK_LIMIT = 40;
const ownDirs: string[] = [path.dirname(__filename) + path.sep];
/** raw file name from V8 (path or file: URL) → absolute path when it is application code, else null */
const verdicts = new Map<string, string | null>();

/** Also treat files under dir as this runtime's own (the bundle's folder is always one). */
export function addOwnDir(dir: string): void {
  ownDirs.push(path.resolve(dir) + path.sep);
  verdicts.clear();
}

function classify(raw: string): string | null {
  let file = raw;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return null;
    }
  }
  if (!path.isAbsolute(file)) return null; // node:internal/…, <anonymous>, evalmachine
  if (file.includes(`${path.sep}node_modules${path.sep}`) || file.includes('/node_modules/')) return null;
  for (const d of ownDirs) if (file.startsWith(d)) return null;
  return file;
}

export function applicationFile(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let v = verdicts.get(raw);
  if (v === undefined) {
    v = classify(raw);
    verdicts.set(raw, v);
  }
  return v;
}

function prepare(_e: Error, sites: NodeJS.CallSite[]): NodeJS.CallSite[] {
  return sites;
}

/** A captured, not yet formatted stack: V8 turns it into call sites only when `stack` is first read. */
export type CapturedStack = { stack?: unknown };

/**
 * The hot half: records the raw frames above `skip` (cheap) and leaves their formatting — the expensive
 * part — to firstApplicationFrame, which can run when the span ends.
 */
export function captureStack(skip: Function): CapturedStack {
  const savedLimit = Error.stackTraceLimit;
  const holder: CapturedStack = {};
  try {
    Error.stackTraceLimit = STACK_LIMIT;
    Error.captureStackTrace(holder, skip);
  } finally {
    Error.stackTraceLimit = savedLimit;
  }
  return holder;
}

/** The cold half: formats a captured stack into structured call sites and picks the application's frame. */
export function firstApplicationFrame(holder: CapturedStack): Frame | undefined {
  const savedPrepare = Error.prepareStackTrace;
  let sites: unknown;
  try {
    // V8 calls whatever prepareStackTrace is set when `stack` is first read, not when it was captured
    Error.prepareStackTrace = prepare;
    sites = holder.stack;
  } finally {
    Error.prepareStackTrace = savedPrepare;
  }
  if (!Array.isArray(sites)) return undefined;
  for (const site of sites as NodeJS.CallSite[]) {
    const file = applicationFile(site.getFileName() ?? site.getScriptNameOrSourceURL?.());
    if (!file) continue;
    const fn = site.getFunctionName() ?? site.getMethodName() ?? undefined;
    return { file, line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0, function: fn || undefined };
  }
  return undefined;
}

/** The first application frame on the current stack, or undefined. */
export function applicationFrame(): Frame | undefined {
  return firstApplicationFrame(captureStack(applicationFrame));
}
