// Stack-trace parsing for the runtimes whose SDKs put `exception.stacktrace` on spans and log records:
// Node/V8, Python, Java/Kotlin (JVM), .NET, Go and Ruby. Each parser reads the text exactly as the runtime
// prints it and returns frames innermost (the throwing frame) first, so "the first user frame" is the first
// frame that is not a dependency, the runtime itself or the OpenTelemetry SDK.
//
// Runs in the receiver at ingest (for spans with exceptions only), so it is regex-per-line and never
// throws on garbage: unknown text yields no frames.

export type StackRuntime = 'v8' | 'python' | 'jvm' | 'dotnet' | 'go' | 'ruby';

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

/** Stack traces are untrusted and can be huge; past this we stop reading. */
const MAX_CHARS = 64 * 1024;
const MAX_FRAMES = 200;

// ---- what is not the user's code ------------------------------------------------------------------

const LIBRARY_PATH = new RegExp(
  [
    String.raw`[\\/]node_modules[\\/]`,
    String.raw`^node:`,
    String.raw`^internal[\\/]`,
    String.raw`^<anonymous>$`,
    String.raw`^native$`,
    String.raw`[\\/](?:site|dist)-packages[\\/]`,
    String.raw`[\\/]lib[\\/]python\d+(?:\.\d+)?[\\/]`,
    String.raw`^<frozen `,
    String.raw`^<(?:string|stdin|internal:[^>]*)>`,
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
  ].join('|'),
);

const JVM_LIBRARY = /^(?:java|javax|jakarta|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.springframework|org\.apache|org\.eclipse|org\.hibernate|org\.junit|io\.netty|io\.grpc|io\.micronaut|io\.quarkus|io\.vertx|io\.opentelemetry|io\.undertow|reactor|okhttp3|okio|com\.fasterxml|ch\.qos|org\.slf4j|com\.google|feign|retrofit2|akka|org\.glassfish|net\.bytebuddy|worker\.org\.gradle|org\.gradle)\./;

const DOTNET_LIBRARY = /^(?:System|Microsoft|OpenTelemetry|Grpc|Newtonsoft|Npgsql|Polly|Serilog|NLog|Xunit|NUnit|Castle|Autofac)\./;

/** Is a path (as printed in a frame) the user's own code? Exported for the resolver and tests. */
export function isUserPath(file: string): boolean {
  return !LIBRARY_PATH.test(file);
}

// ---- per-runtime parsers --------------------------------------------------------------------------

// V8:   "    at fn (file:line:col)", "    at async fn (file:line:col)", "    at file:line:col",
//       "    at new Foo (file:///x.mjs:1:2)", "    at eval (eval at <anonymous> (file:1:2), <anonymous>:1:1)"
const V8_FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?\s*$/;
const V8_EVAL = /^\s*at .*\(eval at /;

function parseV8(lines: string[]): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of lines) {
    if (!/^\s*at /.test(line)) continue;
    if (V8_EVAL.test(line)) continue; // eval'd code has no file of its own
    const m = V8_FRAME.exec(line);
    if (!m) continue;
    let fn = m[1];
    const file = m[2];
    if (fn) fn = fn.replace(/^async /, '').replace(/ \[as [^\]]+\]$/, '');
    frames.push(frame(file, +m[3], +m[4], fn || undefined, undefined, isUserPath(file)));
  }
  return frames;
}

// Python (traceback.format_exception): most recent call LAST; chained exceptions print the cause first
// and the exception that was actually raised last, so only the last "Traceback" block counts.
//   Traceback (most recent call last):
//     File "/app/orders.py", line 42, in create_order
const PY_FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+))?$/;

function parsePython(lines: string[]): StackFrame[] {
  let start = 0;
  for (let i = 0; i < lines.length; i++) if (/^Traceback \(most recent call last\):/.test(lines[i].trim())) start = i;
  const frames: StackFrame[] = [];
  for (let i = start; i < lines.length; i++) {
    const m = PY_FRAME.exec(lines[i]);
    if (!m) continue;
    const fn = m[3]?.trim();
    frames.push(frame(m[1], +m[2], undefined, fn && fn !== '<module>' ? fn : undefined, undefined, isUserPath(m[1])));
  }
  return frames.reverse();
}

// JVM: "\tat com.example.Orders.create(Orders.java:42)", "\tat app//com.x.Y.z(Y.kt:3)",
//      "\tat java.base/java.lang.Thread.run(Thread.java:833)", "(Native Method)", "(Unknown Source)".
// Only the outer exception's frames count ("Caused by:" blocks are its causes).
const JVM_FRAME = /^\s*at (?:[\w.$-]+(?:@[\w.-]+)?\/+)?([\w$.<>-]+)\.([\w$<>-]+)\(([^():]+?)(?::(\d+))?\)\s*$/;

