// Receiver command-line options (shared by dist/receiver.js and `trace-explorer receive`).
import * as fs from 'node:fs';
import { DEFAULT_CORS_ORIGINS } from './cors';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_SPANS } from '../store/traceStore';
import { DEFAULT_MAX_AGE_MS, DEFAULT_MAX_DISK_BYTES } from '../store/persist/diskStore';
import type { ConnectionLimits } from './connectionLimits';

export interface ReceiverOptions {
  host: string;
  httpPort: number;
  grpcPort: number;
  apiPort: number;
  maxSpans: number;
  maxBytes: number;
  maxBody: number;
  cors: string[];
  token?: string;
  stateFile?: string;
  /** exit this long after the last event-stream client left (0 = never) */
  idleExitMs: number;
  /** keep traces in this directory across restarts (src/store/persist/); memory only when absent */
  storeDir?: string;
  /** the persistent store's limits: bytes on disk, and age of the oldest kept batch */
  storeMaxBytes: number;
  storeMaxAgeMs: number;
  /** per OTLP port and for the query API (defaults in connectionLimits.ts; tests shorten them) */
  otlpLimits?: ConnectionLimits;
  apiLimits?: ConnectionLimits;
}

export const DEFAULT_MAX_BODY = 20 * 1024 * 1024;

export function defaultOptions(): ReceiverOptions {
  return {
    host: '127.0.0.1',
    httpPort: 4318,
    grpcPort: 4317,
    apiPort: 0,
    maxSpans: DEFAULT_MAX_SPANS,
    maxBytes: DEFAULT_MAX_BYTES,
    maxBody: DEFAULT_MAX_BODY,
    cors: [...DEFAULT_CORS_ORIGINS],
    idleExitMs: 60_000,
    storeMaxBytes: DEFAULT_MAX_DISK_BYTES,
    storeMaxAgeMs: DEFAULT_MAX_AGE_MS,
  };
}

export class UsageError extends Error {}

/** the environment variable `trace-explorer receive` takes the token from when no option gives one */
export const TOKEN_ENV = 'TRACE_EXPLORER_TOKEN';
const TOKEN_RULE = 'at least 8 printable ASCII characters, no spaces';

/** a query API token as given by `from` (an option, a file, the environment), checked */
export function checkToken(v: string | undefined, from: string): string {
  if (!v || !/^[\x21-\x7e]{8,}$/.test(v)) throw new UsageError(`${from} needs a token of ${TOKEN_RULE}`);
  return v;
}

/** the token in a file: its first line (a trailing newline is not part of it) */
export function readTokenFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--token-file: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return checkToken(text.replace(/\r?\n$/, ''), `--token-file ${file}`);
}

export const RECEIVER_USAGE = `options:
  --host H             address to bind the OTLP ports (default 127.0.0.1)
  --http-port P        OTLP/HTTP port (default 4318; 0 = any free port)
  --grpc-port P        OTLP/gRPC port (default 4317; 0 = any free port)
  --api-port P         query API port on 127.0.0.1 (default 0 = any free port)
  --max-spans N        spans kept before the oldest traces are evicted (default ${DEFAULT_MAX_SPANS})
  --max-bytes N        approximate memory kept before eviction (default ${DEFAULT_MAX_BYTES})
  --max-body N         largest request body after decompression (default ${DEFAULT_MAX_BODY})
  --cors O,O           browser origins allowed to send telemetry (default ${DEFAULT_CORS_ORIGINS.join(',')})
  --token-file F       query API bearer token read from file F (its first line; keep the file private)
  --token T            the token on the command line; every local user can read it in ps, so prefer
                       --token-file or the ${TOKEN_ENV} environment variable (trace-explorer receive)
                       A token is ${TOKEN_RULE}. Default: a random one, printed
                       in the listening line and written to the state file.
  --state-file F       write {pid, apiPort, token, …} there (mode 0600) while running
  --idle-exit-ms N     exit N ms after the last event-stream client leaves (0 = never)
  --store DIR          keep traces, logs, pins and statistics in DIR across restarts (default: memory only);
                       one receiver per DIR; --max-spans / --max-bytes then bound what is held in memory
  --store-max-bytes N  disk the store may use before the oldest traces go (default ${DEFAULT_MAX_DISK_BYTES})
  --store-max-age-days N  traces older than N days go (default ${DEFAULT_MAX_AGE_MS / 86_400_000}); pinned ones stay`;

function intArg(name: string, v: string | undefined, min: number, max: number): number {
  if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`${name} needs a whole number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

const KNOWN_OPTIONS = new Set(['--host', '--http-port', '--grpc-port', '--api-port', '--max-spans', '--max-bytes', '--max-body', '--cors', '--token', '--token-file', '--state-file', '--idle-exit-ms', '--store', '--store-max-bytes', '--store-max-age-days']);

/** Parses `--flag value` / `--flag=value` arguments over `base`. Throws UsageError. */
export function parseReceiverArgs(argv: readonly string[], base: ReceiverOptions = defaultOptions()): ReceiverOptions {
  const o: ReceiverOptions = { ...base, cors: [...base.cors] };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(a)} (options start with --)`);
    const eq = a.indexOf('=');
    if (eq > 0) a = a.slice(0, eq);
    if (!KNOWN_OPTIONS.has(a)) throw new UsageError(`unknown option ${a}`);
    const v = eq > 0 ? argv[i].slice(eq + 1) : argv[++i];
    switch (a) {
      case '--host':
        if (!v) throw new UsageError('--host needs an address');
        o.host = v;
        break;
      case '--http-port':
        o.httpPort = intArg(a, v, 0, 65535);
        break;
      case '--grpc-port':
        o.grpcPort = intArg(a, v, 0, 65535);
        break;
      case '--api-port':
        o.apiPort = intArg(a, v, 0, 65535);
        break;
      case '--max-spans':
        o.maxSpans = intArg(a, v, 1, 1e9);
        break;
      case '--max-bytes':
        o.maxBytes = intArg(a, v, 1024 * 1024, 2 ** 45);
        break;
      case '--max-body':
        o.maxBody = intArg(a, v, 1024, 2 ** 31);
        break;
      case '--cors':
        o.cors = (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case '--token':
        o.token = checkToken(v, '--token');
        break;
      case '--token-file':
        if (!v) throw new UsageError('--token-file needs a path');
        o.token = readTokenFile(v);
        break;
      case '--state-file':
        if (!v) throw new UsageError('--state-file needs a path');
        o.stateFile = v;
        break;
      case '--idle-exit-ms':
        o.idleExitMs = intArg(a, v, 0, 2 ** 31);
        break;
      case '--store':
        if (!v) throw new UsageError('--store needs a directory');
        o.storeDir = v;
        break;
      case '--store-max-bytes':
        o.storeMaxBytes = intArg(a, v, 1024 * 1024, 2 ** 50);
        break;
      case '--store-max-age-days':
        o.storeMaxAgeMs = intArg(a, v, 1, 36_500) * 86_400_000;
        break;
    }
  }
  return o;
}
