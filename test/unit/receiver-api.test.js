// The query API through ApiClient: every route, the token, browser refusal, the SSE event stream.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ApiClient, ApiError } = require('../../out/src/receiver/apiClient.js');
const { decodePackedTrace } = require('../../out/src/protocol/packedTrace.js');
const { startTestReceiver, post, request, until } = require('./_receiverHelpers.js');

let rx;
before(async () => {
  rx = await startTestReceiver();
});
after(async () => {
  await rx.close();
});

const T = '0123456789abcdef0123456789abcdef';
function otlp(traceId, spans) {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api-test' } }] },
      scopeSpans: [{ scope: { name: 's' }, spans: spans.map(([id, parent, name, start, end, extra]) => ({
        traceId, spanId: id, parentSpanId: parent, name, kind: 2, startTimeUnixNano: String(start), endTimeUnixNano: String(end), ...extra,
      })) }],
    }],
  };
}
const NOW = BigInt(Date.now()) * 1_000_000n;

test('token required; wrong token 401; browser origins 403', async () => {
  const bad = new ApiClient({ port: rx.r.apiPort, token: 'wrong-token-xyz' });
  await assert.rejects(bad.health(), (e) => e instanceof ApiError && e.status === 401);
  bad.dispose();
  const none = await request(rx.r.apiPort, 'GET', '/api/traces');
  assert.equal(none.status, 401);
  const browser = await request(rx.r.apiPort, 'GET', '/api/traces', { authorization: `Bearer ${rx.r.token}`, origin: 'http://localhost:3000' });
  assert.equal(browser.status, 403);
  const rebinding = await request(rx.r.apiPort, 'GET', '/api/traces', { authorization: `Bearer ${rx.r.token}`, host: 'evil.example:80' });
  assert.equal(rebinding.status, 403);
  const h = await rx.api.health();
  assert.equal(h.pid, process.pid);
  assert.equal(h.http.listening, true);
  assert.equal(h.grpc.port, rx.grpcPort);
});

test('import, traces, trace, span detail, packed, pin, delete, clear', async () => {
  const body = otlp(T, [
    ['1111111111111111', '', 'root', NOW, NOW + 5_000_000n, { attributes: [{ key: 'code.file.path', value: { stringValue: '/w/a.ts' } }, { key: 'code.line.number', value: { intValue: '3' } }] }],
    ['2222222222222222', '1111111111111111', 'child', NOW + 1000n, NOW + 2000n, { status: { code: 2, message: 'x' } }],
  ]);
  const imp = await rx.api.importOtlp(body, { name: 'saved.json' });
  assert.deepEqual(imp.traceIds, [T]);
  const list = await rx.api.traces();
  const s = list.find((x) => x.traceId === T);
  assert.equal(s.source, 'file');
  assert.equal(s.sourceName, 'saved.json');
  assert.equal(s.spanCount, 2);
  assert.equal(s.errorCount, 1);
  assert.equal(s.durationNano, '5000000');
  const t = await rx.api.trace(T);
  assert.equal(t.resourceSpans[0].scopeSpans[0].spans.length, 2);
  assert.deepEqual((await rx.api.traces({ service: 'api-test' })).map((x) => x.traceId), [T]);
  assert.deepEqual(await rx.api.traces({ service: 'nobody' }), []);
  assert.equal((await rx.api.traces({ limit: 0 })).length, 0);
  assert.equal(await rx.api.trace('ff'.repeat(16)), undefined);
  const d = await rx.api.spanDetail(T, '2222222222222222');
  assert.equal(d.span.name, 'child');
  assert.equal(d.serviceName, 'api-test');
  assert.equal(await rx.api.spanDetail(T, '3333333333333333'), undefined);
  const one = await rx.api.summary(T);
  assert.deepEqual(one, (await rx.api.traces()).find((x) => x.traceId === T), 'one trace\'s summary, as the list has it');
  assert.equal(await rx.api.summary('ff'.repeat(16)), undefined);
  const packed = await rx.api.packedTrace(T);
  const p = decodePackedTrace(packed);
  assert.equal(p.traceId, T);
  assert.equal(p.spanCount, 2);
  await rx.api.pin(T, true);
  assert.equal((await rx.api.traces()).find((x) => x.traceId === T).pinned, true);
  await assert.rejects(rx.api.pin('ee'.repeat(16), true), (e) => e.status === 404);
  const locs = await rx.api.locations();
  assert.ok(locs.locations.some((l) => l.file === '/w/a.ts'));
  const locs2 = await rx.api.locations(Date.now() - 60_000);
  assert.ok(Array.isArray(locs2.locations));
  await assert.rejects(rx.api.locations(Number.NaN), (e) => e.status === 400);
  // only the named keys (a live update), others and unknown keys left out
  const key = locs.locations.find((l) => l.file === '/w/a.ts').key;
  const some = await rx.api.locations(undefined, [key, 'no such key']);
  assert.deepEqual(some.locations.map((l) => l.key), [key]);
  await rx.api.removeTrace(T);
  assert.equal(await rx.api.trace(T), undefined);
  await rx.api.importOtlp(body);
  await rx.api.clear();
  assert.deepEqual(await rx.api.traces(), []);
});

