// Importers against files written the way the tools write them (test/fixtures-data/), plus protobuf
// produced by the OpenTelemetry JS SDK's own serializer, and the messages for files that are no traces.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const root = path.join(__dirname, '..', '..');
const { importTraceFile } = require(path.join(root, 'out/src/fixtures/detect.js'));
const { writeOtlpProto } = require(path.join(root, 'out/src/fixtures/otlpProto.js'));
const { TraceFileError } = require(path.join(root, 'out/src/fixtures/importResult.js'));

const data = (name) => fs.readFileSync(path.join(root, 'test/fixtures-data', name));

function spans(result) {
  const out = [];
  for (const rs of result.data.resourceSpans) {
    const service = rs.resource?.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
    for (const ss of rs.scopeSpans) for (const s of ss.spans) out.push({ ...s, service, scope: ss.scope, resource: rs.resource });
  }
  return out;
}
const byName = (result, name) => {
  const found = spans(result).filter((s) => s.name === name);
  assert.equal(found.length, 1, `exactly one span named ${name}`);
  return found[0];
};
const attr = (span, key) => span.attributes.find((a) => a.key === key)?.value;

test('OTLP JSON with uppercase hex ids and a parent outside the file', () => {
  const r = importTraceFile(data('otlp-uppercase-orphan.json'));
  assert.equal(r.format, 'otlp-json');
  assert.equal(r.spanCount, 2);
  assert.deepEqual(r.traceIds, ['4bf92f3577b34da6a3ce929d0e0e4736']);
  const root = byName(r, 'POST /checkout');
  assert.equal(root.spanId, '00f067aa0ba902b7');
  assert.equal(root.parentSpanId, 'a2fb4a1d1a96d312', 'the outside parent is kept, not dropped');
  assert.equal(root.startTimeUnixNano, '1732262400123456789', 'nanoseconds survive exactly');
  assert.equal(root.endTimeUnixNano, '1732262400187654321');
  assert.deepEqual(root.status, { code: 1 });
  const insert = byName(r, 'INSERT shop.orders');
  assert.equal(insert.parentSpanId, '00f067aa0ba902b7');
  assert.deepEqual(insert.events[0], { timeUnixNano: '1732262400131000000', name: 'connection acquired', attributes: [{ key: 'pool.size', value: { intValue: '10' } }] });
  assert.deepEqual(r.warnings, []);
});

test('OTLP JSON: an array of export requests as the JS SDK serialises them (numbers for ints)', () => {
  const r = importTraceFile(data('otlp-array.json'));
  assert.equal(r.format, 'otlp-json');
  assert.equal(r.spanCount, 2);
  const get = byName(r, 'GET /');
  assert.deepEqual(attr(get, 'http.response.status_code'), { intValue: '200' });
  assert.equal(get.flags, 257);
  assert.equal(get.events, undefined, 'empty lists are not written');
  assert.equal(byName(r, 'render').parentSpanId, 'b7ad6b7169203331');
});

test('Collector file exporter JSON Lines: trace lines read, a logs line skipped with a note', () => {
  const r = importTraceFile(data('collector-file-exporter.jsonl'));
  assert.equal(r.format, 'otlp-json-lines');
  assert.equal(r.spanCount, 2);
  const root = byName(r, 'GET /cart');
  assert.equal(root.parentSpanId, undefined, 'an empty parentSpanId is a root');
  assert.equal(byName(r, 'hgetall').parentSpanId, root.spanId);
  assert.equal(r.data.resourceSpans[0].schemaUrl, 'https://opentelemetry.io/schemas/1.26.0');
  assert.ok(r.warnings.some((w) => /OTLP logs/.test(w)), r.warnings.join('\n'));
});

test("Tempo's batches with base64 ids and enum names", () => {
  const r = importTraceFile(data('tempo-batches.json'));
  assert.equal(r.format, 'tempo-json');
  assert.deepEqual(r.traceIds, ['0123456789abcdef0123456789abcdef']);
  const pay = byName(r, 'POST /pay');
  assert.equal(pay.spanId, '1111111111111111');
  assert.equal(pay.kind, 2);
  assert.deepEqual(pay.status, { code: 2, message: 'card declined' });
  const charge = byName(r, 'PaymentService.charge');
  assert.equal(charge.parentSpanId, '1111111111111111');
  assert.equal(charge.kind, 1);
  assert.equal(charge.events[0].name, 'exception');
  // the Tempo v2 API wraps the same thing in {"trace": …}
  const wrapped = importTraceFile(JSON.stringify({ trace: JSON.parse(data('tempo-batches.json')) }));
  assert.deepEqual(wrapped.data, r.data);
});

