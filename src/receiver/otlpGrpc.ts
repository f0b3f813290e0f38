// OTLP/gRPC on node:http2 without a gRPC library: unary Export calls of the trace, logs and metrics
// services. gRPC framing by hand: each message is a 5-byte prefix (compressed flag, uint32 big-endian
// length) plus the protobuf bytes; the status travels in trailers (grpc-status, grpc-message), or as
// trailers-only headers for errors. grpc-encoding gzip/deflate is accepted for requests.
import * as http2 from 'node:http2';
import * as zlib from 'node:zlib';
import type { TraceStore } from '../store/traceStore';
import { OtlpDecodeError } from '../otlp/protoDecode';
import { GrpcCode, type Signal, exportResponseProto } from '../otlp/responses';
import { mib } from './body';
import { type IngestCounters, ingest } from './ingest';
import type { ReceiverLog } from './log';
import { type ConnectionLimits, OTLP_CONNECTION_LIMITS, limitHttp2Server } from './connectionLimits';

export interface OtlpGrpcOptions {
  store: TraceStore;
  maxBodyBytes: number;
  bodyTimeoutMs?: number;
  counters: IngestCounters;
  log: ReceiverLog;
  limits?: ConnectionLimits;
}

export const GRPC_METHODS: Record<string, Signal> = {
  '/opentelemetry.proto.collector.trace.v1.TraceService/Export': 'traces',
  '/opentelemetry.proto.collector.logs.v1.LogsService/Export': 'logs',
  '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export': 'metrics',
};

class GrpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** grpc-message is percent-encoded: everything outside printable ASCII, and '%' itself */
export function encodeGrpcMessage(msg: string): string {
  const bytes = Buffer.from(msg.slice(0, 2000), 'utf8');
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

export function createOtlpGrpcServer(o: OtlpGrpcOptions): http2.Http2Server {
  const server = http2.createServer({ maxSessionMemory: 64 });
  server.on('stream', (stream, headers) => {
    handle(o, stream, headers).catch((e: unknown) => {
      o.log.warn(`[otlp/grpc] internal error: ${(e as Error)?.stack ?? e}`);
      fail(stream, GrpcCode.INTERNAL, 'internal receiver error');
    });
  });
  server.on('sessionError', () => undefined);
  server.on('session', (session) => session.on('error', () => undefined));
  limitHttp2Server(server, o.limits ?? OTLP_CONNECTION_LIMITS);
  return server;
}

function fail(stream: http2.ServerHttp2Stream, code: number, message: string): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  // trailers-only response
  stream.respond(
    { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(message) },
    { endStream: true },
  );
  // the client may still be sending: stop reading
  stream.resume();
}

