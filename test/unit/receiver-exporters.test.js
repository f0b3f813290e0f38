// The receiver fed by the REAL OpenTelemetry JS exporters (protobuf over HTTP, JSON over HTTP, gRPC, logs,
// metrics): every attribute type, events, links, status, resource and scope arrive intact in the store and
// come back out of the query API.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { context, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { TracerProvider, SimpleSpanProcessor, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { LoggerProvider, SimpleLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { OTLPTraceExporter: ProtoExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPTraceExporter: JsonExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { OTLPTraceExporter: GrpcExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-proto');
const { KvList } = require('../../out/src/model/span.js');
const { startTestReceiver, until, attrsObject, kvObject } = require('./_receiverHelpers.js');

let rx;
before(async () => {
  rx = await startTestReceiver();
});
after(async () => {
  await rx.close();
});

const BYTES = new Uint8Array([0, 1, 2, 250, 255]);

/** Emits one trace (root + child with events, a link, an error status) through `exporter`. */
async function emitTrace(exporter, serviceName) {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'deployment.environment': 'test', 'host.cores': 8 }),
    // one batch: the spans of a request share their resource and scope objects
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 60_000 })],
  });
  const tracer = provider.getTracer('test-scope', '4.5.6', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
  const linked = tracer.startSpan('linked-op');
  linked.end();
  const root = tracer.startSpan('GET /orders', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'big.int': 9007199254740991,
      'neg.int': -42,
      ratio: 0.25,
      'feature.enabled': true,
      'list.str': ['a', 'b'],
      'list.num': [1.5, 2.5],
      'list.bool': [true, false],
      'code.function.name': 'listOrders',
      'code.file.path': '/app/src/orders.ts',
      'code.line.number': 42,
      nested: { inner: 'x', count: 3, deeper: { flag: true } },
      blob: BYTES,
    },
    links: [{ context: linked.spanContext(), attributes: { 'link.kind': 'follows' } }],
  });
  const ctx = trace.setSpan(context.active(), root);
  const child = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } }, ctx);
  child.addEvent('retry', { attempt: 2 });
  child.recordException(Object.assign(new Error('connection reset'), { name: 'DbError' }));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'db failed' });
  child.end();
  root.setStatus({ code: SpanStatusCode.OK });
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: root.spanContext().traceId, rootId: root.spanContext().spanId, childId: child.spanContext().spanId, linked: linked.spanContext() };
}

function checkStored(ids, serviceName) {
  const spans = rx.r.store.spans(ids.traceId);
  assert.ok(spans, `trace ${ids.traceId} stored`);
  assert.equal(spans.length, 2);
  const root = spans.find((s) => s.spanId === ids.rootId);
  const child = spans.find((s) => s.spanId === ids.childId);
  assert.ok(root && child);
  assert.equal(root.name, 'GET /orders');
  assert.equal(root.kind, 2);
  assert.equal(root.parentSpanId, '');
  assert.equal(child.parentSpanId, ids.rootId);
  assert.equal(child.kind, 3);
  const a = attrsObject(root.attrs);
  assert.equal(a['http.request.method'], 'GET');
  assert.equal(a['http.response.status_code'], 200n);
  assert.equal(a['big.int'], 9007199254740991n);
  assert.equal(a['neg.int'], -42n);
  assert.equal(a.ratio, 0.25);
  assert.equal(a['feature.enabled'], true);
  assert.deepEqual(a['list.str'], ['a', 'b']);
  assert.deepEqual(a['list.num'], [1.5, 2.5]);
  assert.deepEqual(a['list.bool'], [true, false]);
  assert.ok(a.nested instanceof KvList, 'kvlist arrives as a KvList');
  const n = attrsObject(a.nested.kv);
  assert.equal(n.inner, 'x');
  assert.equal(n.count, 3n);
  assert.ok(n.deeper instanceof KvList);
  assert.equal(attrsObject(n.deeper.kv).flag, true);
  assert.ok(a.blob instanceof Uint8Array);
  assert.deepEqual([...a.blob], [...BYTES]);
  assert.equal(root.statusCode, 1);
  assert.equal(child.statusCode, 2);
  assert.equal(child.statusMessage, 'db failed');
  assert.equal(child.events.length, 2);
  assert.equal(child.events[0].name, 'retry');
  assert.equal(attrsObject(child.events[0].attrs).attempt, 2n);
  assert.equal(child.events[1].name, 'exception');
  assert.equal(attrsObject(child.events[1].attrs)['exception.message'], 'connection reset');
  assert.ok(child.events[0].time >= child.start && child.events[0].time <= child.end);
  assert.equal(root.links.length, 1);
  assert.equal(root.links[0].traceId, ids.linked.traceId);
  assert.equal(root.links[0].spanId, ids.linked.spanId);
  assert.equal(attrsObject(root.links[0].attrs)['link.kind'], 'follows');
  assert.ok(root.end >= root.start && child.end >= child.start);
  assert.equal(root.resource.serviceName, serviceName);
  const ra = attrsObject(root.resource.attrs);
  assert.equal(ra['deployment.environment'], 'test');
  assert.equal(ra['host.cores'], 8n);
  assert.equal(root.scope.name, 'test-scope');
  assert.equal(root.scope.version, '4.5.6');
  assert.equal(root.scope, child.scope, 'one scope object shared by the batch');
}

