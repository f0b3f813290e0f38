// Stack-trace parsing for the runtimes whose SDKs put `exception.stacktrace` on spans and log records:
// Node/V8, Python, Java/Kotlin (JVM), .NET, Go, Ruby and PHP. Each parser reads the text exactly as the runtime
// prints it and returns frames innermost (the throwing frame) first, so "the first user frame" is the first
// frame that is not a dependency, the runtime itself or the OpenTelemetry SDK.
//
// One parser for both sides: the receiver reads the throw site at ingest (parseStack, firstUserFrame; for
// spans with exceptions only, so it is regex-per-line and never throws on garbage: unknown text yields no
// frames), and the waterfall's details show every line with its frame as a link (stackLines). Browser-safe.

export type StackRuntime = 'v8' | 'python' | 'jvm' | 'dotnet' | 'go' | 'ruby' | 'php';

export interface StackFrame {
  /** path as printed (JVM: package path + file name, e.g. `com/example/Orders.java`) */
  file: string;
  line: number;
  column?: number;
  function?: string;
  /** JVM class / .NET type / Go package — the part of the qualified name before the method */
  namespace?: string;
  /** false for dependencies, the runtime and the OpenTelemetry SDK */
  user: boolean;
}

export interface ParsedStack {
  runtime: StackRuntime;
  frames: StackFrame[];
}

/** A place a stack line names, as the details pane sends it to the host (which decides whether it is a workspace file). */
export interface FrameRef {
  file: string;
  line: number;
  column?: number;
  function?: string;
}

/** Stack traces are untrusted and can be huge; past this we stop reading. */
const MAX_CHARS = 64 * 1024;
const MAX_FRAMES = 200;
/** Longer lines are no frame: a frame line is short, and the patterns backtrack on long ones (quadratic). */
const MAX_LINE = 2000;

// ---- what is not the user's code ------------------------------------------------------------------

// the runtime's own code: never a file of the workspace
const RUNTIME_PARTS = [
  String.raw`^node:`,
  String.raw`^internal[\\/]`,
  String.raw`^<anonymous>$`,
  String.raw`^native$`,
  String.raw`^<frozen `,
  String.raw`^<(?:string|stdin|internal:[^>]*)>`,
];
const RUNTIME_PATH = new RegExp(RUNTIME_PARTS.join('|'));

// the runtime's code and dependencies: not the user's code
const LIBRARY_PATH = new RegExp(
  [
    ...RUNTIME_PARTS,
    String.raw`[\\/]node_modules[\\/]`,
    String.raw`[\\/](?:site|dist)-packages[\\/]`,
    String.raw`[\\/]lib[\\/]python\d+(?:\.\d+)?[\\/]`,
    String.raw`[\\/]gems[\\/]`,
    String.raw`[\\/]lib[\\/]ruby[\\/]`,
    String.raw`[\\/]rubygems[\\/]`,
    String.raw`[\\/]go[\\/]pkg[\\/]mod[\\/]`,
    String.raw`[\\/]usr[\\/](?:local[\\/])?go[\\/]src[\\/]`,
    String.raw`[\\/]go[\\/]src[\\/]runtime[\\/]`,
    String.raw`^runtime[\\/]`,
    String.raw`go\.opentelemetry\.io[\\/]`,
    String.raw`[\\/]@opentelemetry[\\/]`,
    String.raw`[\\/]opentelemetry[\\/](?:sdk|instrumentation|util|trace|context)[\\/]`,
    String.raw`[\\/]vendor[\\/]`,
  ].join('|'),
);

const JVM_LIBRARY = /^(?:java|javax|jakarta|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.springframework|org\.apache|org\.eclipse|org\.hibernate|org\.junit|io\.netty|io\.grpc|io\.micronaut|io\.quarkus|io\.vertx|io\.opentelemetry|io\.undertow|reactor|okhttp3|okio|com\.fasterxml|ch\.qos|org\.slf4j|com\.google|feign|retrofit2|akka|org\.glassfish|net\.bytebuddy|worker\.org\.gradle|org\.gradle)\./;

const DOTNET_LIBRARY = /^(?:System|Microsoft|OpenTelemetry|Grpc|Newtonsoft|Npgsql|Polly|Serilog|NLog|Xunit|NUnit|Castle|Autofac)\./;

/** Is a path (as printed in a frame) the user's own code? Exported for the resolver and tests. */
export function isUserPath(file: string): boolean {
  return !LIBRARY_PATH.test(file);
}