function readStream(stream: http2.ServerHttp2Stream, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream.removeListener('data', onData);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, n));
    };
    const timer = setTimeout(() => finish(new GrpcError(4, `the request did not arrive within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    const onData = (c: Buffer) => {
      n += c.length;
      // the first frame's length prefix tells the size early; checked again per message below
      if (n > maxBytes + 5) finish(new GrpcError(GrpcCode.RESOURCE_EXHAUSTED, `request message is over the ${mib(maxBytes)} limit`));
      else chunks.push(c);
    };
    stream.on('data', onData);
    stream.on('end', () => finish());
    stream.on('error', (e) => finish(e));
    stream.on('aborted', () => finish(new GrpcError(1, 'the client cancelled the call')));
  });
}

function gunzip(data: Buffer, how: string, maxBytes: number): Buffer {
  try {
    const opts = { maxOutputLength: maxBytes };
    return how === 'gzip' ? zlib.gunzipSync(data, opts) : zlib.inflateSync(data, opts);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new GrpcError(GrpcCode.RESOURCE_EXHAUSTED, `request message inflates to more than the ${mib(maxBytes)} limit`);
    }
    throw new GrpcError(GrpcCode.INVALID_ARGUMENT, `the ${how} message could not be decompressed: ${(e as Error).message}`);
  }
}

async function handle(o: OtlpGrpcOptions, stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): Promise<void> {
  stream.on('error', () => undefined);
  const path = headers[':path'] ?? '';
  const ct = String(headers['content-type'] ?? '');
  if (headers[':method'] !== 'POST' || !ct.startsWith('application/grpc')) {
    // not a gRPC call at all (e.g. a browser or an HTTP/2 probe)
    if (!stream.headersSent) stream.respond({ ':status': 415, 'content-type': 'text/plain' });
    stream.end('this port speaks OTLP/gRPC; OTLP/HTTP is on the HTTP port\n');
    stream.resume();
    return;
  }
  const signal = GRPC_METHODS[path];
  if (!signal) {
    fail(stream, GrpcCode.UNIMPLEMENTED, `unknown method ${path}: this receiver implements the OTLP trace, logs and metrics Export methods`);
    return;
  }
  if (ct !== 'application/grpc' && ct !== 'application/grpc+proto' && !ct.startsWith('application/grpc;')) {
    fail(stream, GrpcCode.INVALID_ARGUMENT, `unsupported gRPC content type ${ct}: only protobuf messages are accepted`);
    return;
  }
  const grpcEncoding = String(headers['grpc-encoding'] ?? 'identity').toLowerCase();
  let message: Buffer;
  try {
    const raw = await readStream(stream, o.maxBodyBytes, o.bodyTimeoutMs ?? 30_000);
    if (raw.length < 5) throw new GrpcError(GrpcCode.INVALID_ARGUMENT, 'the request holds no gRPC message (fewer than 5 bytes)');
    const compressed = raw[0];
    const len = raw.readUInt32BE(1);
    if (len > o.maxBodyBytes) throw new GrpcError(GrpcCode.RESOURCE_EXHAUSTED, `request message of ${mib(len)} is over the ${mib(o.maxBodyBytes)} limit`);
    if (raw.length !== 5 + len) {
      throw new GrpcError(GrpcCode.INVALID_ARGUMENT, raw.length < 5 + len ? `truncated gRPC message: ${raw.length - 5} of ${len} bytes` : 'more than one message in a unary call');
    }
    message = raw.subarray(5);
    if (compressed === 1) {
      if (grpcEncoding !== 'gzip' && grpcEncoding !== 'deflate') {
        throw new GrpcError(GrpcCode.UNIMPLEMENTED, `compressed message with unsupported grpc-encoding ${grpcEncoding}: use gzip or deflate`);
      }
      message = gunzip(message, grpcEncoding, o.maxBodyBytes);
    } else if (compressed !== 0) throw new GrpcError(GrpcCode.INVALID_ARGUMENT, `bad gRPC compressed flag ${compressed}`);
  } catch (e) {
    if (!(e instanceof GrpcError)) {
      if (!stream.destroyed) fail(stream, GrpcCode.INVALID_ARGUMENT, (e as Error).message);
      return;
    }
    o.counters.badRequests++;
    o.log.warn(`[otlp/grpc] ${path}: ${e.message}`);
    fail(stream, e.code, e.message);
    return;
  }
  let response: Buffer;
  try {
    const r = ingest(o.store, signal, 'protobuf', message, o.counters);
    response = exportResponseProto(r.rejected, r.message);
  } catch (e) {
    if (!(e instanceof OtlpDecodeError)) throw e;
    o.counters.badRequests++;
    o.log.warn(`[otlp/grpc] ${path}: ${e.message}`);
    fail(stream, GrpcCode.INVALID_ARGUMENT, e.message);
    return;
  }
  if (stream.destroyed || stream.closed) return;
  const frame = Buffer.allocUnsafe(5 + response.length);
  frame[0] = 0;
  frame.writeUInt32BE(response.length, 1);
  response.copy(frame, 5);
  stream.respond(
    { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-encoding': 'identity', 'grpc-accept-encoding': 'identity,gzip,deflate' },
    { waitForTrailers: true },
  );
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': '' }));
  stream.end(frame);
}
