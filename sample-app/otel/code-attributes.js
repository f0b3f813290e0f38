'use strict';
// A span processor that records where in the application's code a span was started, using the stable
// semantic-convention names: code.file.path, code.line.number, code.column.number, code.function.name.
//
// At span start it walks the V8 call stack and takes the first *application* frame: not Node's internals,
// not node_modules, not the app's plumbing folders (otel/ and lib/ here: withSpan or callService would
// otherwise be "the caller" of every span; the interesting line is the handler that called them).
// Spans started by instrumentation deep inside Node (an incoming HTTP request) have no application frame
// on the stack; they get no code.* attributes rather than a wrong one.
const path = require('node:path');

const PLUMBING_DIRS = [__dirname, path.join(__dirname, '..', 'lib')].map((d) => d + path.sep);
const MAX_FRAMES = 40;

function callSites() {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = MAX_FRAMES;
    Error.prepareStackTrace = (_err, sites) => sites;
    const holder = {};
    Error.captureStackTrace(holder, callSites);
    return Array.isArray(holder.stack) ? holder.stack : [];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
}

function isApplicationFile(file) {
  if (!file || !path.isAbsolute(file)) return false; // node:internal/…, <anonymous>, eval
  if (file.includes(`${path.sep}node_modules${path.sep}`)) return false;
  return !PLUMBING_DIRS.some((d) => file.startsWith(d));
}

/** The qualified function name of a call site: `Type.method` for methods, else the function's own name. */
function functionName(site) {
  const fn = site.getFunctionName();
  const type = site.isToplevel() ? null : site.getTypeName();
  const method = site.getMethodName();
  if (type && type !== 'Object' && !site.isConstructor()) return `${type}.${fn || method || '<anonymous>'}`;
  if (site.isConstructor()) return `new ${fn || type || '<anonymous>'}`;
  return fn || method || undefined;
}

/** The first application frame on the current stack, or undefined. Exported for tests. */
function applicationFrame() {
  for (const site of callSites()) {
    let file = site.getFileName();
    if (file && file.startsWith('file://')) file = require('node:url').fileURLToPath(file);
    if (!isApplicationFile(file)) continue;
    return {
      file,
      line: site.getLineNumber() ?? undefined,
      column: site.getColumnNumber() ?? undefined,
      function: functionName(site),
    };
  }
  return undefined;
}

class CodeAttributesSpanProcessor {
  onStart(span) {
    const frame = applicationFrame();
    if (!frame) return;
    span.setAttribute('code.file.path', frame.file);
    if (frame.line) span.setAttribute('code.line.number', frame.line);
    if (frame.column) span.setAttribute('code.column.number', frame.column);
    if (frame.function) span.setAttribute('code.function.name', frame.function);
  }
  onEnd() {}
  forceFlush() { return Promise.resolve(); }
  shutdown() { return Promise.resolve(); }
}

module.exports = { CodeAttributesSpanProcessor, applicationFrame };