test('snake_case keys (proto field names) with base64 ids and typed values', () => {
  const r = importTraceFile(data('otlp-snake-case-base64.json'));
  assert.equal(r.format, 'otlp-json');
  const s = byName(r, 'run/process_invoice');
  assert.equal(s.traceId, 'fedcba9876543210fedcba9876543210');
  assert.equal(s.spanId, '3333333333333333');
  assert.equal(s.kind, 5);
  assert.equal(s.startTimeUnixNano, '1732262403000000000');
  assert.deepEqual(attr(s, 'retries'), { intValue: '0' });
  assert.deepEqual(attr(s, 'ratio'), { doubleValue: 0.25 });
  assert.deepEqual(attr(s, 'flags'), { arrayValue: { values: [{ boolValue: true }, { boolValue: false }] } });
  assert.deepEqual(s.scope, { name: 'opentelemetry.instrumentation.celery', version: '0.49b0' });
});

test('Jaeger UI download: references, typed tags, logs, processes, repeated span ids', () => {
  const r = importTraceFile(data('jaeger-ui-download.json'));
  assert.equal(r.format, 'jaeger-json');
  assert.deepEqual(r.traceIds, ['00000000000000006b221d5bc9e6496c'], '64-bit Jaeger trace ids are widened');
  assert.equal(r.spanCount, 6, 'the exact duplicate of Driver::findNearest is dropped');
  const all = spans(r);
  assert.equal(new Set(all.map((s) => s.spanId)).size, 6, 'every span id is unique after import');

  const root = byName(r, 'HTTP GET /dispatch');
  assert.equal(root.kind, 2);
  assert.equal(root.service, 'frontend');
  assert.equal(attr(root, 'span.kind'), undefined, 'span.kind becomes the kind, not an attribute');
  assert.equal(attr(root, 'internal.span.format'), undefined);
  assert.deepEqual(attr(root, 'http.status_code'), { intValue: '200' });
  assert.deepEqual(attr(root, 'sampler.param'), { boolValue: true });
  assert.equal(root.startTimeUnixNano, '1732262404000000000');
  assert.equal(root.endTimeUnixNano, '1732262404672041000');
  assert.deepEqual(root.events[0], {
    timeUnixNano: '1732262404000102000',
    name: 'HTTP request received',
    attributes: [{ key: 'level', value: { stringValue: 'info' } }, { key: 'method', value: { stringValue: 'GET' } }],
  });
  const frontendResource = root.resource.attributes.map((a) => a.key);
  assert.deepEqual(frontendResource, ['service.name', 'client-uuid', 'hostname', 'ip', 'jaeger.version']);

  // the Zipkin-style shared span: client keeps the id, the server half becomes its child
  const client = byName(r, 'HTTP GET');
  const server = byName(r, 'HTTP GET /customer');
  assert.equal(client.spanId, '2f1fbc1cb1f0a4d2');
  assert.notEqual(server.spanId, client.spanId);
  assert.equal(server.parentSpanId, client.spanId);
  assert.equal(server.service, 'customer');
  assert.equal(byName(r, 'SQL SELECT').parentSpanId, server.spanId, "the server's own children move with it");

  const driver = byName(r, 'Driver::findNearest');
  assert.equal(driver.parentSpanId, root.spanId, 'FOLLOWS_FROM within the trace is the parent');
  assert.deepEqual(driver.links, [
    { traceId: '00000000000000000000000000abcdef', spanId: '00000000000abcde', attributes: [{ key: 'opentracing.ref_type', value: { stringValue: 'child_of' } }] },
  ]);
  assert.deepEqual(driver.scope, { name: 'driver', version: '1.2.3' });
  assert.equal(driver.kind, 1);

  const get = byName(r, 'GetDriver');
  assert.deepEqual(get.status, { code: 2, message: 'redis timeout' });
  assert.deepEqual(attr(get, 'retry.ratio'), { doubleValue: 0.5 });
  assert.deepEqual(attr(get, 'payload'), { bytesValue: 'AAEC' });
  assert.equal(attr(get, 'error'), undefined);
  assert.equal(get.events[0].name, 'error');
  assert.ok(r.warnings.some((w) => /exact duplicate/.test(w)), r.warnings.join('\n'));
  assert.ok(r.warnings.some((w) => /server half got a new id/.test(w)), r.warnings.join('\n'));

  // importing twice gives the same ids (derived, not random)
  assert.deepEqual(importTraceFile(data('jaeger-ui-download.json')).data, r.data);
});

