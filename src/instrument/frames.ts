// Which frame of the current stack is the application's own: the first one that is not Node's internals,
// not under node_modules and not this runtime. Hot path (every span start): structured V8 call sites with
// a small stack limit, and a per-file verdict cache, so a span costs one stack capture and a Map lookup.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Frame {
  file: string;
  line: number;
  column: number;
  function?: string;
}

/** Deep enough to get from the span processor through an instrumentation and a framework to the app. */
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

/** The first application frame on the current stack, or undefined. */
export function applicationFrame(): Frame | undefined {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  let sites: unknown;
  try {
    Error.stackTraceLimit = STACK_LIMIT;
    Error.prepareStackTrace = prepare;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, applicationFrame);
    sites = holder.stack;
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
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
