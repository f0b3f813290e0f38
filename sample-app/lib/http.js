'use strict';
// Plain node:http plumbing shared by the services: a tiny router, JSON responses, calls to other services
// (through node:http so the HTTP instrumentation creates client spans and propagates the trace context),
// and a graceful shutdown that flushes telemetry.
const http = require('node:http');
const { trace, SpanStatusCode } = require('@opentelemetry/api');
const { shutdownTelemetry } = require('../otel/setup');

class HttpError extends Error {
  constructor(status, message, details) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.details = details;
  }
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req, limit = 1 << 20) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) { reject(new HttpError(413, 'request body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text) return resolve(undefined);
      try { resolve(JSON.parse(text)); } catch { reject(new HttpError(400, 'request body is not valid JSON')); }
    });
    req.on('error', reject);
  });
}

/** Calls another service; resolves the parsed JSON body, rejects with HttpError on a non-2xx answer. */
function callService(baseUrl, method, path, body) {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method,
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      timeout: 10000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let parsed;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = { raw: text }; }
        if (res.statusCode >= 200 && res.statusCode < 300) resolve(parsed);
        // a client error downstream is the caller's error too; a server error is a bad gateway here
        else if (res.statusCode >= 400 && res.statusCode < 500) reject(new HttpError(res.statusCode, (parsed && parsed.error) || `${method} ${url.pathname} answered ${res.statusCode}`, parsed));
        else reject(new HttpError(502, `${method} ${url.pathname} answered ${res.statusCode}`, parsed));
      });
    });
    req.on('timeout', () => req.destroy(new HttpError(504, `${method} ${url.pathname} timed out`)));
    req.on('error', (err) => reject(err instanceof HttpError ? err : new HttpError(502, `${method} ${url} failed: ${err.message}`)));
    if (payload) req.write(payload);
    req.end();
  });
}

/**
 * Starts a service: routes is { 'GET /path': async ({ req, url, body }) => result | { status, body } }.
 * Errors become JSON answers; unexpected ones (not HttpError) are 500s whose exception the server span keeps.
 */
function serve({ name, port, routes }) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const handler = routes[`${req.method} ${url.pathname}`];
    if (!handler) {
      const allowed = Object.keys(routes).filter((k) => k.endsWith(` ${url.pathname}`)).map((k) => k.split(' ')[0]);
      return allowed.length
        ? (res.setHeader('allow', allowed.join(', ')), sendJson(res, 405, { error: `method ${req.method} not allowed` }))
        : sendJson(res, 404, { error: `no route ${req.method} ${url.pathname}` });
    }
    try {
      const body = req.method === 'GET' ? undefined : await readBody(req);
      const result = await handler({ req, url, body });
      if (result && typeof result.status === 'number') sendJson(res, result.status, result.body);
      else sendJson(res, 200, result);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      // the incoming request's span (from the HTTP instrumentation) carries the failure too
      const span = trace.getActiveSpan();
      if (span && status >= 500) {
        if (!(err instanceof HttpError)) span.recordException(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      }
      sendJson(res, status, { error: err.message, service: name, ...(err.details ? { cause: err.details } : {}) });
    }
  });
  server.keepAliveTimeout = 2000;
  server.on('error', (err) => {
    process.stderr.write(`${name}: cannot listen on 127.0.0.1:${port}: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(port, process.env.SAMPLE_HOST || '127.0.0.1', () => {
    const addr = server.address();
    process.stdout.write(JSON.stringify({ event: 'listening', service: name, url: `http://127.0.0.1:${addr.port}` }) + '\n');
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeIdleConnections();
    await shutdownTelemetry(); // flush spans, logs and metrics before exiting
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { serve, callService, HttpError, sleep };
