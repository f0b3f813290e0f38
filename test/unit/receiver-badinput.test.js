// Bad input against the running receiver: each is answered as the OTLP specification says, in the
// request's own encoding; the receiver keeps serving and earlier traces stay.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const v8 = require('node:v8');
const vm = require('node:vm');
const net = require('node:net');
const { otlpRoot, TYPES } = require('../../out/src/otlp/proto.js');
const { startTestReceiver, post, request, grpcCall } = require('./_receiverHelpers.js');

const root = otlpRoot();
const TraceRequest = root.lookupType(TYPES.traceRequest);
const TraceResponse = root.lookupType(TYPES.traceResponse);
const Status = root.lookupType(TYPES.status);
const TRACE_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const MAX_BODY = 256 * 1024;

let rx;
const KEEP = 'aa'.repeat(16);
before(async () => {
  rx = await startTestReceiver({ maxBody: MAX_BODY });
  const ok = await post(rx.httpPort, '/v1/traces', traceProto(KEEP, 1), { 'content-type': 'application/x-protobuf' });
  assert.equal(ok.status, 200);
});
after(async () => {
  await rx.close();
});

function hex(h) {
  return Buffer.from(h, 'hex');
}

function traceProto(traceId, n, extra = {}) {
  const now = BigInt(Date.now()) * 1000000n;
  const spans = [];
  for (let i = 0; i < n; i++) {
    spans.push({
      traceId: hex(traceId),
      spanId: hex((i + 1).toString(16).padStart(16, '0')),
      parentSpanId: i ? hex('0000000000000001') : undefined,
      name: `op-${i}`,
      kind: 2,
      startTimeUnixNano: (now + BigInt(i)).toString(),
      endTimeUnixNano: (now + 1000n + BigInt(i)).toString(),
      ...extra,
    });
  }
  const msg = TraceRequest.fromObject({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bad-input' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] });
  return Buffer.from(TraceRequest.encode(msg).finish());
}

async function stillServing() {
  const t = 'bb'.repeat(15) + Math.floor(Math.random() * 256).toString(16).padStart(2, '0');
  const r = await post(rx.httpPort, '/v1/traces', traceProto(t, 2), { 'content-type': 'application/x-protobuf' });
  assert.equal(r.status, 200, 'receiver still accepts spans');
  assert.ok(rx.r.store.spans(KEEP), 'earlier trace still there');
  assert.ok(rx.r.store.spans(t));
}

const PB = { 'content-type': 'application/x-protobuf' };
const JS = { 'content-type': 'application/json' };

function pbStatus(r) {
  assert.equal(r.headers['content-type'], 'application/x-protobuf');
  return Status.decode(r.body);
}
function jsonStatus(r) {
  assert.match(r.headers['content-type'], /application\/json/);
  return JSON.parse(r.body.toString());
}

test('truncated protobuf → 400 with a google.rpc.Status in protobuf', async () => {
  const full = traceProto('cc'.repeat(16), 3);
  const before = rx.r.store.stats().spans;
  const r = await post(rx.httpPort, '/v1/traces', full.subarray(0, full.length - 7), PB);
  assert.equal(r.status, 400);
  const s = pbStatus(r);
  assert.equal(s.code, 3);
  assert.match(s.message, /malformed protobuf: a field of \d+ bytes runs past the end/);
  assert.equal(rx.r.store.stats().spans, before, 'nothing from a malformed request is stored');
  assert.equal(rx.r.store.spans('cc'.repeat(16)), undefined);
  await stillServing();
});

test('garbage protobuf → 400', async () => {
  for (const body of [Buffer.from('this is not protobuf at all'), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.from([0x0f])]) {
    const r = await post(rx.httpPort, '/v1/traces', body, PB);
    assert.equal(r.status, 400, `garbage ${body.toString('hex')}`);
    assert.equal(pbStatus(r).code, 3);
  }
  await stillServing();
});

test('empty protobuf request is a valid empty export', async () => {
  const r = await post(rx.httpPort, '/v1/traces', Buffer.alloc(0), PB);
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 0);
});

test('wrong JSON types and invalid JSON → 400 with a JSON Status naming the path (inside a span: that span rejected)', async () => {
  const cases = [
    ['{"resourceSpans":', /not valid JSON/],
    ['[1,2]', /expected an object/],
    ['{"resourceSpans":{"a":1}}', /resourceSpans: expected an array/],
    ['{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"' + 'ab'.repeat(16) + '","spanId":"' + 'cd'.repeat(8) + '","name":5}]}]}]}', /spans\[0\]\.name: expected a string/],
    ['{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"' + 'ab'.repeat(16) + '","spanId":"' + 'cd'.repeat(8) + '","name":"x","startTimeUnixNano":{"x":1}}]}]}]}', /startTimeUnixNano/],
    ['{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"' + 'ab'.repeat(16) + '","spanId":"' + 'cd'.repeat(8) + '","name":"x","attributes":[{"key":"k","value":{"intValue":"12abc"}}]}]}]}]}', /intValue/],
    ['{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"' + 'ab'.repeat(16) + '","spanId":"' + 'cd'.repeat(8) + '","name":"x","kind":"SPAN_KIND_BOGUS"}]}]}]}', /unknown enum value/],
  ];
  for (const [body, re] of cases) {
    const r = await post(rx.httpPort, '/v1/traces', body, JS);
    if (body.includes('"spans"')) {
      // a wrong type inside one span rejects that span (partial_success naming the path), not the request
      assert.equal(r.status, 200, body);
      const ps = jsonStatus(r).partialSuccess;
      assert.equal(Number(ps.rejectedSpans), 1);
      assert.match(ps.errorMessage, re);
      continue;
    }
    assert.equal(r.status, 400, body);
    const s = jsonStatus(r);
    assert.equal(s.code, 3);
    assert.match(s.message, re);
  }
  assert.equal(rx.r.store.spans('ab'.repeat(16)), undefined);
  await stillServing();
});

test('bad ids → 200 with partial_success naming the rejected spans; good spans of the request kept', async () => {
  const good = { traceId: 'dd'.repeat(16), spanId: '1111111111111111', name: 'good', startTimeUnixNano: '1', endTimeUnixNano: '2' };
  const body = JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: [
      good,
      { ...good, spanId: '22', name: 'short-span-id' },
      { ...good, traceId: 'zz'.repeat(16), spanId: '3333333333333333', name: 'non-hex-trace' },
      { ...good, traceId: '00'.repeat(16), spanId: '4444444444444444', name: 'zero-trace' },
      { ...good, spanId: '', name: 'no-span-id' },
    ] }] }],
  });
  const r = await post(rx.httpPort, '/v1/traces', body, JS);
  assert.equal(r.status, 200);
  const resp = JSON.parse(r.body.toString());
  assert.equal(resp.partialSuccess.rejectedSpans, '4');
  for (const n of ['short-span-id', 'non-hex-trace', 'zero-trace', 'no-span-id']) assert.match(resp.partialSuccess.errorMessage, new RegExp(n));
  assert.equal(rx.r.store.spans('dd'.repeat(16)).length, 1);

  // the same in protobuf: a 7-byte span id
  const pb = traceProto('ee'.repeat(16), 1, { spanId: hex('01020304050607') });
  const r2 = await post(rx.httpPort, '/v1/traces', pb, PB);
  assert.equal(r2.status, 200);
  const resp2 = TraceResponse.decode(r2.body);
  assert.equal(Number(resp2.partialSuccess.rejectedSpans), 1);
  assert.match(resp2.partialSuccess.errorMessage, /span_id must be 8 bytes, got 7/);
});

