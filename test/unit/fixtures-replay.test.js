// Replay (fresh ids + OTLP/HTTP POST) and file import against the real receiver, in this process.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const { importTraceFile } = require(path.join(root, 'out/src/fixtures/detect.js'));
const { generateFixture } = require(path.join(root, 'out/src/fixtures/generate.js'));
const { freshen, sendOtlp } = require(path.join(root, 'out/src/fixtures/replay.js'));
const { startTestReceiver } = require('./_receiverHelpers.js');

const file = (name) => importTraceFile(fs.readFileSync(path.join(root, 'test/fixtures-data', name))).data;
const spansOf = (d) => d.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));

let receiver;
after(async () => receiver && (await receiver.close()));

test('freshen: new ids everywhere, consistent parents and links, times start now, durations kept', () => {
  const data = file('jaeger-ui-download.json');
  let n = 0;
  const counter = (bytes) => Buffer.from(String(++n).padStart(bytes * 2, '0'), 'hex');
  const now = 1800000000000000000n;
  const f = freshen(data, now, counter);
  const before = spansOf(data);
  const after_ = spansOf(f);
  assert.equal(after_.length, before.length);
  const oldIds = new Set(before.map((s) => s.spanId));
  for (const s of after_) assert.ok(!oldIds.has(s.spanId), 'every span id is new');
  assert.ok(after_.every((s) => s.traceId === after_[0].traceId && s.traceId !== before[0].traceId));
  const ids = new Set(after_.map((s) => s.spanId));
  for (let i = 0; i < before.length; i++) {
    if (before[i].parentSpanId && before.some((p) => p.spanId === before[i].parentSpanId)) assert.ok(ids.has(after_[i].parentSpanId), 'parents follow');
    assert.equal(BigInt(after_[i].endTimeUnixNano) - BigInt(after_[i].startTimeUnixNano), BigInt(before[i].endTimeUnixNano) - BigInt(before[i].startTimeUnixNano));
  }
  assert.equal(after_.reduce((m, s) => (BigInt(s.startTimeUnixNano) < m ? BigInt(s.startTimeUnixNano) : m), BigInt(after_[0].startTimeUnixNano)), now);
  // a link to another trace (not in the file) keeps its ids
  const driver = after_.find((s) => s.name === 'Driver::findNearest');
  assert.equal(driver.links[0].traceId, '00000000000000000000000000abcdef');
  assert.ok(!JSON.stringify(data).includes(driver.spanId), 'the original is not modified');
});

test('replay a fixture to the real receiver over OTLP/HTTP protobuf and JSON', async () => {
  receiver = await startTestReceiver();
  const url = `http://127.0.0.1:${receiver.httpPort}/v1/traces`;
  const fixture = JSON.parse(generateFixture(file('zipkin-v2.json'), { format: 'otlp-json' }).text);
  const res = await sendOtlp(url, fixture, 'protobuf');
  assert.equal(res.status, 200);
  assert.equal(res.spans, 6);
  const fresh = freshen(fixture, BigInt(Date.now()) * 1_000_000n);
  const res2 = await sendOtlp(url, fresh, 'json');
  assert.equal(res2.status, 200);
  assert.equal(res2.rejected, undefined);
  const traces = await receiver.api.traces();
  const ids = traces.map((t) => t.traceId).sort();
  assert.deepEqual(ids, [spansOf(fixture)[0].traceId, spansOf(fresh)[0].traceId].sort());
  for (const t of traces) assert.equal(t.spanCount, 6);
  // the replayed trace reads back with the same names
  const back = await receiver.api.trace(spansOf(fixture)[0].traceId);
  assert.deepEqual(spansOf(back).map((s) => s.name).sort(), spansOf(fixture).map((s) => s.name).sort());
});

test('an opened file joins the list marked as from a file (POST /api/import)', async () => {
  receiver ??= await startTestReceiver();
  const data = file('jaeger-ui-download.json');
  const { traceIds } = await receiver.api.importOtlp(JSON.stringify(data), { source: 'file', name: 'jaeger-ui-download.json' });
  assert.deepEqual(traceIds, ['00000000000000006b221d5bc9e6496c']);
  const summary = (await receiver.api.traces()).find((t) => t.traceId === traceIds[0]);
  assert.equal(summary.source, 'file');
  assert.equal(summary.sourceName, 'jaeger-ui-download.json');
  assert.equal(summary.spanCount, 6);
  assert.equal(summary.rootName, 'HTTP GET /dispatch');
});

test('replay failures are one clear line', async () => {
  await assert.rejects(sendOtlp('not a url', { resourceSpans: [] }, 'json'), /"not a url" is not a URL \(expected e\.g\. http:\/\/127\.0\.0\.1:4318\/v1\/traces\)/);
  await assert.rejects(sendOtlp('ftp://x/v1/traces', { resourceSpans: [] }, 'json'), /only http and https endpoints/);
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(415, { 'content-type': 'text/plain' });
      res.end('unsupported\ncontent type');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${server.address().port}/v1/traces`;
    await assert.rejects(sendOtlp(url, file('zipkin-single-span.json'), 'protobuf'), new RegExp(`${url.replace(/[.\/]/g, '\\$&')} answered HTTP 415: unsupported content type`));
  } finally {
    server.close();
  }
  const closed = http.createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const port = closed.address().port;
  await new Promise((r) => closed.close(r));
  await assert.rejects(sendOtlp(`http://127.0.0.1:${port}/v1/traces`, file('zipkin-single-span.json'), 'json'), /ECONNREFUSED/);
});

test('a big file goes to the receiver in several requests and arrives whole', async () => {
  const { splitTracesData } = require(path.join(root, 'out/src/fixtures/canonical.js'));
  receiver ??= await startTestReceiver();
  const data = file('zipkin-v2.json');
  const parts = splitTracesData(data, 1200);
  assert.ok(parts.length >= 3, `${parts.length} parts`);
  for (const p of parts) {
    const n = JSON.stringify(p).length;
    assert.ok(n <= 1200 || spansOf(p).length === 1, `part of ${n} bytes with ${spansOf(p).length} spans`);
  }
  assert.deepEqual(parts.flatMap(spansOf), spansOf(data), 'every span once, in order');
  assert.deepEqual(splitTracesData(data, 1e9), [data]);
  for (const p of parts) await receiver.api.importOtlp(JSON.stringify(p), { source: 'file', name: 'zipkin-v2.json' });
  const back = await receiver.api.trace('0000000000000000463ac35c9f6413ad');
  assert.equal(spansOf(back).length, 6);
  // resource attributes survived the split
  assert.deepEqual([...new Set(back.resourceSpans.map((rs) => rs.resource.attributes.find((a) => a.key === 'service.name').value.stringValue))].sort(), ['gateway', 'orders']);
});