async function checkApi(ids, serviceName) {
  const otlp = await rx.api.trace(ids.traceId);
  const rs = otlp.resourceSpans.find((x) => kvObject(x.resource.attributes)['service.name'].stringValue === serviceName);
  const spans = rs.scopeSpans.flatMap((ss) => ss.spans);
  const root = spans.find((s) => s.spanId === ids.rootId);
  const a = kvObject(root.attributes);
  assert.deepEqual(a['http.response.status_code'], { intValue: '200' });
  assert.deepEqual(a['big.int'], { intValue: '9007199254740991' });
  assert.deepEqual(a.ratio, { doubleValue: 0.25 });
  assert.deepEqual(a.blob, { bytesValue: Buffer.from(BYTES).toString('base64') });
  assert.deepEqual(kvObject(a.nested.kvlistValue.values).inner, { stringValue: 'x' });
  assert.deepEqual(a['list.bool'], { arrayValue: { values: [{ boolValue: true }, { boolValue: false }] } });
  assert.equal(rs.scopeSpans[0].scope.name, 'test-scope');
  assert.match(root.startTimeUnixNano, /^\d{19}$/);
  const summary = (await rx.api.traces()).find((t) => t.traceId === ids.traceId);
  assert.equal(summary.rootName, 'GET /orders');
  assert.equal(summary.rootService, serviceName);
  assert.equal(summary.spanCount, 2);
  assert.equal(summary.errorCount, 1);
  assert.equal(summary.brokenParents, 0);
  const detail = await rx.api.spanDetail(ids.traceId, ids.childId);
  assert.equal(detail.serviceName, serviceName);
  assert.equal(detail.span.status.code, 2);
}

test('OTLP/HTTP protobuf exporter: everything arrives intact', async () => {
  const ids = await emitTrace(new ProtoExporter({ url: `http://127.0.0.1:${rx.httpPort}/v1/traces` }), 'svc-proto');
  checkStored(ids, 'svc-proto');
  await checkApi(ids, 'svc-proto');
});

test('OTLP/HTTP JSON exporter: everything arrives intact', async () => {
  const ids = await emitTrace(new JsonExporter({ url: `http://127.0.0.1:${rx.httpPort}/v1/traces` }), 'svc-json');
  checkStored(ids, 'svc-json');
  await checkApi(ids, 'svc-json');
});

test('OTLP/HTTP protobuf exporter with gzip compression', async () => {
  const ids = await emitTrace(new ProtoExporter({ url: `http://127.0.0.1:${rx.httpPort}/v1/traces`, compression: 'gzip' }), 'svc-gzip');
  checkStored(ids, 'svc-gzip');
});

test('OTLP/gRPC exporter (plain and gzip): everything arrives intact', async () => {
  const ids = await emitTrace(new GrpcExporter({ url: `http://127.0.0.1:${rx.grpcPort}` }), 'svc-grpc');
  checkStored(ids, 'svc-grpc');
  await checkApi(ids, 'svc-grpc');
  const ids2 = await emitTrace(new GrpcExporter({ url: `http://127.0.0.1:${rx.grpcPort}`, compression: 'gzip' }), 'svc-grpc-gz');
  checkStored(ids2, 'svc-grpc-gz');
});