function parseJvm(lines: string[]): StackFrame[] {
  const frames: StackFrame[] = [];
  let seenFrame = false;
  for (const line of lines) {
    if (/^\s*Caused by:/.test(line) || /^\s*Suppressed:/.test(line)) {
      if (seenFrame) break;
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
    frames.push(frame(pkgPath + fileName, +m[4], undefined, m[2], cls, !JVM_LIBRARY.test(cls + '.')));
  }
  return frames;
}

// .NET: "   at Orders.OrderService.Create(Order o) in /app/src/OrderService.cs:line 42"
//        frames without " in <file>:line N" (no pdb) carry no location.
const DOTNET_FRAME = /^\s*at (.+?)\((.*?)\)(?: in (.+):line (\d+))?\s*$/;

function parseDotnet(lines: string[]): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of lines) {
    if (/^\s*---> /.test(line)) break; // inner exception: a cause, not the throw site of this one
    const m = DOTNET_FRAME.exec(line);
    if (!m || !m[3]) continue;
    const qualified = m[1].replace(/\[[^\]]*\]/g, '');
    const dot = qualified.lastIndexOf('.');
    const fn = dot >= 0 ? qualified.slice(dot + 1) : qualified;
    const ns = dot >= 0 ? qualified.slice(0, dot) : undefined;
    const user = !DOTNET_LIBRARY.test(qualified) && isUserPath(m[3]);
    frames.push(frame(m[3], +m[4], undefined, fn, ns, user));
  }
  return frames;
}

// Go (runtime/debug.Stack, panics): a function line, then "\t/path/file.go:42 +0x1d".
//   goroutine 1 [running]:
//   main.handleOrder(0xc000012345)
//   	/app/cmd/server/main.go:42 +0x1d
const GO_LOCATION = /^\t(.+\.go):(\d+)(?: \+0x[0-9a-f]+)?\s*$/;

function parseGo(lines: string[]): StackFrame[] {
  const frames: StackFrame[] = [];
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
    frames.push(frame(m[1], +m[2], undefined, fn, pkg, user));
  }
  return frames;
}

// Ruby: "/app/app/models/order.rb:42:in `create'" (≤3.3), "/app/x.rb:42:in 'Order#create'" (3.4),
//       full_message's first line adds ": message (Class)"; later lines may start with "from ".
const RUBY_FRAME = /^\s*(?:from )?(.+?):(\d+):in [`']([^']*)'/;

function parseRuby(lines: string[]): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of lines) {
    const m = RUBY_FRAME.exec(line);
    if (!m) continue;
    let fn: string | undefined = m[3].replace(/^(?:block (?:\(\d+ levels\) )?in |rescue in |ensure in )/, '');
    let ns: string | undefined;
    const sep = Math.max(fn.lastIndexOf('#'), fn.lastIndexOf('.'));
    if (sep > 0) {
      ns = fn.slice(0, sep);
      fn = fn.slice(sep + 1);
    }
    if (fn.startsWith('<')) fn = undefined; // <main>, <top (required)>, <class:Foo>
    frames.push(frame(m[1], +m[2], undefined, fn, ns, isUserPath(m[1])));
  }
  return frames;
}

function frame(file: string, line: number, column: number | undefined, fn: string | undefined, ns: string | undefined, user: boolean): StackFrame {
  const f: StackFrame = { file, line, user };
  if (column !== undefined && column > 0) f.column = column;
  if (fn) f.function = fn;
  if (ns) f.namespace = ns;
  return f;
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
  return null;
}

/** Parse a stack trace as its runtime prints it. Frames innermost first; empty for unknown text. */
export function parseStack(text: string, runtime?: StackRuntime | null): ParsedStack | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  if (text.length > MAX_CHARS) text = text.slice(0, MAX_CHARS);
  const rt = runtime ?? detectRuntime(text);
  if (!rt) return null;
  const lines = text.split(/\r?\n/);
  let frames: StackFrame[];
  switch (rt) {
    case 'v8': frames = parseV8(lines); break;
    case 'python': frames = parsePython(lines); break;
    case 'jvm': frames = parseJvm(lines); break;
    case 'dotnet': frames = parseDotnet(lines); break;
    case 'go': frames = parseGo(lines); break;
    case 'ruby': frames = parseRuby(lines); break;
  }
  if (frames.length > MAX_FRAMES) frames.length = MAX_FRAMES;
  return { runtime: rt, frames };
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