// ---- per-runtime parsers --------------------------------------------------------------------------
// Each returns its frames innermost first, with the index of the line each came from. `all` also reads the
// blocks of causes and inner exceptions, which the throw site leaves out but a reader wants as links.

interface Located {
  at: number;
  frame: StackFrame;
}

// V8:   "    at fn (file:line:col)", "    at async fn (file:line:col)", "    at file:line:col",
//       "    at new Foo (file:///x.mjs:1:2)", "    at eval (eval at <anonymous> (file:1:2), <anonymous>:1:1)"
const V8_FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?\s*$/;
const V8_EVAL = /^\s*at .*\(eval at /;

function parseV8(lines: string[]): Located[] {
  const frames: Located[] = [];
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at];
    if (!/^\s*at /.test(line)) continue;
    if (V8_EVAL.test(line)) continue; // eval'd code has no file of its own
    const m = V8_FRAME.exec(line);
    if (!m) continue;
    let fn = m[1];
    const file = m[2];
    if (fn) fn = fn.replace(/^async /, '').replace(/ \[as [^\]]+\]$/, '');
    frames.push(frame(at, file, +m[3], +m[4], fn || undefined, undefined, isUserPath(file)));
  }
  return frames;
}

// Python (traceback.format_exception): most recent call LAST; chained exceptions print the cause first
// and the exception that was actually raised last, so only the last "Traceback" block counts.
//   Traceback (most recent call last):
//     File "/app/orders.py", line 42, in create_order
const PY_FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+))?$/;

function parsePython(lines: string[], all: boolean): Located[] {
  let start = 0;
  if (!all) for (let i = 0; i < lines.length; i++) if (/^Traceback \(most recent call last\):/.test(lines[i].trim())) start = i;
  const frames: Located[] = [];
  for (let i = start; i < lines.length; i++) {
    const m = PY_FRAME.exec(lines[i]);
    if (!m) continue;
    const fn = m[3]?.trim();
    frames.push(frame(i, m[1], +m[2], undefined, fn && fn !== '<module>' ? fn : undefined, undefined, isUserPath(m[1])));
  }
  return frames.reverse();
}

// JVM: "\tat com.example.Orders.create(Orders.java:42)", "\tat app//com.x.Y.z(Y.kt:3)",
//      "\tat java.base/java.lang.Thread.run(Thread.java:833)", "(Native Method)", "(Unknown Source)".
// Only the outer exception's frames count ("Caused by:" blocks are its causes).
const JVM_FRAME = /^\s*at (?:[\w.$-]+(?:@[\w.-]+)?\/+)?([\w$.<>-]+)\.([\w$<>-]+)\(([^():]+?)(?::(\d+))?\)\s*$/;

function parseJvm(lines: string[], all: boolean): Located[] {
  const frames: Located[] = [];
  let seenFrame = false;
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at];
    if (/^\s*Caused by:/.test(line) || /^\s*Suppressed:/.test(line)) {
      if (seenFrame && !all) break;
      continue;
    }
    const m = JVM_FRAME.exec(line);
    if (!m) continue;
    seenFrame = true;
    if (!m[4]) continue; // Native Method / Unknown Source: no line
    const cls = m[1];
    const fileName = m[3];
    // The file lives in the class's package directory: com.example.orders.OrderService → com/example/orders/
    const outer = cls.split('$')[0];
    const dot = outer.lastIndexOf('.');
    const pkgPath = dot > 0 ? outer.slice(0, dot).replace(/\./g, '/') + '/' : '';
    frames.push(frame(at, pkgPath + fileName, +m[4], undefined, m[2], cls, !JVM_LIBRARY.test(cls + '.')));
  }
  return frames;
}

// .NET: "   at Orders.OrderService.Create(Order o) in /app/src/OrderService.cs:line 42"
//        frames without " in <file>:line N" (no pdb) carry no location.
const DOTNET_FRAME = /^\s*at (.+?)\((.*?)\)(?: in (.+):line (\d+))?\s*$/;

function parseDotnet(lines: string[], all: boolean): Located[] {
  const frames: Located[] = [];
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at];
    if (/^\s*---> /.test(line)) {
      if (all) continue;
      break; // inner exception: a cause, not the throw site of this one
    }
    const m = DOTNET_FRAME.exec(line);
    if (!m || !m[3]) continue;
    const qualified = m[1].replace(/\[[^\]]*\]/g, '');
    const dot = qualified.lastIndexOf('.');
    const fn = dot >= 0 ? qualified.slice(dot + 1) : qualified;
    const ns = dot >= 0 ? qualified.slice(0, dot) : undefined;
    const user = !DOTNET_LIBRARY.test(qualified) && isUserPath(m[3]);
    frames.push(frame(at, m[3], +m[4], undefined, fn, ns, user));
  }
  return frames;
}

