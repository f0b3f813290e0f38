// Receiver command-line options (shared by dist/receiver.js and `trace-explorer receive`).
import { DEFAULT_CORS_ORIGINS } from './cors';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_SPANS } from '../store/traceStore';
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
  };
}

export class UsageError extends Error {}

export const RECEIVER_USAGE = `options:
  --host H             address to bind the OTLP ports (default 127.0.0.1)
  --http-port P        OTLP/HTTP port (default 4318; 0 = any free port)
  --grpc-port P        OTLP/gRPC port (default 4317; 0 = any free port)
  --api-port P         query API port on 127.0.0.1 (default 0 = any free port)
  --max-spans N        spans kept before the oldest traces are evicted (default ${DEFAULT_MAX_SPANS})
  --max-bytes N        approximate memory kept before eviction (default ${DEFAULT_MAX_BYTES})
  --max-body N         largest request body after decompression (default ${DEFAULT_MAX_BODY})
  --cors O,O           browser origins allowed to send telemetry (default ${DEFAULT_CORS_ORIGINS.join(',')})
  --token T            query API bearer token (default: random)
  --state-file F       write {pid, apiPort, token, …} there (mode 0600) while running
  --idle-exit-ms N     exit N ms after the last event-stream client leaves (0 = never)`;

function intArg(name: string, v: string | undefined, min: number, max: number): number {
  if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`${name} needs a whole number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

const KNOWN_OPTIONS = new Set(['--host', '--http-port', '--grpc-port', '--api-port', '--max-spans', '--max-bytes', '--max-body', '--cors', '--token', '--state-file', '--idle-exit-ms']);

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
        if (!v || !/^[\x21-\x7e]{8,}$/.test(v)) throw new UsageError('--token needs at least 8 printable characters without spaces');
        o.token = v;
        break;
      case '--state-file':
        if (!v) throw new UsageError('--state-file needs a path');
        o.stateFile = v;
        break;
      case '--idle-exit-ms':
        o.idleExitMs = intArg(a, v, 0, 2 ** 31);
        break;
    }
  }
  return o;
}