test('bad routes and bad bodies get clear 4xx answers', async () => {
  const auth = { authorization: `Bearer ${rx.r.token}` };
  assert.equal((await request(rx.r.apiPort, 'GET', '/api/nope', auth)).status, 404);
  assert.equal((await request(rx.r.apiPort, 'GET', '/api/traces/not-hex!', auth)).status, 400);
  assert.equal((await request(rx.r.apiPort, 'PUT', '/api/traces', auth)).status, 405);
  assert.equal((await request(rx.r.apiPort, 'POST', `/api/traces/${T}/summary`, auth)).status, 405);
  assert.equal((await request(rx.r.apiPort, 'GET', `/api/traces/${T}/summary`, {})).status, 401);
  const imp = await request(rx.r.apiPort, 'POST', '/api/import', { ...auth, 'content-type': 'application/json' }, '{"resourceSpans":5}');
  assert.equal(imp.status, 400);
  assert.match(JSON.parse(imp.body).error, /resourceSpans/);
  const pin = await request(rx.r.apiPort, 'POST', `/api/traces/${T}/pin`, auth, 'nope');
  assert.equal(pin.status, 400);
});

test('event stream: hello, then batched trace upserts and stats as spans arrive', async () => {
  const events = [];
  const errors = [];
  const sub = rx.api.events((e) => events.push(e), (e) => errors.push(e));
  await until(() => events.length >= 1, 3000, 'hello');
  assert.equal(events[0].type, 'hello');
  assert.equal((await rx.api.health()).clients, 1);
  const tids = [];
  for (let i = 0; i < 20; i++) {
    const tid = (i + 1).toString(16).padStart(32, 'a');
    tids.push(tid);
    const r = await post(rx.httpPort, '/v1/traces', JSON.stringify(otlp(tid, [['1111111111111111', '', `op${i}`, NOW, NOW + 10n]])), { 'content-type': 'application/json' });
    assert.equal(r.status, 200);
  }
  await until(() => {
    const seen = new Set(events.filter((e) => e.type === 'traces').flatMap((e) => e.upserted.map((u) => u.traceId)));
    return tids.every((t) => seen.has(t));
  }, 3000, 'upserts of all traces');
  const traceEvents = events.filter((e) => e.type === 'traces');
  assert.ok(traceEvents.length < 20, `batched: ${traceEvents.length} events for 20 requests`);
  assert.ok(events.some((e) => e.type === 'stats' && e.spans >= 20));
  await rx.api.clear();
  await until(() => events.some((e) => e.type === 'cleared'), 3000, 'cleared');
  sub.close();
  await until(async () => (await rx.api.health()).clients === 0, 3000, 'client gone');
  assert.deepEqual(errors, []);
});