// Go (runtime/debug.Stack, panics): a function line, then "\t/path/file.go:42 +0x1d".
//   goroutine 1 [running]:
//   main.handleOrder(0xc000012345)
//   	/app/cmd/server/main.go:42 +0x1d
const GO_LOCATION = /^\t(.+\.go):(\d+)(?: \+0x[0-9a-f]+)?\s*$/;

function parseGo(lines: string[]): Located[] {
  const frames: Located[] = [];
  for (let i = 1; i < lines.length; i++) {
    const m = GO_LOCATION.exec(lines[i]);
    if (!m) continue;
    const fnLine = lines[i - 1].trim().replace(/^created by /, '').replace(/ in goroutine \d+$/, '').replace(/\([^()]*\)$/, '');
    // "github.com/acme/shop/orders.(*Service).Create" → package "github.com/acme/shop/orders", fn "(*Service).Create"
    const slash = fnLine.lastIndexOf('/');
    const dot = fnLine.indexOf('.', slash + 1);
    const pkg = dot > 0 ? fnLine.slice(0, dot) : undefined;
    const fn = dot > 0 ? fnLine.slice(dot + 1) : fnLine || undefined;
    const user =
      isUserPath(m[1]) &&
      !(pkg && /^(?:runtime|net\/http|net|reflect|testing|sync|syscall|internal\/.*|go\.opentelemetry\.io\/.*|google\.golang\.org\/.*)$/.test(pkg));
    frames.push(frame(i, m[1], +m[2], undefined, fn, pkg, user));
  }
  return frames;
}

// Ruby: "/app/app/models/order.rb:42:in `create'" (≤3.3), "/app/x.rb:42:in 'Order#create'" (3.4),
//       full_message's first line adds ": message (Class)"; later lines may start with "from ".
const RUBY_FRAME = /^\s*(?:from )?(.+?):(\d+):in [`']([^']*)'/;

function parseRuby(lines: string[]): Located[] {
  const frames: Located[] = [];
  for (let at = 0; at < lines.length; at++) {
    const m = RUBY_FRAME.exec(lines[at]);
    if (!m) continue;
    let fn: string | undefined = m[3].replace(/^(?:block (?:\(\d+ levels\) )?in |rescue in |ensure in )/, '');
    let ns: string | undefined;
    const sep = Math.max(fn.lastIndexOf('#'), fn.lastIndexOf('.'));
    if (sep > 0) {
      ns = fn.slice(0, sep);
      fn = fn.slice(sep + 1);
    }
    if (fn.startsWith('<')) fn = undefined; // <main>, <top (required)>, <class:Foo>
    frames.push(frame(at, m[1], +m[2], undefined, fn, ns, isUserPath(m[1])));
  }
  return frames;
}

// PHP (Throwable::getTraceAsString): "#0 /var/www/src/Orders.php(42): App\Orders->create(Object(Order))",
// "#1 [internal function]: …", "#2 {main}".
const PHP_FRAME = /^#\d+ (.+?)\((\d+)\): (.+)$/;

function parsePhp(lines: string[]): Located[] {
  const frames: Located[] = [];
  for (let at = 0; at < lines.length; at++) {
    const m = PHP_FRAME.exec(lines[at]);
    if (!m) continue;
    // "App\Orders->create(…)" / "App\Orders::create(…)" / "handle(…)": the namespace and class, the method
    const call = m[3].replace(/\(.*$/, '');
    const sep = Math.max(call.lastIndexOf('->'), call.lastIndexOf('::'));
    const fn = sep >= 0 ? call.slice(sep + 2) : call;
    const ns = sep >= 0 ? call.slice(0, sep) : undefined;
    frames.push(frame(at, m[1], +m[2], undefined, fn || undefined, ns, isUserPath(m[1])));
  }
  return frames;
}

function frame(at: number, file: string, line: number, column: number | undefined, fn: string | undefined, ns: string | undefined, user: boolean): Located {
  const f: StackFrame = { file, line, user };
  if (column !== undefined && column > 0) f.column = column;
  if (fn) f.function = fn;
  if (ns) f.namespace = ns;
  return { at, frame: f };
}

// ---- detection ------------------------------------------------------------------------------------

/** Which runtime printed this? Cheap checks on distinctive line shapes; null when none matches. */
export function detectRuntime(text: string): StackRuntime | null {
  if (/^\s*File ".+", line \d+/m.test(text)) return 'python';
  if (/^\s*at .+ in .+:line \d+\s*$/m.test(text)) return 'dotnet';
  if (/^\s*at [\w$.\/@<>-]+\((?:[^():]+:\d+|Native Method|Unknown Source)\)\s*$/m.test(text)) return 'jvm';
  if (/^\s*at .+:\d+:\d+\)?\s*$/m.test(text)) return 'v8';
  if (/^\t.+\.go:\d+(?: \+0x[0-9a-f]+)?\s*$/m.test(text)) return 'go';
  if (/:\d+:in [`']/.test(text)) return 'ruby';
  if (/^#\d+ .+\(\d+\): /m.test(text)) return 'php';
  return null;
}

/** the lines of a stack trace, with the over-long ones blanked (their indexes kept) */
function frameLines(text: string): { lines: string[]; blanked: boolean } {
  const lines = text.split(/\r?\n/);
  let blanked = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].length > MAX_LINE) {
      lines[i] = '';
      blanked = true;
    }
  }
  return { lines, blanked };
}