test('Jaeger single trace object with processes', () => {
  const r = importTraceFile(data('jaeger-single-trace.json'));
  assert.equal(r.format, 'jaeger-json');
  assert.equal(r.spanCount, 2);
  const root = byName(r, 'GET /api/users');
  assert.deepEqual(root.status, { code: 1 });
  assert.equal(root.service, 'users-api');
  assert.equal(byName(r, 'db.users.find').parentSpanId, '1a2b3c4d5e6f7081');
});

test('Zipkin v2: shared client/server spans, spans without timestamp or duration, endpoints, error tag', () => {
  const r = importTraceFile(data('zipkin-v2.json'));
  assert.equal(r.format, 'zipkin-json');
  assert.equal(r.spanCount, 6);
  assert.deepEqual(r.traceIds, ['0000000000000000463ac35c9f6413ad']);
  const gateway = byName(r, 'get /api/orders');
  assert.equal(gateway.kind, 2);
  assert.equal(gateway.startTimeUnixNano, '1732262406000000000');
  assert.equal(gateway.endTimeUnixNano, '1732262406240000000');
  assert.deepEqual(attr(gateway, 'network.peer.address'), { stringValue: '10.0.0.77' });
  assert.deepEqual(attr(gateway, 'network.local.port'), { intValue: '8080' });

  const client = byName(r, 'get');
  const server = byName(r, 'get /orders');
  assert.equal(client.spanId, '72485a3953bb6124');
  assert.equal(server.parentSpanId, client.spanId, 'the shared server half hangs under the client half');
  assert.notEqual(server.spanId, client.spanId);
  assert.deepEqual(attr(client, 'peer.service'), { stringValue: 'orders' });
  assert.deepEqual(client.events.map((e) => e.name), ['wire send', 'wire receive']);

  const query = byName(r, 'query');
  assert.equal(query.parentSpanId, server.spanId, "the orders service's span moves under its server half");
  assert.deepEqual(query.status, { code: 2, message: 'connection reset' });
  assert.equal(attr(query, 'error'), undefined);

  // no timestamp and no annotations: placed at the parent's start, zero duration
  const cache = byName(r, 'cache-lookup');
  assert.equal(cache.parentSpanId, server.spanId);
  assert.equal(cache.startTimeUnixNano, server.startTimeUnixNano);
  assert.equal(cache.endTimeUnixNano, cache.startTimeUnixNano);
  assert.equal(cache.kind, 1);
  // no timestamp but an annotation: placed at the annotation
  const audit = byName(r, 'send audit');
  assert.equal(audit.kind, 4);
  assert.equal(audit.startTimeUnixNano, '1732262406230000000');
  assert.ok(r.warnings.some((w) => /without a timestamp/.test(w)), r.warnings.join('\n'));
});

test('Zipkin v2: one span object', () => {
  const r = importTraceFile(data('zipkin-single-span.json'));
  assert.equal(r.format, 'zipkin-json');
  const s = byName(r, 'post /charge');
  assert.equal(s.kind, 3);
  assert.equal(s.traceId, '5af7183fb1d4cf5f5af7183fb1d4cf5f');
  assert.deepEqual(attr(s, 'network.peer.address'), { stringValue: '2001:db8::1' });
  assert.equal(s.service, 'billing');
});

async function sdkSpans() {
  const api = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const cm = new AsyncLocalStorageContextManager().enable();
  api.context.setGlobalContextManager(cm);
  const tracer = provider.getTracer('fixtures-test', '1.0.0');
  await tracer.startActiveSpan('parent', { kind: api.SpanKind.SERVER, attributes: { 'http.route': '/x', n: 7, d: 1.5, ok: true, list: ['a', 'b'] } }, async (p) => {
    tracer.startSpan('child', { kind: api.SpanKind.CLIENT }).end();
    p.addEvent('checkpoint', { step: 2 });
    p.setStatus({ code: api.SpanStatusCode.ERROR, message: 'nope' });
    p.end();
  });
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  api.context.disable();
  return spans;
}