test('event stream with a wrong token reports an error', async () => {
  const bad = new ApiClient({ port: rx.r.apiPort, token: 'wrong-token-xyz' });
  const err = await new Promise((resolve) => bad.events(() => undefined, resolve));
  assert.equal(err.status, 401);
  bad.dispose();
});

test('packed: a span placed only by a linked log record (code.* or a stack trace) carries the location bit', async () => {
  const { SpanBit } = require('../../out/src/protocol/packedTrace.js');
  const T2 = 'abcdefabcdefabcdefabcdefabcdef01';
  const spans = otlp(T2, [
    ['1111111111111111', '', 'root', NOW, NOW + 5_000_000n, {}],
    ['2222222222222222', '1111111111111111', 'by code log', NOW + 1000n, NOW + 2000n, {}],
    ['3333333333333333', '1111111111111111', 'by stack log', NOW + 3000n, NOW + 4000n, {}],
    ['4444444444444444', '1111111111111111', 'plain log only', NOW + 5000n, NOW + 6000n, {}],
  ]);
  const log = (spanId, attributes) => ({ timeUnixNano: String(NOW + 1500n), severityText: 'INFO', body: { stringValue: 'm' }, traceId: T2, spanId, attributes });
  const logs = { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api-test' } }] }, scopeLogs: [{ scope: { name: 'py' }, logRecords: [
    log('2222222222222222', [{ key: 'code.file.path', value: { stringValue: '/app/svc/orders.py' } }, { key: 'code.line.number', value: { intValue: '12' } }]),
    log('3333333333333333', [{ key: 'exception.stacktrace', value: { stringValue: 'Traceback (most recent call last):\n  File "/app/svc/pay.py", line 40, in charge\n    raise ValueError("x")\nValueError: x' } }]),
    log('4444444444444444', [{ key: 'user.id', value: { stringValue: 'u1' } }]),
  ] }] }] };
  const JSONH = { 'content-type': 'application/json' };
  assert.equal((await post(rx.httpPort, '/v1/traces', Buffer.from(JSON.stringify(spans)), JSONH)).status, 200);
  assert.equal((await post(rx.httpPort, '/v1/logs', Buffer.from(JSON.stringify(logs)), JSONH)).status, 200);
  const p = decodePackedTrace(await rx.api.packedTrace(T2));
  const bit = (id) => (p.bits[p.rowOf(id)] & SpanBit.HasLocation) !== 0;
  assert.equal(bit('1111111111111111'), false, 'root: no signal');
  assert.equal(bit('2222222222222222'), true, 'a linked log with code.file.path');
  assert.equal(bit('3333333333333333'), true, 'a linked log with a stack trace');
  assert.equal(bit('4444444444444444'), false, 'a linked log without a location');
  await rx.api.removeTrace(T2);
});

