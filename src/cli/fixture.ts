// `trace-explorer fixture <file> [--trace ID] [--span ID] --format otlp-json|vitest|jest|pytest|tracetest`
// The same generators as the editor's "Copy Trace as Test Fixture", printing to stdout — for CI jobs that
// turn captured traces into tests. Exit codes: 0 done, 1 unreadable input or a trace/span not in it,
// 2 bad arguments.
import { DEFAULT_KEEP_ATTRIBUTES, DEFAULT_REDACT_ATTRIBUTES, DEFAULT_VOLATILE_ATTRIBUTES } from '../fixtures/defaults';
import { importTraceFile } from '../fixtures/detect';
import { FIXTURE_FORMATS, FixtureFormat, GenerateOptions, generateFixture } from '../fixtures/generate';
import { TraceFileError } from '../fixtures/importResult';
import { SelectionError } from '../fixtures/select';
import { CliIo, processIo, splitOption, startFileCommand } from './cliIo';

export const FIXTURE_USAGE = `usage: trace-explorer fixture <file> --format otlp-json|vitest|jest|pytest|tracetest [options]

Turns a trace file (any format 'convert' reads) into a deterministic fixture or a runnable test, on stdout.
Without --trace every trace in the file goes into the one fixture.
  --format F             otlp-json (sanitised, deterministic OTLP JSON), vitest, jest (TypeScript unless
                         --lang js), pytest, tracetest (Tracetest test definition YAML)
  --trace ID             only this trace
  --span ID              only this span and its descendants
  --lang ts|js           language of vitest/jest tests (default ts)
  --absolute-times       keep recorded timestamps (default: rebase to 2024-01-01T00:00:00Z)
  --drop-volatile        leave volatile attributes out (default: keep the key, normalise the value)
  --volatile PATTERN     another volatile attribute key pattern ('*' wildcard; repeatable)
  --redact PATTERN       another secret attribute key pattern (repeatable)
  --redact-regex REGEX   another secret value pattern; matches are replaced by REDACTED (repeatable)
  --keep PATTERN         another attribute key the tests compare (repeatable)
  --no-budgets           no duration assertions
  --out FILE             write to FILE instead of stdout
`;

interface Args extends GenerateOptions {
  file: string;
  out?: string;
}

function parseArgs(argv: string[]): Args | string {
  let file = '';
  let out: string | undefined;
  let format: FixtureFormat | undefined;
  const o: Omit<GenerateOptions, 'format'> = {};
  const volatile: string[] = [];
  const redact: string[] = [];
  const redactRegex: string[] = [];
  const keep: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [arg, inline] = splitOption(argv[i]);
    const value = (): string | undefined => inline ?? argv[++i];
    const need = (name: string): string => {
      const v = value();
      if (v === undefined || v === '') throw new Error(`${name} needs a value`);
      return v;
    };
    try {
      switch (arg) {
        case '--format': {
          const v = need('--format');
          if (!(FIXTURE_FORMATS as readonly string[]).includes(v)) return `--format must be one of ${FIXTURE_FORMATS.join(', ')} (got ${JSON.stringify(v)})`;
          format = v as FixtureFormat;
          break;
        }
        case '--trace':
          o.traceId = need('--trace');
          break;
        case '--span':
          o.spanId = need('--span');
          break;
        case '--lang': {
          const v = need('--lang');
          if (v !== 'ts' && v !== 'js') return `--lang must be ts or js (got ${JSON.stringify(v)})`;
          o.language = v;
          break;
        }
        case '--absolute-times':
          o.timestamps = 'absolute';
          break;
        case '--drop-volatile':
          o.volatileMode = 'drop';
          break;
        case '--volatile':
          volatile.push(need('--volatile'));
          break;
        case '--redact':
          redact.push(need('--redact'));
          break;
        case '--redact-regex': {
          const v = need('--redact-regex');
          try {
            new RegExp(v);
          } catch (e) {
            return `--redact-regex ${JSON.stringify(v)} is not a valid regular expression: ${(e as Error).message}`;
          }
          redactRegex.push(v);
          break;
        }
        case '--keep':
          keep.push(need('--keep'));
          break;
        case '--no-budgets':
          o.durationBudgets = false;
          break;
        case '--out':
          out = need('--out');
          break;
        default:
          if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
          if (file) return `only one input file, got ${JSON.stringify(file)} and ${JSON.stringify(arg)}`;
          file = arg;
      }
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (!file) return 'missing the input file';
  if (!format) return `missing --format (one of ${FIXTURE_FORMATS.join(', ')})`;
  return {
    ...o,
    format,
    file,
    out,
    volatileAttributes: [...DEFAULT_VOLATILE_ATTRIBUTES, ...volatile],
    redactAttributes: [...DEFAULT_REDACT_ATTRIBUTES, ...redact],
    redactPatterns: redactRegex,
    keepAttributes: [...DEFAULT_KEEP_ATTRIBUTES, ...keep],
  };
}

export async function runFixture(argv: string[], io: CliIo = processIo()): Promise<number> {
  const start = startFileCommand('fixture', FIXTURE_USAGE, argv, io, parseArgs);
  if (typeof start === 'number') return start;
  const { args, bytes } = start;
  try {
    const r = importTraceFile(bytes);
    for (const w of r.warnings) io.stderr(`trace-explorer fixture: note: ${w}`);
    const g = generateFixture(r.data, args);
    if (args.out) io.writeFile(args.out, g.text);
    else io.stdout(g.text);
    return 0;
  } catch (e) {
    if (e instanceof TraceFileError) io.stderr(`trace-explorer fixture: ${args.file}: ${e.message}`);
    else if (e instanceof SelectionError) io.stderr(`trace-explorer fixture: ${e.message}`);
    else io.stderr(`trace-explorer fixture: ${(e as Error).message}`);
    return 1;
  }
}

/** The dispatcher's entry point (src/cli/main.ts). */
export function run(args: string[]): Promise<number> {
  return runFixture(args);
}
