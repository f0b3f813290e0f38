// OTLP response bodies in the request's own encoding: Export*ServiceResponse (with partial_success when
// something was rejected) for 200, google.rpc.Status for failures. Field numbers: proto.ts.
import { Writer } from 'protobufjs/minimal';

export type Encoding = 'protobuf' | 'json';
export type Signal = 'traces' | 'logs' | 'metrics';

export interface EncodedBody {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPE: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** partial_success's count field name per signal (JSON spelling) */
const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** The Export*ServiceResponse message bytes (protobuf) — used by HTTP and, framed, by gRPC. */
export function exportResponseProto(rejected: number, errorMessage: string): Buffer {
  if (rejected === 0 && !errorMessage) return Buffer.alloc(0);
  const w = Writer.create();
  w.uint32((1 << 3) | 2).fork();
  if (rejected) w.uint32((1 << 3) | 0).int64(rejected);
  if (errorMessage) w.uint32((2 << 3) | 2).string(errorMessage);
  w.ldelim();
  return toBuffer(w.finish());
}

/**
 * 200 answer. With rejected > 0 (or a warning message), `partial_success` says how many items were
 * refused and why, as the OTLP specification asks.
 */
export function exportResponse(signal: Signal, encoding: Encoding, rejected: number, errorMessage: string): EncodedBody {
  if (encoding === 'protobuf') return { body: exportResponseProto(rejected, errorMessage), contentType: CONTENT_TYPE.protobuf };
  const body: Record<string, unknown> = {};
  if (rejected || errorMessage) {
    const ps: Record<string, unknown> = {};
    if (rejected) ps[REJECTED_FIELD[signal]] = String(rejected);
    if (errorMessage) ps.errorMessage = errorMessage;
    body.partialSuccess = ps;
  }
  return { body: Buffer.from(JSON.stringify(body)), contentType: CONTENT_TYPE.json };
}

/** google.rpc.Status (code: a gRPC status code, e.g. 3 INVALID_ARGUMENT) for an HTTP failure answer. */
export function statusResponse(encoding: Encoding, code: number, message: string): EncodedBody {
  if (encoding === 'json') return { body: Buffer.from(JSON.stringify({ code, message })), contentType: CONTENT_TYPE.json };
  const w = Writer.create();
  if (code) w.uint32((1 << 3) | 0).int32(code);
  if (message) w.uint32((2 << 3) | 2).string(message);
  return { body: toBuffer(w.finish()), contentType: CONTENT_TYPE.protobuf };
}

/** gRPC status codes used by the receiver */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;