test('packed ?head=N: the head frame first (only when the trace has more rows), then the whole trace', async () => {
  const { isPackedHead } = require('../../out/src/protocol/packedTrace.js');
  const T3 = 'abcdefabcdefabcdefabcdefabcdef03';
  const spans = [['1000000000000000', '', 'root', NOW, NOW + 9_000_000n, {}]];
  for (let k = 1; k <= 300; k++) spans.push([(0x1000000000000000n + BigInt(k)).toString(16), '1000000000000000', `child ${k}`, NOW + BigInt(k) * 1000n, NOW + BigInt(k) * 1000n + 500n, {}]);
  assert.equal((await post(rx.httpPort, '/v1/traces', Buffer.from(JSON.stringify(otlp(T3, spans))), { 'content-type': 'application/json' })).status, 200);
  const heads = [];
  const whole = decodePackedTrace(await rx.api.packedTraceWithHead(T3, 50, (h) => heads.push(h)));
  assert.equal(heads.length, 1);
  const head = decodePackedTrace(heads[0]);
  assert.equal(head.partial, true);
  assert.equal(head.spanCount, 50);
  assert.equal(head.totalSpanCount, 301);
  assert.equal(whole.partial, false);
  assert.equal(whole.spanCount, 301);
  assert.deepEqual([0, 1, 49].map((r) => head.str(head.name[r])), [0, 1, 49].map((r) => whole.str(whole.name[r])));
  // a trace no longer than the head: the whole trace alone
  const small = [];
  const w2 = await rx.api.packedTraceWithHead(T3, 301, (h) => small.push(h));
  assert.equal(small.length, 0);
  assert.equal(isPackedHead(w2), false);
  assert.equal(decodePackedTrace(w2).spanCount, 301);
  // a trace not held; a head that is not a row count
  assert.equal(await rx.api.packedTraceWithHead('ffffffffffffffffffffffffffffff99', 50, () => assert.fail('no head for a missing trace')), undefined);
  const bad = await request(rx.r.apiPort, 'GET', `/api/traces/${T3}/packed?head=-1`, { authorization: `Bearer ${rx.r.token}` });
  assert.equal(bad.status, 400);
  assert.match(bad.body.toString(), /head must be a whole number of rows/);
  // the head alone (trace list → Go to Source): the first frame, then the answer is dropped
  const only = decodePackedTrace(await rx.api.packedTraceHead(T3, 50));
  assert.equal(only.partial, true);
  assert.equal(only.spanCount, 50);
  assert.equal(decodePackedTrace(await rx.api.packedTraceHead(T3, 500)).spanCount, 301, 'no more rows than asked: the whole trace');
  assert.equal(await rx.api.packedTraceHead('ffffffffffffffffffffffffffffff98', 50), undefined);
  // ?rest=0: the answer ends after the head (the receiver packs no more); the whole trace asked for next
  const alone = await request(rx.r.apiPort, 'GET', `/api/traces/${T3}/packed?head=50&rest=0`, { authorization: `Bearer ${rx.r.token}` });
  assert.equal(alone.status, 200);
  const len = alone.body.readUInt32LE(0);
  assert.equal(alone.body.length, 4 + len, 'one frame, nothing after it');
  assert.equal(decodePackedTrace(alone.body.subarray(4)).partial, true);
  assert.equal(decodePackedTrace(await rx.api.packedTrace(T3)).spanCount, 301);
  assert.equal((await rx.api.health()).traces >= 1, true, 'the receiver serves on after a dropped answer');
  await rx.api.removeTrace(T3);
});

test('a pin that would take pinned traces past half of the store\'s limits is refused with 409 and the reason', async () => {
  const small = await startTestReceiver({ maxSpans: 4 });
  try {
    const a = 'a1'.repeat(16);
    const b = 'b1'.repeat(16);
    const spans = (n) => Array.from({ length: n }, (_, i) => [`${i + 1}`.padStart(16, '0'), i ? '0000000000000001' : '', `op${i}`, NOW, NOW + 10n]);
    await small.api.importOtlp(otlp(a, spans(2)), { source: 'otlp' });
    await small.api.importOtlp(otlp(b, spans(2)), { source: 'otlp' });
    await small.api.pin(a, true);
    await assert.rejects(small.api.pin(b, true), (e) => {
      assert.equal(e.status, 409);
      assert.match(e.message, /cannot be pinned: pinned traces may hold at most half of the store's limits \(2 spans, .*\), and hold 2 spans/);
      return true;
    });
    assert.equal((await small.api.traces()).find((x) => x.traceId === b).pinned, false);
  } finally {
    await small.close();
  }
});

test('malformed percent-encoding in the path is a 400 naming it, not a 500', async () => {
  const auth = { authorization: `Bearer ${rx.r.token}` };
  for (const path of ['/api/traces/%E0%A4%A', '/api/traces/%', `/api/traces/${T}/spans/%ZZ`]) {
    const r = await request(rx.r.apiPort, 'GET', path, auth);
    assert.equal(r.status, 400, path);
    assert.match(JSON.parse(r.body.toString()).error, /malformed percent-encoding in the path/);
  }
});
