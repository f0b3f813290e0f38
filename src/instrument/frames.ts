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
export const STACK_LIMIT = 40;
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
export type CapturedStack = {
  stack?: unknown;
  limit?: number;
  scope?: string;
  /** the library function the capture started below (entryPoints.ts), which learns from the result */
  entry?: { learn(holder: CapturedStack, index: number | undefined): void };
};

/**
 * The hot half: records the raw frames above `skip` (cheap) and leaves their formatting — the expensive
 * part — to firstApplicationFrame, which can run when the span ends.
 */
export function captureStack(skip: Function, limit = STACK_LIMIT, scope?: string, entry?: CapturedStack['entry']): CapturedStack {
  const savedLimit = Error.stackTraceLimit;
  // every field before the capture adds `stack`: one object shape for all holders
  const holder: CapturedStack = { limit, scope, entry };
  try {
    Error.stackTraceLimit = limit;
    Error.captureStackTrace(holder, skip);
  } finally {
    Error.stackTraceLimit = savedLimit;
  }
  return holder;
}

/**
 * How deep to capture for spans of one instrumentation scope. Capturing costs about 100 ns a frame, and a
 * library starts its spans at a nearly fixed depth below the application's call: after a span of the scope has
 * shown where the application frame is, later ones capture that many frames and a few more. A capture that
 * finds none within a shorter limit puts the scope back to the full depth (that one span stays unplaced).
 */
export class DepthHints {
  private readonly hints = new Map<string, number>();
  limit(scope: string | undefined): number {
    return (scope !== undefined && this.hints.get(scope)) || STACK_LIMIT;
  }
  learn(scope: string | undefined, holder: CapturedStack, index: number | undefined): void {
    if (scope === undefined) return;
    if (index !== undefined) {
      const want = Math.min(STACK_LIMIT, index + 1 + DEPTH_MARGIN);
      if (want > (this.hints.get(scope) ?? 0)) this.hints.set(scope, want);
    } else if ((holder.limit ?? STACK_LIMIT) < STACK_LIMIT) {
      this.hints.delete(scope);
    }
  }
}
const DEPTH_MARGIN = 4;

/** The cold half: formats a captured stack into structured call sites and picks the application's frame. */
export function firstApplicationFrame(holder: CapturedStack): Frame | undefined {
  return firstApplicationFrameAt(holder)?.frame;
}

/** The application's frame of a captured stack and its index among the captured frames. */
export function firstApplicationFrameAt(holder: CapturedStack): { frame: Frame; index: number } | undefined {
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
  for (let index = 0; index < sites.length; index++) {
    const site = sites[index] as NodeJS.CallSite;
    const file = applicationFile(site.getFileName() ?? site.getScriptNameOrSourceURL?.());
    if (!file) continue;
    const fn = site.getFunctionName() ?? site.getMethodName() ?? undefined;
    return { frame: { file, line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0, function: fn || undefined }, index };
  }
  return undefined;
}

/** The first application frame on the current stack, or undefined. */
export function applicationFrame(): Frame | undefined {
  return firstApplicationFrame(captureStack(applicationFrame));
}
