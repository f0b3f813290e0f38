// Shared helpers for the receiver/store/otlp tests (not a test file itself).
'use strict';
const http = require('node:http');
const http2 = require('node:http2');
const zlib = require('node:zlib');

const { startReceiver } = require('../../out/src/receiver/receiver.js');
const { defaultOptions } = require('../../out/src/receiver/options.js');
const { ApiClient } = require('../../out/src/receiver/apiClient.js');

/** A receiver on free ports, in this process. */
async function startTestReceiver(overrides = {}) {
  const opts = { ...defaultOptions(), httpPort: 0, grpcPort: 0, apiPort: 0, idleExitMs: 0, token: 'test-token-123', ...overrides };
  const r = await startReceiver(opts);
  const api = new ApiClient({ port: r.apiPort, token: r.token });
  return {
    r,
    api,
    httpPort: r.http.port,
    grpcPort: r.grpc.port,
    async close() {
      api.dispose();
      await r.close();
    },
  };
}

/** POST raw bytes; resolves {status, headers, body: Buffer}. */
function post(port, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function request(port, method, path, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One unary gRPC call by hand; resolves {grpcStatus, grpcMessage, message: Buffer|undefined}. */
function grpcCall(port, path, payload, { compress = false, rawFrame, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const client = http2.connect(`http://127.0.0.1:${port}`);
    client.on('error', reject);
    const h = { ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers };
    let body = payload;
    if (compress) {
      body = zlib.gzipSync(payload);
      h['grpc-encoding'] = 'gzip';
    }
    let frame = rawFrame;
    if (!frame) {
      frame = Buffer.alloc(5 + body.length);
      frame[0] = compress ? 1 : 0;
      frame.writeUInt32BE(body.length, 1);
      body.copy(frame, 5);
    }
    const stream = client.request(h);
    const chunks = [];
    let status;
    let message = '';
    stream.on('response', (hd) => {
      if (hd['grpc-status'] !== undefined) {
        status = Number(hd['grpc-status']);
        message = decodeURIComponent(hd['grpc-message'] ?? '');
      }
    });
    stream.on('trailers', (t) => {
      status = Number(t['grpc-status']);
      message = decodeURIComponent(t['grpc-message'] ?? '');
    });
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      client.close();
      const all = Buffer.concat(chunks);
      resolve({ grpcStatus: status, grpcMessage: message, message: all.length >= 5 ? all.subarray(5, 5 + all.readUInt32BE(1)) : undefined });
    });
    stream.on('error', (e) => {
      client.close();
      reject(e);
    });
    stream.end(frame);
  });
}

/** Waits until fn() is truthy (polling), or throws after timeoutMs. */
async function until(fn, timeoutMs = 5000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** attrs (flat list) → object, for assertions */
function attrsObject(attrs) {
  const o = {};
  for (let i = 0; i < attrs.length; i += 2) o[attrs[i]] = attrs[i + 1];
  return o;
}

/** OTLP JSON KeyValue[] → {key: AnyValue} */
function kvObject(list) {
  const o = {};
  for (const kv of list ?? []) o[kv.key] = kv.value;
  return o;
}

module.exports = { startTestReceiver, post, request, grpcCall, until, attrsObject, kvObject };
