// A tiny local server for the webview harness: serves test/webview/harness.html, the built webview bundle
// and, in place of the extension host + receiver, the packed trace (encoded on each request, as the
// receiver does) and span details (from a real TraceStore).
import http from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { epoch } from './traces.mjs';

const require = createRequire(import.meta.url);
const { packTrace, PANEL_HEAD_ROWS: HEAD_ROWS } = require('../../out/src/protocol/packedTrace.js');
const { TraceWindows } = require('../../out/src/receiver/traceWindows.js');
const { WINDOWED_SPANS, isWindowRequest } = require('../../out/src/protocol/rowWindow.js');
const { PACKED_FRAMES_TYPE } = require('../../out/src/protocol/api.js');
const { TraceStore } = require('../../out/src/store/traceStore.js');

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

/**
 * startHarnessServer({ bundleDir }) → { url, addTrace(name, {spans, logs}), close() }
 * `bundleDir` holds webview.js/webview.css (default dist/).
 */
export async function startHarnessServer({ bundleDir = join(root, 'dist') } = {}) {
  const traces = new Map(); // name → { spans, traceId }
  const generated = new Map(); // name → trace id of the traces held (and packed) by the worker
  const sizes = new Map(); // name → span count of a generated trace
  // windows of the traces added here (tests; generated ones are served by the worker)
  const held = (id) => [...traces.values()].find((t) => t.traceId === id)?.spans;
  const localWindows = new TraceWindows({ summary: (id) => (held(id) ? { spanCount: held(id).length } : undefined), spans: held, spansPlacedByLogs: () => null, epoch });
  let worker = null;
  let nextId = 0;
  const waiting = new Map(); // id → { onHead, resolve }
  /** `encode` answers { head?, whole }: onHead(message) as soon as the head is packed, the promise the whole */
  const fromWorker = (msg, onHead) => {
    if (!worker) {
      worker = new Worker(new URL('./encodeWorker.mjs', import.meta.url));
      worker.on('message', (m) => {
        const w = waiting.get(m.id);
        if (m.part === 'head') return w?.onHead?.(m);
        waiting.delete(m.id);
        w?.resolve(m);
      });
    }
    const id = ++nextId;
    return new Promise((resolve) => {
      waiting.set(id, { onHead, resolve });
      worker.postMessage({ ...msg, id });
    });
  };
  /** packing started for a page: its head (when there is one) and its whole trace, each as it comes */
  const startPacking = (name, head = HEAD_ROWS) => {
    const p = { head: null, headWaiters: [], whole: null };
    p.whole = fromWorker({ type: 'encode', name, head }, (m) => {
      p.head = m;
      for (const f of p.headWaiters) f(m);
    });
    return p;
  };
  const store = new TraceStore({ maxSpans: 2_000_000, maxBytes: 4e9, epoch, eventIntervalMs: 1000 });
  const prefetched = new Map(); // trace name → packing started by the page request
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    try {
      if (u.pathname === '/' || u.pathname === '/harness.html') {
        // WaterfallPanel asks the receiver for the packed trace when it creates the panel, while the webview
        // loads: so packing starts with the page, and the page's own request picks up the result
        const name = u.searchParams.get('trace');
        // (a windowed trace is not packed whole: the page asks for windows)
        if (generated.has(name) && !(sizes.get(name) > WINDOWED_SPANS)) prefetched.set(name, startPacking(name));
        return file(res, join(here, 'harness.html'));
      }
      if (u.pathname === '/harness.js') return file(res, join(here, 'harness.js'));
      // the page reports its performance marks here (the benchmark waits for them without polling the page)
      if (u.pathname === '/mark') return send(res, 204, 'text/plain', '');
      if (u.pathname === '/harnessFetch.js') return file(res, join(here, 'harnessFetch.js'));
      if (u.pathname.startsWith('/dist/')) return file(res, join(bundleDir, u.pathname.slice(6)));
      // ?head=N: frames as the receiver's /api/traces/{id}/packed?head=N answers them (src/protocol/api.ts);
      // ?head= alone: the panel's head size
      const wantHead = u.searchParams.has('head');
      const headRows = Number(u.searchParams.get('head')) || HEAD_ROWS;
      if (u.pathname === '/packed' && generated.has(u.searchParams.get('trace'))) {
        const name = u.searchParams.get('trace');
        // (packing started with the page uses the panel's head size)
        const p = wantHead && headRows === HEAD_ROWS ? prefetched.get(name) : undefined;
        prefetched.delete(name);
        if (!wantHead) {
          void fromWorker({ type: 'encode', name, head: 0 }).then((m) => {
            res.writeHead(200, packedHeaders(m.bytes.byteLength, m.traceId, m.encodeMs));
            res.end(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
          });
          return;
        }
        const packing = p ?? startPacking(name, headRows);
        res.writeHead(200, framesHeaders(generated.get(name)));
        const onHead = (m) => writeFrame(res, m.bytes);
        if (packing.head) onHead(packing.head);
        else packing.headWaiters.push(onHead);
        void packing.whole.then((m) => {
          writeFrame(res, m.bytes);
          res.end();
        });
        return;
      }
      if (u.pathname === '/packed') {
        const t = traces.get(u.searchParams.get('trace'));
        if (!t) return send(res, 404, 'text/plain', 'no such trace');
        const t0 = performance.now();
        const packer = packTrace(t.spans, epoch);
        if (wantHead) {
          res.writeHead(200, framesHeaders(t.traceId));
          if (headRows < packer.spanCount) writeFrame(res, packer.encode(headRows));
          writeFrame(res, packer.encode());
          return res.end();
        }
        const bytes = packer.encode();
        const encodeMs = performance.now() - t0;
        res.writeHead(200, packedHeaders(bytes.byteLength, t.traceId, encodeMs));
        return res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      }
      // what WaterfallPanel asks first (the trace summary's span count decides whether it opens windowed)
      if (u.pathname === '/summary') {
        const name = u.searchParams.get('trace');
        const t = traces.get(name);
        const spanCount = t ? t.spans.length : sizes.get(name);
        if (spanCount === undefined) return send(res, 404, 'application/json', JSON.stringify({ error: 'no such trace' }));
        return send(res, 200, 'application/json', JSON.stringify({ traceId: t ? t.traceId : generated.get(name), spanCount }));
      }
      // POST /window?trace=: a window of a big trace's rows (the receiver's /api/traces/{id}/window)
      if (u.pathname === '/window' && req.method === 'POST') {
        const name = u.searchParams.get('trace');
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const q = JSON.parse(body);
          if (!isWindowRequest(q)) return send(res, 400, 'text/plain', 'not a window request');
          if (generated.has(name)) {
            void fromWorker({ type: 'window', traceId: generated.get(name), req: q }).then((m) => {
              if (m.error) return send(res, 404, 'text/plain', m.error);
              res.writeHead(200, { 'content-type': 'application/octet-stream' });
              res.end(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
            });
            return;
          }
          const t = traces.get(name);
          const bytes = t && localWindows.window(t.traceId, q);
          if (!bytes) return send(res, 404, 'text/plain', 'no such trace');
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        });
        return;
      }
      if (u.pathname === '/detail') {
        const t = traces.get(u.searchParams.get('trace'));
        const d = t && store.spanDetail(t.traceId, u.searchParams.get('span') ?? '');
        if (!d) return send(res, 404, 'application/json', JSON.stringify({ error: 'span not held' }));
        return send(res, 200, 'application/json', JSON.stringify(d));
      }
      send(res, 404, 'text/plain', 'not found');
    } catch (e) {
      send(res, 500, 'text/plain', String(e && e.stack || e));
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    /** registers a trace; `details: false` skips the store (benchmarks with big traces only need the packed form) */
    addTrace(name, { spans, logs = [] }, { details = true } = {}) {
      const traceId = spans[0]?.traceId ?? '';
      traces.set(name, { spans, traceId });
      if (details) {
        store.addSpans(spans, { kind: 'otlp' });
        if (logs.length) {
          const res = spans[0].resource;
          store.addLogs(logs.map((l) => ({ time: l.time, severityNumber: l.severityNumber, severityText: l.severityText, body: l.body, attrs: l.attrs ?? [], traceId, spanId: l.spanId, eventName: '', observedTime: NaN, flags: 0, droppedAttributesCount: 0, resource: res, scope: spans[0].scope })));
        }
      }
    },
    /** generateTrace(n) held and packed on a worker thread (the benchmark: packing never delays the page's files) */
    async addGeneratedTrace(name, n) {
      const { traceId, orderMs, orderBlockMs } = await fromWorker({ type: 'generate', name, n });
      generated.set(name, traceId);
      sizes.set(name, n);
      return { orderMs, orderBlockMs };
    },
    close: async () => {
      await worker?.terminate();
      await new Promise((r) => { server.closeAllConnections?.(); server.close(r); });
    },
  };
}

function framesHeaders(traceId) {
  return { 'content-type': PACKED_FRAMES_TYPE, 'x-trace-id': traceId, 'access-control-expose-headers': 'x-trace-id' };
}

function writeFrame(res, bytes) {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(bytes.byteLength, 0);
  res.write(len);
  res.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function packedHeaders(length, traceId, encodeMs) {
  return {
    'content-type': 'application/octet-stream', 'content-length': length, 'x-trace-id': traceId,
    'x-encode-ms': encodeMs.toFixed(2), 'access-control-expose-headers': 'x-encode-ms, x-trace-id',
  };
}

function file(res, p) {
  if (!existsSync(p)) return send(res, 404, 'text/plain', `missing ${p} (run npm run build)`);
  const ext = p.slice(p.lastIndexOf('.'));
  send(res, 200, TYPES[ext] ?? 'application/octet-stream', readFileSync(p));
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
