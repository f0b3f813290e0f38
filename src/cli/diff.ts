// `trace-explorer diff <a> <b> [--format text|json|markdown] [--threshold 20%]`
// Compares two traces span by span (src/diff/) and prints what changed. Each side is a trace file any
// importer reads (`FILE#TRACEID` picks one trace of a file holding several) or a trace id held by a running
// receiver: the editor's (found through its state file, as `run` finds it) or the one --api names.
// Exit codes: 0 the same, 1 the structure differs or a span got slower beyond the threshold, 2 bad input.
import * as fs from 'node:fs';
import { diffTraces, jsonReport, markdownReport, otlpTraceIds, textReport, traceFromOtlp, verdict, type DiffTrace } from '../diff/index';
import { importTraceFile } from '../fixtures/detect';
import { TraceFileError } from '../fixtures/importResult';
import type { OtlpTracesData } from '../model/otlpJson';
import { isAlive } from '../host/receiverProcess';
import { ApiClient, ApiError } from '../receiver/apiClient';
import { CliIo, fsReason, processIo, splitOption } from './cliIo';
import { stateFileCandidates } from './run';

export const DIFF_USAGE = `usage: trace-explorer diff <a> <b> [options]

Compares trace B with trace A span by span (matched by service, name, kind and place among siblings) and
prints the structural differences (spans added, removed, renamed) and the timing differences (slower and
faster spans, by their own time). Exits 0 when the two are the same, 1 when the structure differs or a span
got slower beyond the threshold, 2 on bad input.
Each of <a>, <b> is
  a trace file           any format 'convert' reads; FILE#TRACEID picks one trace of a file holding several
  a trace id             a trace held by the running receiver (the editor's, or --api)
Options:
  --format F             text (default), markdown or json
  --threshold P          a span regressed when slower by more than P % (default 20%)
  --min-delta MS         … and by at least MS milliseconds (default 1; shorter spans jitter by more than 20 %)
  --top N                list the N biggest changes each way (default 10)
  --api URL              the receiver's query API (default: the editor's receiver, from its state file)
  --token-file FILE      the API token (default: from the editor's state file)
`;

type Format = 'text' | 'json' | 'markdown';

interface Args {
  a: string;
  b: string;
  format: Format;
  thresholdPct: number;
  minDeltaMs: number;
  top: number;
  api?: string;
  tokenFile?: string;
}

/** Bad input: the message says what is wrong and what to do; exit code 2. */
class InputError extends Error {}

export function parseDiffArgs(argv: string[]): Args | string {
  const sides: string[] = [];
  const out: Omit<Args, 'a' | 'b'> = { format: 'text', thresholdPct: 20, minDeltaMs: 1, top: 10 };
  for (let i = 0; i < argv.length; i++) {
    const [arg, inline] = splitOption(argv[i]);
    const need = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new InputError(`${arg} needs a value`);
      return v;
    };
    try {
      switch (arg) {
        case '--format': {
          const v = need();
          if (v !== 'text' && v !== 'json' && v !== 'markdown') return `--format must be text, json or markdown (got ${JSON.stringify(v)})`;
          out.format = v;
          break;
        }
        case '--threshold': {
          const v = need();
          const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(v);
          if (!m) return `--threshold must be a percentage such as 20% (got ${JSON.stringify(v)})`;
          out.thresholdPct = Number(m[1]);
          break;
        }
        case '--min-delta': {
          const v = need();
          const m = /^(\d+(?:\.\d+)?)\s*(ms)?$/.exec(v);
          if (!m) return `--min-delta must be milliseconds such as 1 or 2.5ms (got ${JSON.stringify(v)})`;
          out.minDeltaMs = Number(m[1]);
          break;
        }
        case '--top': {
          const v = need();
          if (!/^\d{1,6}$/.test(v)) return `--top must be a whole number (got ${JSON.stringify(v)})`;
          out.top = Number(v);
          break;
        }
        case '--api':
          out.api = need();
          break;
        case '--token-file':
          out.tokenFile = need();
          break;
        default:
          if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
          sides.push(arg);
      }
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (sides.length !== 2) return `needs two traces to compare, got ${sides.length}`;
  return { ...out, a: sides[0], b: sides[1] };
}

const TRACE_ID = /^[0-9a-fA-F]{32}$/;

/** The API of the editor's running receiver, from its state file (`run` finds its OTLP port the same way). */
function editorReceiverApi(env: NodeJS.ProcessEnv): ApiClient | undefined {
  for (const file of stateFileCandidates(env)) {
    try {
      const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; apiPort?: unknown; token?: unknown; host?: unknown };
      if (typeof j.pid !== 'number' || !isAlive(j.pid)) continue;
      if (typeof j.apiPort !== 'number' || typeof j.token !== 'string') continue;
      return new ApiClient({ port: j.apiPort, token: j.token });
    } catch {
      // missing or unreadable: try the next editor
    }
  }
  return undefined;
}