test('hex ids in any case and base64 ids are accepted', async () => {
  const tid = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const body = JSON.stringify({ resource_spans: [{ scope_spans: [{ spans: [
    { trace_id: tid.toString('base64'), span_id: Buffer.from('0a0b0c0d0e0f1011', 'hex').toString('base64'), name: 'b64', start_time_unix_nano: 5, end_time_unix_nano: '6', kind: 'SPAN_KIND_SERVER', status: { code: 'STATUS_CODE_ERROR' } },
    { traceId: '0123456789ABCDEF0123456789ABCDEF', spanId: 'ABCDEF0123456789', parentSpanId: '0A0B0C0D0E0F1011', name: 'upper', startTimeUnixNano: '7', endTimeUnixNano: '8' },
  ] }] }] });
  const r = await post(rx.httpPort, '/v1/traces', body, JS);
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body.toString()), {});
  const spans = rx.r.store.spans('0123456789abcdef0123456789abcdef');
  assert.deepEqual(spans.map((s) => s.spanId).sort(), ['0a0b0c0d0e0f1011', 'abcdef0123456789']);
  const b64 = spans.find((s) => s.name === 'b64');
  assert.equal(b64.kind, 2);
  assert.equal(b64.statusCode, 2);
  assert.equal(spans.find((s) => s.name === 'upper').parentSpanId, '0a0b0c0d0e0f1011');
});