test('logs exporter: records are kept and linked to their span', async () => {
  const tp = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'svc-logs' }) });
  const span = tp.getTracer('t').startSpan('handler', { attributes: { 'code.function.name': 'handle' } });
  const lp = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'svc-logs' }),
    processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `http://127.0.0.1:${rx.httpPort}/v1/logs` }) })],
  });
  const logger = lp.getLogger('app-logger');
  const ctx = trace.setSpan(context.active(), span);
  logger.emit({ context: ctx, severityNumber: 17, severityText: 'ERROR', body: 'order failed', attributes: { 'order.id': 7, 'code.file.path': '/app/src/orders.ts', 'code.line.number': 99 } });
  logger.emit({ severityNumber: 9, severityText: 'INFO', body: { structured: true } });
  await lp.forceFlush();
  await lp.shutdown();
  // the span arrives after its logs (exporters batch separately): the link still holds
  const exporter = new ProtoExporter({ url: `http://127.0.0.1:${rx.httpPort}/v1/traces` });
  const sp = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'svc-logs' }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  void sp;
  span.end();
  await new Promise((resolve, reject) =>
    exporter.export([span], (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))),
  );
  const { traceId, spanId } = span.spanContext();
  const logs = rx.r.store.logsForSpan(traceId, spanId);
  assert.equal(logs.length, 1);
  assert.equal(logs[0].body, 'order failed');
  assert.equal(logs[0].severityNumber, 17);
  assert.equal(attrsObject(logs[0].attrs)['order.id'], 7n);
  assert.equal(logs[0].scope.name, 'app-logger');
  const detail = await rx.api.spanDetail(traceId, spanId);
  assert.equal(detail.logs.length, 1);
  assert.deepEqual(detail.logs[0].body, { stringValue: 'order failed' });
  assert.ok(rx.r.store.stats().logs >= 2, 'the unlinked record is kept too');
});

test('metrics exporter: acknowledged with success', async () => {
  const exporter = new OTLPMetricExporter({ url: `http://127.0.0.1:${rx.httpPort}/v1/metrics` });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const mp = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'svc-metrics' }), readers: [reader] });
  const meter = mp.getMeter('m');
  meter.createCounter('requests').add(3, { route: '/a' });
  meter.createHistogram('latency').record(12.5);
  const before = rx.r.counters.dataPoints;
  await mp.forceFlush();
  await mp.shutdown();
  await until(() => rx.r.counters.dataPoints >= before + 2, 5000, 'metric data points');
});

test('OTLP/gRPC logs and metrics services: logs stored, metrics acknowledged', async () => {
  const { otlpRoot, TYPES } = require('../../out/src/otlp/proto.js');
  const { grpcCall } = require('./_receiverHelpers.js');
  const root = otlpRoot();
  const Logs = root.lookupType(TYPES.logsRequest);
  const Metrics = root.lookupType(TYPES.metricsRequest);
  const traceId = Buffer.from('9a'.repeat(16), 'hex');
  const logs = Logs.encode(Logs.fromObject({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: String(BigInt(Date.now()) * 1000000n), body: { stringValue: 'via grpc' }, traceId, spanId: Buffer.alloc(8, 1) }] }] }] })).finish();
  const r = await grpcCall(rx.grpcPort, '/opentelemetry.proto.collector.logs.v1.LogsService/Export', Buffer.from(logs));
  assert.equal(r.grpcStatus, 0);
  assert.deepEqual(rx.r.store.logsForSpan('9a'.repeat(16), '01'.repeat(8)).map((l) => l.body), ['via grpc']);
  const metrics = Metrics.encode(Metrics.fromObject({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ asDouble: 1 }] } }] }] }] })).finish();
  const before = rx.r.counters.dataPoints;
  const m = await grpcCall(rx.grpcPort, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', Buffer.from(metrics), { compress: true });
  assert.equal(m.grpcStatus, 0);
  assert.equal(rx.r.counters.dataPoints, before + 1);
});
