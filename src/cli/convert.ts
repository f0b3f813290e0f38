// `trace-explorer convert <file> [--to otlp-json|otlp-proto] [--out FILE]`
// Any supported trace file (OTLP JSON variants, OTLP protobuf, Jaeger JSON, Zipkin v2 JSON; recognised by
// content) → OTLP JSON (default) or OTLP protobuf (ExportTraceServiceRequest), raw: nothing is normalised
// or redacted. Exit codes: 0 done, 1 the input is not a readable trace file, 2 bad arguments.
import { importTraceFile } from '../fixtures/detect';
import { FORMAT_LABELS, TraceFileError } from '../fixtures/importResult';
import { writeOtlpProto } from '../fixtures/otlpProto';
import { CliIo, processIo, splitOption, startFileCommand } from './cliIo';

export const CONVERT_USAGE = `usage: trace-explorer convert <file> [--to otlp-json|otlp-proto] [--out FILE]

Converts a trace file to OTLP. The input format is recognised from the content: OTLP JSON (one export
request, an array of them, Collector file-exporter JSON Lines, Tempo "batches"), OTLP protobuf, Jaeger JSON
or Zipkin v2 JSON (gzip-compressed too).
  --to otlp-json    OTLP JSON, one ExportTraceServiceRequest (default)
  --to otlp-proto   OTLP protobuf ExportTraceServiceRequest (binary: use --out or redirect stdout)
  --out FILE        write to FILE instead of stdout
`;

interface Args {
  file: string;
  to: 'otlp-json' | 'otlp-proto';
  out?: string;
}

function parseArgs(argv: string[]): Args | string {
  const a: Partial<Args> = { to: 'otlp-json' };
  for (let i = 0; i < argv.length; i++) {
    const [arg, inline] = splitOption(argv[i]);
    const value = () => inline ?? argv[++i];
    switch (arg) {
      case '--to': {
        const v = value();
        if (v !== 'otlp-json' && v !== 'otlp-proto') return `--to must be otlp-json or otlp-proto (got ${JSON.stringify(v ?? '')})`;
        a.to = v;
        break;
      }
      case '--out': {
        const v = value();
        if (!v) return '--out needs a file name';
        a.out = v;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
        if (a.file) return `only one input file, got ${JSON.stringify(a.file)} and ${JSON.stringify(arg)}`;
        a.file = arg;
    }
  }
  if (!a.file) return 'missing the input file';
  return a as Args;
}

export async function runConvert(argv: string[], io: CliIo = processIo()): Promise<number> {
  const start = startFileCommand('convert', CONVERT_USAGE, argv, io, parseArgs);
  if (typeof start === 'number') return start;
  const { args, bytes } = start;
  try {
    const r = importTraceFile(bytes);
    for (const w of r.warnings) io.stderr(`trace-explorer convert: note: ${w}`);
    io.stderr(`trace-explorer convert: read ${FORMAT_LABELS[r.format]}: ${r.spanCount} spans in ${r.traceIds.length} trace(s)`);
    const out = args.to === 'otlp-proto' ? writeOtlpProto(r.data) : `${JSON.stringify(r.data)}\n`;
    if (args.out) io.writeFile(args.out, out);
    else if (args.to === 'otlp-proto' && io.stdoutIsTty) {
      io.stderr('trace-explorer convert: refusing to write binary protobuf to a terminal; use --out FILE or redirect stdout');
      return 2;
    } else io.stdout(out);
    return 0;
  } catch (e) {
    if (e instanceof TraceFileError) {
      io.stderr(`trace-explorer convert: ${args.file}: ${e.message}`);
      return 1;
    }
    io.stderr(`trace-explorer convert: ${(e as Error).message}`);
    return 1;
  }
}

/** The dispatcher's entry point (src/cli/main.ts). */
export function run(args: string[]): Promise<number> {
  return runConvert(args);
}