test('gzip bomb → 413 after decompression, without ballooning', async () => {
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MiB of zeroes in ~64 KiB
  assert.ok(bomb.length < MAX_BODY);
  const heapBefore = process.memoryUsage().rss;
  const r = await post(rx.httpPort, '/v1/traces', bomb, { ...PB, 'content-encoding': 'gzip' });
  assert.equal(r.status, 413);
  assert.equal(pbStatus(r).code, 8);
  assert.ok(process.memoryUsage().rss - heapBefore < 48 * 1024 * 1024, 'the bomb was not inflated in full');
  const rd = await post(rx.httpPort, '/v1/traces', zlib.deflateSync(Buffer.alloc(8 * 1024 * 1024)), { ...JS, 'content-encoding': 'deflate' });
  assert.equal(rd.status, 413);
  assert.equal(jsonStatus(rd).code, 8);
  await stillServing();
});

test('gzip bombs one after another leave nothing inflated behind', async () => {
  // what is retained, not what is merely not collected yet: collect before measuring
  v8.setFlagsFromString('--expose-gc');
  const gcNow = vm.runInNewContext('gc');
  // array buffers are freed by a sweeper thread after the collection: give it time, then collect again
  const gc = async () => {
    gcNow();
    await new Promise((r) => setTimeout(r, 200));
    gcNow();
  };
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
  const send = async () => assert.equal((await post(rx.httpPort, '/v1/traces', bomb, { ...PB, 'content-encoding': 'gzip' })).status, 413);
  await send();
  await gc();
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 50; i++) await send();
  await gc();
  const kept = process.memoryUsage().arrayBuffers - before;
  // each bomb inflates to the limit before it is refused; the request's listeners used to keep those bytes
  // for as long as its socket lived: 16 MiB here, a receiver at ~500 MB with nothing stored at the 20 MiB default
  assert.ok(kept < 32 * MAX_BODY, `${Math.round(kept / 1024)} KiB of inflated bodies still held`);
  await stillServing();
});

test('corrupt gzip → 400; gzip and deflate bodies work', async () => {
  const r = await post(rx.httpPort, '/v1/traces', Buffer.from('not gzip'), { ...PB, 'content-encoding': 'gzip' });
  assert.equal(r.status, 400);
  const ok = await post(rx.httpPort, '/v1/traces', zlib.gzipSync(traceProto('f1'.repeat(16), 2)), { ...PB, 'content-encoding': 'gzip' });
  assert.equal(ok.status, 200);
  const ok2 = await post(rx.httpPort, '/v1/traces', zlib.deflateSync(traceProto('f2'.repeat(16), 2)), { ...PB, 'content-encoding': 'deflate' });
  assert.equal(ok2.status, 200);
  const ok3 = await post(rx.httpPort, '/v1/traces', zlib.deflateRawSync(traceProto('f3'.repeat(16), 2)), { ...PB, 'content-encoding': 'deflate' });
  assert.equal(ok3.status, 200);
  assert.ok(rx.r.store.spans('f1'.repeat(16)) && rx.r.store.spans('f2'.repeat(16)) && rx.r.store.spans('f3'.repeat(16)));
  const br = await post(rx.httpPort, '/v1/traces', Buffer.from('x'), { ...PB, 'content-encoding': 'br' });
  assert.equal(br.status, 415);
});

