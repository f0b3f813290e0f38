// Splits an exception stack trace into lines and recognises frames that name a file and line, in the
// common runtimes' formats (Node/V8, Python, Java/Kotlin, .NET, Go, Ruby, PHP). A recognised frame becomes a
// link; the host's source feature decides which workspace file it is (path mappings, source maps).

export interface StackFrame {
  file: string;
  line: number;
  column?: number;
  function?: string;
}

export interface StackLine {
  text: string;
  frame: StackFrame | null;
}

const PATTERNS: { re: RegExp; map: (m: RegExpMatchArray) => StackFrame }[] = [
  // V8: "at fn (file:10:5)", "at async fn (file:10:5)", "at file:10:5"
  { re: /^\s*at (?:async )?(.+?) \((.+?):(\d+):(\d+)\)\s*$/, map: (m) => ({ function: m[1], file: m[2], line: +m[3], column: +m[4] }) },
  { re: /^\s*at (?:async )?(\S.*?):(\d+):(\d+)\s*$/, map: (m) => ({ file: m[1], line: +m[2], column: +m[3] }) },
  // Python: File "x.py", line 42, in handler
  { re: /^\s*File "(.+)", line (\d+)(?:, in (.+))?\s*$/, map: (m) => ({ file: m[1], line: +m[2], function: m[3] }) },
  // .NET: at Ns.Type.Method() in /src/File.cs:line 42
  { re: /^\s*at (.+?) in (.+):line (\d+)\s*$/, map: (m) => ({ function: m[1], file: m[2], line: +m[3] }) },
  // Java/Kotlin: at com.acme.Foo.bar(Foo.java:42)
  { re: /^\s*at ([\w$.<>/]+)\(([^():]+):(\d+)\)\s*$/, map: (m) => ({ function: m[1], file: m[2], line: +m[3] }) },
  // Go: \t/app/main.go:42 +0x1d
  { re: /^\s+(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?\s*$/, map: (m) => ({ file: m[1], line: +m[2] }) },
  // PHP: #0 /var/www/x.php(42): fn()
  { re: /^#\d+ (.+?)\((\d+)\): (.+)$/, map: (m) => ({ file: m[1], line: +m[2], function: m[3] }) },
  // Ruby and generic "file:line[:col]" with a method
  { re: /^\s*(\S+?\.\w+):(\d+)(?::(\d+))?:in [`'](.+)'\s*$/, map: (m) => ({ file: m[1], line: +m[2], column: m[3] ? +m[3] : undefined, function: m[4] }) },
];

export function parseStackTrace(text: string): StackLine[] {
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => {
    if (line.length > 2000) return { text: line, frame: null };
    for (const p of PATTERNS) {
      const m = line.match(p.re);
      if (m) {
        const f = p.map(m);
        if (f.file && f.line > 0 && !/^(node:|native|<anonymous>)/.test(f.file)) return { text: line, frame: f };
        return { text: line, frame: null };
      }
    }
    return { text: line, frame: null };
  });
}