test('OTLP protobuf as the JS SDK serialises it: same trace as its JSON serialisation; framed and gzip too', async () => {
  const { JsonTraceSerializer, ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
  const recorded = await sdkSpans();
  const pb = ProtobufTraceSerializer.serializeRequest(recorded);
  const fromPb = importTraceFile(pb);
  const fromJson = importTraceFile(JsonTraceSerializer.serializeRequest(recorded));
  assert.equal(fromPb.format, 'otlp-proto');
  assert.equal(fromPb.spanCount, 2);
  assert.deepEqual(fromPb.data, fromJson.data);
  const parent = byName(fromPb, 'parent');
  assert.deepEqual(attr(parent, 'list'), { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } });
  assert.deepEqual(parent.status, { code: 2, message: 'nope' });

  // the Collector file exporter's proto format: each message behind a 4-byte big-endian length
  const frame = (b) => Buffer.concat([Buffer.from([0, 0, 0, 0].map((_, i) => (b.length >>> (24 - 8 * i)) & 0xff)), Buffer.from(b)]);
  const framed = importTraceFile(Buffer.concat([frame(pb), frame(pb)]));
  assert.equal(framed.format, 'otlp-proto');
  // both messages are read; the second holds the same spans again, which the duplicate rule drops
  assert.equal(framed.spanCount, 2);
  assert.ok(framed.warnings.includes('an exact duplicate of a span (same id, name and times) was dropped (2 times)'), framed.warnings.join('\n'));
  // gzip-compressed files are unpacked first
  assert.deepEqual(importTraceFile(zlib.gzipSync(pb)).data, fromPb.data);
});

test('protobuf export reads back to the same OTLP JSON (every importer output)', () => {
  for (const f of ['otlp-uppercase-orphan.json', 'tempo-batches.json', 'jaeger-ui-download.json', 'zipkin-v2.json', 'otlp-snake-case-base64.json']) {
    const r = importTraceFile(data(f));
    const back = importTraceFile(writeOtlpProto(r.data));
    assert.equal(back.format, 'otlp-proto');
    assert.deepEqual(back.data, r.data, f);
  }
});

test('files that are no trace files get one clear line naming what was expected and what was found', () => {
  const cases = [
    [data('zipkin-v1.json'), /Zipkin v1 JSON .*not supported/],
    [data('otlp-logs-only.json'), /found OTLP logs \(resourceLogs\), not traces/],
    ['{"name":"my-app","version":"1.0.0"}', /found a JSON object with keys "name", "version"/],
    ['[]', /found an empty JSON array/],
    ['', /The file is empty/],
    ['   \n', /The file is empty/],
    ['{"resourceSpans": [', /the JSON does not parse/],
    ['hello world, not a trace', /found text starting with "hello world, not a trace"/],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]), /found 10 bytes of binary data that is not an OTLP protobuf trace message/],
    ['{"resourceSpans":[]}', /holds no usable spans/],
    ['{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz","spanId":"01","name":"a"}]}]}]}', /holds no usable spans \(a span without a readable trace id was skipped\)/],
  ];
  for (const [input, re] of cases) {
    assert.throws(() => importTraceFile(input), (e) => {
      assert.ok(e instanceof TraceFileError, `${e}`);
      assert.match(e.message, re);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    });
  }
  // the generic message names every supported format
  assert.throws(() => importTraceFile('{"a":1}'), /expected OTLP JSON .*OTLP protobuf .*Jaeger JSON .*Zipkin v2 JSON/);
});

test('a bad span among good ones is skipped with a counted note; the rest is kept', () => {
  const good = (id) => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: id, name: 'ok', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2' });
  const doc = { resourceSpans: [{ scopeSpans: [{ spans: [good('00000000000000a1'), { ...good('bad'), name: 'bad' }, { ...good('bad2') }, good('00000000000000a2')] }] }] };
  const r = importTraceFile(JSON.stringify(doc));
  assert.equal(r.spanCount, 2);
  assert.deepEqual(r.warnings, ['a span without a readable span id was skipped (2 times)']);
});

test('int64 timestamps written as bare JSON numbers survive to the nanosecond; enums as numeric strings', () => {
  const text = '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","name":"x","kind":"3",' +
    '"startTimeUnixNano":1700000000000000001,"endTimeUnixNano":1700000000123456789,"status":{"code":"2"},' +
    '"attributes":[{"key":"big","value":{"intValue":9007199254740993}}]}]}]}]}';
  const s = importTraceFile(text).data.resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(s.startTimeUnixNano, '1700000000000000001');
  assert.equal(s.endTimeUnixNano, '1700000000123456789');
  assert.equal(s.kind, 3);
  assert.deepEqual(s.status, { code: 2 });
  assert.deepEqual(s.attributes[0].value, { intValue: '9007199254740993' });
});