test('oversized body → 413 (declared and chunked)', async () => {
  const big = Buffer.alloc(MAX_BODY + 10, 0x20);
  const r = await post(rx.httpPort, '/v1/traces', big, JS);
  assert.equal(r.status, 413);
  assert.match(jsonStatus(r).message, /limit/);
  // chunked (no content-length): the cap applies while reading
  const chunked = await new Promise((resolve, reject) => {
    const req = require('node:http').request({ host: '127.0.0.1', port: rx.httpPort, path: '/v1/traces', method: 'POST', headers: { ...PB, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', (e) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? resolve('reset') : reject(e)));
    for (let i = 0; i < 40; i++) req.write(Buffer.alloc(16 * 1024));
    req.end();
  });
  assert.ok(chunked === 413 || chunked === 'reset', `got ${chunked}`);
  await stillServing();
});

test('wrong content types → 415; a text/plain or form POST stores nothing', async () => {
  const json = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '12'.repeat(16), spanId: '3'.repeat(16), name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] });
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
    const r = await post(rx.httpPort, '/v1/traces', json, { 'content-type': ct });
    assert.equal(r.status, 415, ct);
  }
  const none = await post(rx.httpPort, '/v1/traces', json, {});
  assert.equal(none.status, 415);
  assert.equal(rx.r.store.spans('12'.repeat(16)), undefined);
});

test('foreign origins are refused before anything is stored (incl. cross-site text/plain and form posts)', async () => {
  const tid = '34'.repeat(16);
  const json = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: tid, spanId: '5'.repeat(16), name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] });
  for (const [origin, ct] of [['https://evil.example', 'text/plain'], ['https://evil.example', 'application/x-www-form-urlencoded'], ['http://localhost.evil.example:3000', 'application/json'], ['null', 'application/json'], ['http://192.168.1.5:8080', 'application/json']]) {
    const r = await post(rx.httpPort, '/v1/traces', json, { 'content-type': ct, origin });
    assert.equal(r.status, 403, `${origin} ${ct}`);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  }
  const pre = await request(rx.httpPort, 'OPTIONS', '/v1/traces', { origin: 'https://evil.example', 'access-control-request-method': 'POST' });
  assert.equal(pre.status, 403);
  assert.equal(rx.r.store.spans(tid), undefined);

  // allowed origins: preflight answered, the POST stored, CORS headers present
  const okPre = await request(rx.httpPort, 'OPTIONS', '/v1/traces', { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
  assert.equal(okPre.status, 204);
  assert.equal(okPre.headers['access-control-allow-origin'], 'http://localhost:5173');
  assert.match(okPre.headers['access-control-allow-methods'], /POST/);
  const ok = await post(rx.httpPort, '/v1/traces', json, { 'content-type': 'application/json', origin: 'http://127.0.0.1:8080' });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['access-control-allow-origin'], 'http://127.0.0.1:8080');
  assert.ok(rx.r.store.spans(tid));
});

test('404 for unknown paths, 405 for other methods', async () => {
  const r = await post(rx.httpPort, '/v1/nope', '{}', JS);
  assert.equal(r.status, 404);
  const g = await request(rx.httpPort, 'GET', '/v1/traces');
  assert.equal(g.status, 405);
  assert.match(g.headers.allow, /POST/);
  const root404 = await request(rx.httpPort, 'GET', '/');
  assert.equal(root404.status, 404);
});

test('a client that stops sending its body does not hang the receiver', async () => {
  // a raw socket sends headers promising 1000 bytes and then 10; other requests are served meanwhile
  const sock = net.connect(rx.httpPort, '127.0.0.1');
  await new Promise((r) => sock.on('connect', r));
  sock.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"resource');
  await stillServing();
  sock.destroy();
});

test('logs and metrics endpoints answer bad input with 400 too', async () => {
  const l = await post(rx.httpPort, '/v1/logs', Buffer.from([0x0a, 0x05, 0x01]), PB);
  assert.equal(l.status, 400);
  const m = await post(rx.httpPort, '/v1/metrics', '{"resourceMetrics":7}', JS);
  assert.equal(m.status, 400);
  const ok = await post(rx.httpPort, '/v1/metrics', '{"resourceMetrics":[]}', JS);
  assert.equal(ok.status, 200);
});

