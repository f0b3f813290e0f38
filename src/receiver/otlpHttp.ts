// OTLP/HTTP: POST /v1/traces, /v1/logs, /v1/metrics with protobuf or JSON bodies, gzip/deflate, CORS.
// Order of checks (as the Collector's otlpreceiver): route (404) → Origin (403, before anything is read)
// → method (405; OPTIONS is the CORS preflight) → content type (415) → body with limits (413/408/400)
// → decode (400) → store → 200 with the Export*ServiceResponse, all answers in the request's encoding.
import * as http from 'node:http';
import type { TraceStore } from '../store/traceStore';
import { OtlpDecodeError } from '../otlp/protoDecode';
import { type Encoding, GrpcCode, type Signal, exportResponse, statusResponse } from '../otlp/responses';
import { BodyError, parseContentEncoding, readBody } from './body';
import type { OriginPolicy } from './cors';
import { type IngestCounters, ingest } from './ingest';
import type { ReceiverLog } from './log';
import { isLoopbackHost } from './hostCheck';
import { type ConnectionLimits, OTLP_CONNECTION_LIMITS, httpServerOptions, limitHttpServer } from './connectionLimits';

export interface OtlpHttpOptions {
  store: TraceStore;
  origins: OriginPolicy;
  maxBodyBytes: number;
  bodyTimeoutMs?: number;
  counters: IngestCounters;
  log: ReceiverLog;
  limits?: ConnectionLimits;
  /** listening on loopback only: refuse requests whose Host is not a loopback name (DNS rebinding) */
  loopbackOnly?: boolean;
}

const ROUTES: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };

export function contentEncodingOf(contentType: string | undefined): Encoding | undefined {
  const t = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (t === 'application/x-protobuf' || t === 'application/protobuf') return 'protobuf';
  if (t === 'application/json') return 'json';
  return undefined;
}

export function createOtlpHttpServer(o: OtlpHttpOptions): http.Server {
  const limits = o.limits ?? OTLP_CONNECTION_LIMITS;
  const server = http.createServer(httpServerOptions(limits, 120_000), (req, res) => {
    handle(o, req, res).catch((e: unknown) => {
      // not reachable by bad input (every decoder error is caught below); log it and answer
      o.log.warn(`[otlp/http] internal error on ${req.method} ${req.url}: ${(e as Error)?.stack ?? e}`);
      if (!res.headersSent) send(res, 500, statusResponse('json', GrpcCode.INTERNAL, 'internal receiver error'));
    });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
    void err;
  });
  limitHttpServer(server, limits);
  return server;
}

function send(res: http.ServerResponse, status: number, body: { body: Buffer; contentType: string }, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...headers, 'content-type': body.contentType, 'content-length': body.body.length });
  res.end(body.body);
}

/** answers without reading the body: the connection is closed after the answer, after draining a little */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: { body: Buffer; contentType: string }, headers: http.OutgoingHttpHeaders = {}): void {
  send(res, status, body, { ...headers, connection: 'close' });
  req.resume();
  const t = setTimeout(() => req.destroy(), 2000);
  t.unref();
  req.on('end', () => clearTimeout(t));
}

async function handle(o: OtlpHttpOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const signal = ROUTES[path];
  const origin = req.headers.origin;
  const reqEncoding = contentEncodingOf(req.headers['content-type']) ?? 'json';
  if (o.loopbackOnly && !isLoopbackHost(req.headers.host)) {
    o.log.warn(`[otlp/http] refused a request for host ${JSON.stringify(req.headers.host).slice(0, 100)} (this port listens on loopback only)`);
    refuse(req, res, 403, statusResponse(reqEncoding, 7 /* PERMISSION_DENIED */, `host ${JSON.stringify(String(req.headers.host).slice(0, 100))} is not a loopback name: this receiver listens on loopback only, so it accepts requests for localhost or 127.0.0.1 (a web page reaching it through another name is refused)`));
    return;
  }
  if (!signal) {
    refuse(req, res, 404, statusResponse(reqEncoding, GrpcCode.NOT_FOUND, `no such endpoint ${path}: OTLP/HTTP endpoints are /v1/traces, /v1/logs and /v1/metrics`));
    return;
  }
  if (!o.origins.allows(origin)) {
    o.log.warn(`[otlp/http] refused a request from origin ${JSON.stringify(origin).slice(0, 100)} (not in the CORS allow-list)`);
    refuse(req, res, 403, statusResponse('json', 7, `origin ${origin} is not allowed to send telemetry here; add it to traceExplorer.receiver.corsAllowedOrigins`));
    return;
  }
  const cors: http.OutgoingHttpHeaders = origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
  if (req.method === 'OPTIONS') {
    const reqHeaders = req.headers['access-control-request-headers'];
    res.writeHead(204, {
      ...cors,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': typeof reqHeaders === 'string' && /^[\w\-, ]*$/.test(reqHeaders) ? reqHeaders : 'content-type, content-encoding',
      'access-control-max-age': '86400',
      'content-length': 0,
    });
    res.end();
    return;
  }
  if (req.method !== 'POST') {
    refuse(req, res, 405, statusResponse(reqEncoding, GrpcCode.UNIMPLEMENTED, `method ${req.method} is not allowed on ${path}; use POST`), { ...cors, allow: 'POST, OPTIONS' });
    return;
  }
  const encoding = contentEncodingOf(req.headers['content-type']);
  if (!encoding) {
    refuse(req, res, 415, statusResponse('json', GrpcCode.INVALID_ARGUMENT, `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}: use application/x-protobuf or application/json`), cors);
    return;
  }
  const ce = parseContentEncoding(req.headers['content-encoding']);
  if (!ce) {
    refuse(req, res, 415, statusResponse(encoding, GrpcCode.INVALID_ARGUMENT, `unsupported Content-Encoding ${JSON.stringify(req.headers['content-encoding'])}: use gzip, deflate or none`), cors);
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(req, ce, o.maxBodyBytes, o.bodyTimeoutMs ?? 30_000);
  } catch (e) {
    if (!(e instanceof BodyError)) throw e;
    o.counters.badRequests++;
    o.log.warn(`[otlp/http] ${path}: ${e.message}`);
    const code = e.status === 413 ? GrpcCode.RESOURCE_EXHAUSTED : GrpcCode.INVALID_ARGUMENT;
    refuse(req, res, e.status, statusResponse(encoding, code, e.message), cors);
    return;
  }
  try {
    const r = ingest(o.store, signal, encoding, body, o.counters);
    send(res, 200, exportResponse(signal, encoding, r.rejected, r.message), cors);
  } catch (e) {
    if (!(e instanceof OtlpDecodeError)) throw e;
    o.counters.badRequests++;
    o.log.warn(`[otlp/http] ${path}: 400 ${e.message}`);
    send(res, 400, statusResponse(encoding, GrpcCode.INVALID_ARGUMENT, e.message), cors);
  }
}
