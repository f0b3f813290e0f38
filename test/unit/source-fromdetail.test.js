// A span as the query API answers it (SpanDetail) gives the same location signal as at ingest.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { locationOfDetail } = require('../../out/src/source/fromDetail.js');

const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] };
const scope = { name: 'opentelemetry.instrumentation.flask' };
const span = (attributes = [], events = []) => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', name: 'POST /orders', kind: 2,
  startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000120000000', attributes, events, status: {},
});

test('code.* attributes (ints as strings, as OTLP JSON has them)', () => {
  const d = { traceId: 'x', spanId: 'y', serviceName: 'shop', resource, scope, logs: [],
    span: span([{ key: 'code.file.path', value: { stringValue: '/app/shop/views.py' } }, { key: 'code.line.number', value: { intValue: '88' } }]) };
  // (a SERVER span: the request, counted apart from a handler span at the same place, as at ingest)
  assert.deepEqual(locationOfDetail(d), { file: '/app/shop/views.py', line: 88, layer: 'attributes', role: 'request' });
});

test('linked log records: exception stack traces, then code.*', () => {
  const tb = 'Traceback (most recent call last):\n  File "/app/shop/service.py", line 58, in create\n    raise ValueError()\nValueError';
  const log = (attributes) => ({ timeUnixNano: '1700000000050000000', severityNumber: 17, body: { stringValue: 'failed' }, attributes, traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' });
  const withStack = { traceId: 'x', spanId: 'y', serviceName: 'shop', resource, scope, span: span(), logs: [log([{ key: 'exception.stacktrace', value: { stringValue: tb } }])] };
  assert.deepEqual(locationOfDetail(withStack), { file: '/app/shop/service.py', line: 58, function: 'create', layer: 'stacktrace' });
  const withCode = { ...withStack, logs: [log([{ key: 'code.filepath', value: { stringValue: '/app/shop/views.py' } }, { key: 'code.lineno', value: { intValue: '12' } }])] };
  assert.deepEqual(locationOfDetail(withCode), { file: '/app/shop/views.py', line: 12, layer: 'log' });
  assert.equal(locationOfDetail({ ...withStack, logs: [] }), null);
});