test('deeply nested attribute values are refused, not recursed without bound', async () => {
  const depth = 5000;
  const value = '{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"leaf"}' + ']}}'.repeat(depth);
  const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'56'.repeat(16)}","spanId":"${'7'.repeat(16)}","name":"deep","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"k","value":${value}}]}]}]}]}`;
  const r = await post(rx.httpPort, '/v1/traces', body, JS);
  // the problem is confined to that span: it is rejected, the request is not
  assert.equal(r.status, 200);
  assert.equal(Number(jsonStatus(r).partialSuccess.rejectedSpans), 1);
  assert.match(jsonStatus(r).partialSuccess.errorMessage, /nested deeper/);
  assert.equal(rx.r.store.spans('56'.repeat(16)), undefined);
  await stillServing();
});

test('one bad value in one span rejects only that span, with the count and the reason (JSON and protobuf)', async () => {
  const now = String(BigInt(Date.now()) * 1000000n);
  const sp = (id, extra = {}) => ({ traceId: '5a'.repeat(16), spanId: id.repeat(16), name: `s${id}`, startTimeUnixNano: now, endTimeUnixNano: now, ...extra });
  const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [
    sp('1'),
    sp('2', { attributes: [{ key: 'n', value: { intValue: 'not-a-number' } }] }),
    sp('3', { kind: 'SPAN_KIND_NO_SUCH_KIND' }),
    sp('4'),
  ] }] }] });
  const r = await post(rx.httpPort, '/v1/traces', body, JS);
  assert.equal(r.status, 200);
  const ps = jsonStatus(r).partialSuccess;
  assert.equal(Number(ps.rejectedSpans), 2);
  assert.match(ps.errorMessage, /span 2{16}: invalid OTLP JSON at .*intValue/);
  assert.match(ps.errorMessage, /span 3{16}: invalid OTLP JSON at .*kind: unknown enum value/);
  assert.deepEqual(rx.r.store.spans('5a'.repeat(16)).map((s) => s.name).sort(), ['s1', 's4']);

  // protobuf: a span whose attribute nests deeper than the decoder follows, between two good ones
  let deep = { stringValue: 'leaf' };
  for (let i = 0; i < 40; i++) deep = { arrayValue: { values: [deep] } };
  const spans = ['1', '2', '3'].map((id) => ({
    traceId: hex('5b'.repeat(16)), spanId: hex(id.repeat(16)), name: `p${id}`, startTimeUnixNano: now, endTimeUnixNano: now,
    attributes: id === '2' ? [{ key: 'deep', value: deep }] : [],
  }));
  const pb = Buffer.from(TraceRequest.encode(TraceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] })).finish());
  const r2 = await post(rx.httpPort, '/v1/traces', pb, PB);
  assert.equal(r2.status, 200);
  const ps2 = TraceResponse.decode(r2.body).partialSuccess;
  assert.equal(Number(ps2.rejectedSpans), 1);
  assert.match(ps2.errorMessage, /nested deeper than 32 levels/);
  assert.deepEqual(rx.r.store.spans('5b'.repeat(16)).map((s) => s.name).sort(), ['p1', 'p3']);

  // logs: one bad record costs that record
  const logs = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [
    { body: { stringValue: 'kept' } },
    { body: { intValue: 'x' } },
  ] }] }] });
  const r3 = await post(rx.httpPort, '/v1/logs', logs, JS);
  assert.equal(r3.status, 200);
  assert.equal(Number(jsonStatus(r3).partialSuccess.rejectedLogRecords), 1);
  await stillServing();
});

test('gRPC: garbage → INVALID_ARGUMENT, oversized and bombs → RESOURCE_EXHAUSTED, unknown → UNIMPLEMENTED', async () => {
  const bad = await grpcCall(rx.grpcPort, TRACE_PATH, Buffer.from('garbage garbage'));
  assert.equal(bad.grpcStatus, 3);
  assert.match(bad.grpcMessage, /malformed/);
  const big = await grpcCall(rx.grpcPort, TRACE_PATH, Buffer.alloc(MAX_BODY + 100));
  assert.equal(big.grpcStatus, 8);
  const bomb = await grpcCall(rx.grpcPort, TRACE_PATH, Buffer.alloc(32 * 1024 * 1024), { compress: true });
  assert.equal(bomb.grpcStatus, 8);
  const unknown = await grpcCall(rx.grpcPort, '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export', Buffer.alloc(0));
  assert.equal(unknown.grpcStatus, 12);
  const truncatedFrame = Buffer.concat([Buffer.from([0, 0, 0, 1, 0]), Buffer.alloc(10)]);
  const trunc = await grpcCall(rx.grpcPort, TRACE_PATH, null, { rawFrame: truncatedFrame });
  assert.equal(trunc.grpcStatus, 3);
  const ok = await grpcCall(rx.grpcPort, TRACE_PATH, traceProto('78'.repeat(16), 3), { compress: true });
  assert.equal(ok.grpcStatus, 0);
  assert.ok(ok.message !== undefined);
  assert.equal(rx.r.store.spans('78'.repeat(16)).length, 3);
  const partial = await grpcCall(rx.grpcPort, TRACE_PATH, traceProto('79'.repeat(16), 1, { spanId: hex('0102') }));
  assert.equal(partial.grpcStatus, 0);
  assert.equal(Number(TraceResponse.decode(partial.message).partialSuccess.rejectedSpans), 1);
  await stillServing();
});

test('a 10,000-deep parent chain and parent cycles over HTTP: stored, listed, served (JSON and packed)', async () => {
  const tid = '9d'.repeat(16);
  const now = BigInt(Date.now()) * 1000000n;
  const spans = [];
  for (let i = 1; i <= 10_000; i++) {
    spans.push({
      traceId: hex(tid), spanId: hex(i.toString(16).padStart(16, '0')), parentSpanId: i > 1 ? hex((i - 1).toString(16).padStart(16, '0')) : undefined,
      name: `level-${i}`, kind: 1, startTimeUnixNano: (now + BigInt(i)).toString(), endTimeUnixNano: (now + 100000n - BigInt(i)).toString(),
    });
  }
  // a three-span cycle and a self-parent in the same trace
  const c = (n, p) => ({ traceId: hex(tid), spanId: hex(n), parentSpanId: hex(p), name: `cyc-${n}`, startTimeUnixNano: now.toString(), endTimeUnixNano: now.toString() });
  spans.push(c('c000000000000001', 'c000000000000002'), c('c000000000000002', 'c000000000000003'), c('c000000000000003', 'c000000000000001'), c('c000000000000004', 'c000000000000004'));
  spans.reverse();
  // in requests of 2,000 spans (this receiver's body limit is small), deepest first
  for (let k = 0; k < spans.length; k += 2000) {
    const body = Buffer.from(TraceRequest.encode(TraceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: spans.slice(k, k + 2000) }] }] })).finish());
    const r = await post(rx.httpPort, '/v1/traces', body, PB);
    assert.equal(r.status, 200);
  }
  const summary = (await rx.api.traces()).find((t) => t.traceId === tid);
  assert.equal(summary.spanCount, 10_004);
  assert.equal(summary.brokenParents, 4);
  assert.equal(summary.rootName, 'level-1');
  const otlp = await rx.api.trace(tid);
  // five requests, one resource and scope: served as one group
  assert.equal(otlp.resourceSpans.length, 1);
  assert.equal(otlp.resourceSpans[0].scopeSpans.length, 1);
  assert.equal(otlp.resourceSpans[0].scopeSpans[0].spans.length, 10_004);
  const packed = await rx.api.packedTrace(tid);
  assert.ok(packed.byteLength > 10_004 * 8);
  await stillServing();
});

test('a request whose trace alone is over half the span limit: 200 with partial_success saying why; its first spans and earlier traces kept', async () => {
  const small = await startTestReceiver({ maxSpans: 10 });
  try {
    assert.equal((await post(small.httpPort, '/v1/traces', traceProto('a1'.repeat(16), 5), PB)).status, 200);
    const r = await post(small.httpPort, '/v1/traces', traceProto('a2'.repeat(16), 12), PB);
    assert.equal(r.status, 200);
    const ps = TraceResponse.decode(r.body).partialSuccess;
    assert.equal(Number(ps.rejectedSpans), 7);
    assert.match(ps.errorMessage, /7 span\(s\) were not kept: their trace holds half the store's limits on its own \(the store holds at most 10 spans/);
    assert.equal(small.r.store.spans('a2'.repeat(16)).length, 5, 'the trace keeps what fits in its share');
    assert.equal(small.r.store.spans('a1'.repeat(16)).length, 5, 'the older trace stays');
  } finally {
    await small.close();
  }
});

test('protobuf: a length of 2^62 and field number 0 are malformed (400), not read as 0 and skipped', async () => {
  const good = traceProto('6c'.repeat(16), 2);
  const len2p62 = Buffer.from([0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x0a, 0x00]);
  const cases = [
    ['a resourceSpans of 2^62 bytes', Buffer.concat([good, len2p62]), /runs past the end/],
    ['field number 0 at the top', Buffer.concat([good, Buffer.from([0x00, 0x00])]), /field number 0/],
    ['field number 0 with a length', Buffer.concat([good, Buffer.from([0x02, 0x00])]), /field number 0/],
    ['a tag beyond 32 bits', Buffer.concat([good, Buffer.from([0x8a, 0x80, 0x80, 0x80, 0x10, 0x00])]), /field numbers end at 2\^29-1/],
  ];
  // inside a span: a name whose length is 2^62, and a field 0 among the span's fields
  const spanAt = good.indexOf(Buffer.from('op-1'));
  const nameLen = Buffer.from([0x2a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
  cases.push(['a span name of 2^62 bytes', Buffer.concat([good.subarray(0, spanAt - 2), nameLen, good.subarray(spanAt)]), /malformed protobuf/]);
  const zero = Buffer.from(good);
  zero[spanAt - 2] = 0x02; // the name's tag (field 5, length-delimited) becomes field 0
  cases.push(['field number 0 inside a span', zero, /field number 0/]);
  for (const [what, body, re] of cases) {
    const r = await post(rx.httpPort, '/v1/traces', body, PB);
    assert.equal(r.status, 400, what);
    assert.match(pbStatus(r).message, re, what);
  }
  assert.equal(rx.r.store.spans('6c'.repeat(16)), undefined, 'nothing from the refused requests is stored');
  await stillServing();
});

test('OTLP/HTTP on loopback refuses a Host that is not a loopback name (DNS rebinding), in the request\'s encoding', async () => {
  const { isLoopbackName } = require('../../out/src/receiver/hostCheck.js');
  const body = traceProto('7e'.repeat(16), 1);
  for (const host of ['evil.example', `evil.example:${rx.httpPort}`, '192.168.1.5', 'localhost.evil.example']) {
    const r = await post(rx.httpPort, '/v1/traces', body, { ...PB, host });
    assert.equal(r.status, 403, host);
    assert.match(pbStatus(r).message, /not a loopback name: this receiver listens on loopback only/);
  }
  const j = await post(rx.httpPort, '/v1/traces', '{}', { ...JS, host: 'rebound.example' });
  assert.equal(j.status, 403);
  assert.match(jsonStatus(j).message, /not a loopback name/);
  assert.equal(rx.r.store.spans('7e'.repeat(16)), undefined, 'nothing stored from a refused host');
  for (const host of [`localhost:${rx.httpPort}`, `127.0.0.1:${rx.httpPort}`, `[::1]:${rx.httpPort}`, '127.0.0.2']) {
    const r = await post(rx.httpPort, '/v1/traces', body, { ...PB, host });
    assert.equal(r.status, 200, host);
  }
  // bound to every interface, apps on other machines name this one in Host: no check there
  assert.equal(isLoopbackName('0.0.0.0'), false);
  assert.equal(isLoopbackName('127.0.0.1'), true);
});