function apiFrom(args: Args, io: CliIo, env: NodeJS.ProcessEnv): ApiClient {
  if (args.api) {
    let url: URL;
    try {
      url = new URL(/^\d+$/.test(args.api) ? `http://127.0.0.1:${args.api}` : args.api);
    } catch {
      throw new InputError(`--api ${JSON.stringify(args.api)} is not a URL (e.g. http://127.0.0.1:43123)`);
    }
    if (!args.tokenFile) throw new InputError('--api needs --token-file (the file holding the API token)');
    let token: string;
    try {
      token = Buffer.from(io.readFile(args.tokenFile)).toString('utf8').trim();
    } catch (e) {
      throw new InputError(`cannot read the token file ${args.tokenFile}: ${fsReason(e)}`);
    }
    return new ApiClient({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80), token });
  }
  const c = editorReceiverApi(env);
  if (!c) throw new InputError('no running receiver found to read trace ids from: open VS Code with Trace Explorer, or pass --api and --token-file');
  return c;
}

function fromFile(bytes: Uint8Array, name: string, traceId: string | undefined): DiffTrace {
  let data: OtlpTracesData;
  try {
    data = importTraceFile(bytes).data;
  } catch (e) {
    if (e instanceof TraceFileError) throw new InputError(`${name}: ${e.message}`);
    throw e;
  }
  const ids = otlpTraceIds(data);
  if (traceId !== undefined) {
    const id = traceId.toLowerCase();
    if (!ids.includes(id)) throw new InputError(`${name} holds no trace ${traceId} (it holds ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`);
    return traceFromOtlp(data, id);
  }
  if (ids.length > 1) {
    throw new InputError(`${name} holds ${ids.length} traces; pick one as ${name}#TRACEID (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''})`);
  }
  return traceFromOtlp(data);
}

interface Resolver {
  side(spec: string): Promise<{ trace: DiffTrace; label: string }>;
  close(): void;
}

function resolver(args: Args, io: CliIo, env: NodeJS.ProcessEnv): Resolver {
  let api: ApiClient | undefined;
  return {
    async side(spec) {
      let bytes: Uint8Array | undefined;
      let readError: unknown;
      try {
        bytes = io.readFile(spec);
      } catch (e) {
        readError = e;
      }
      if (bytes) return { trace: fromFile(bytes, spec, undefined), label: spec };
      const hash = spec.lastIndexOf('#');
      if (hash > 0 && (readError as NodeJS.ErrnoException)?.code === 'ENOENT') {
        const file = spec.slice(0, hash);
        let b: Uint8Array | undefined;
        try {
          b = io.readFile(file);
        } catch {
          // not FILE#ID either: report the whole argument below
        }
        if (b) return { trace: fromFile(b, file, spec.slice(hash + 1)), label: spec };
      }
      if (!TRACE_ID.test(spec)) {
        throw new InputError(`cannot read ${spec}: ${fsReason(readError)} (and it is not a 32-digit hex trace id)`);
      }
      api ??= apiFrom(args, io, env);
      let data: OtlpTracesData | undefined;
      try {
        data = await api.trace(spec.toLowerCase());
      } catch (e) {
        const status = e instanceof ApiError ? e.status : 0;
        throw new InputError(`the receiver at ${api.url} did not answer for trace ${spec}${status ? ` (HTTP ${status})` : ''}: ${(e as Error).message}`);
      }
      if (!data) throw new InputError(`the receiver at ${api.url} holds no trace ${spec}`);
      return { trace: traceFromOtlp(data, spec.toLowerCase()), label: `trace ${spec.toLowerCase()}` };
    },
    close() {
      // keep-alive sockets would hold the process open
      api?.dispose();
    },
  };
}

export async function runDiff(argv: string[], io: CliIo = processIo(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(DIFF_USAGE);
    return 0;
  }
  const args = parseDiffArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`trace-explorer diff: ${args} (see --help)`);
    return 2;
  }
  const r = resolver(args, io, env);
  try {
    const a = await r.side(args.a);
    const b = await r.side(args.b);
    const diff = diffTraces(a.trace, b.trace);
    const o = { thresholdPct: args.thresholdPct, minDeltaMs: args.minDeltaMs, top: args.top, labelA: a.label, labelB: b.label };
    io.stdout(args.format === 'json' ? jsonReport(diff, o) : args.format === 'markdown' ? markdownReport(diff, o) : textReport(diff, o));
    return verdict(diff, o).exitCode;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    io.stderr(`trace-explorer diff: ${e.message}`);
    return 2;
  } finally {
    r.close();
  }
}

/** The dispatcher's entry point (src/cli/main.ts). */
export function run(args: string[]): Promise<number> {
  return runDiff(args);
}