function locate(rt: StackRuntime, lines: string[], all: boolean): Located[] {
  switch (rt) {
    case 'v8': return parseV8(lines);
    case 'python': return parsePython(lines, all);
    case 'jvm': return parseJvm(lines, all);
    case 'dotnet': return parseDotnet(lines, all);
    case 'go': return parseGo(lines);
    case 'ruby': return parseRuby(lines);
    case 'php': return parsePhp(lines);
  }
}

/** Parse a stack trace as its runtime prints it. Frames innermost first; empty for unknown text. */
export function parseStack(text: string, runtime?: StackRuntime | null): ParsedStack | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  if (text.length > MAX_CHARS) text = text.slice(0, MAX_CHARS);
  const { lines, blanked } = frameLines(text);
  const rt = runtime ?? detectRuntime(blanked ? lines.join('\n') : text);
  if (!rt) return null;
  const frames = locate(rt, lines, false).map((l) => l.frame);
  if (frames.length > MAX_FRAMES) frames.length = MAX_FRAMES;
  return { runtime: rt, frames };
}

export interface StackLine {
  text: string;
  /** the place the line names, or null (a message, a "Caused by:", a frame without a file or line) */
  frame: FrameRef | null;
}

/**
 * Every line of a stack trace as printed, each with the place it names — the causes' and inner exceptions'
 * frames too. At most MAX_FRAMES lines carry a frame (the first ones printed); lines past MAX_CHARS none.
 */
export function stackLines(text: string): StackLine[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const shown = text.split(/\r?\n/);
  if (shown.length && shown[shown.length - 1] === '') shown.pop();
  const out: StackLine[] = shown.map((l) => ({ text: l, frame: null }));
  // frames are read from the lines within the first MAX_CHARS, as parseStack reads them
  let parsed = 0;
  for (let chars = 0; parsed < shown.length && chars + shown[parsed].length <= MAX_CHARS; parsed++) chars += shown[parsed].length + 1;
  const lines = shown.slice(0, parsed).map((l) => (l.length > MAX_LINE ? '' : l));
  const rt = detectRuntime(lines.join('\n'));
  if (!rt) return out;
  let n = 0;
  for (const { at, frame: f } of locate(rt, lines, true).sort((a, b) => a.at - b.at)) {
    if (n >= MAX_FRAMES) break;
    if (RUNTIME_PATH.test(f.file)) continue; // never a workspace file: not worth asking the host about
    const ref: FrameRef = { file: f.file, line: f.line };
    if (f.column !== undefined) ref.column = f.column;
    if (f.function !== undefined) ref.function = f.function;
    out[at].frame = ref;
    n++;
  }
  return out;
}

/** The innermost frame that is the user's own code, or null. */
export function firstUserFrame(text: string): StackFrame | null {
  const parsed = parseStack(text);
  if (!parsed) return null;
  for (const f of parsed.frames) if (f.user) return f;
  return null;
}

/** Up to `max` user frames, innermost first (hover "top user frames"). */
export function userFrames(text: string, max: number): StackFrame[] {
  const parsed = parseStack(text);
  if (!parsed) return [];
  const out: StackFrame[] = [];
  for (const f of parsed.frames) {
    if (!f.user) continue;
    out.push(f);
    if (out.length >= max) break;
  }
  return out;
}
