// Importers: Jaeger's other answer shapes (API v3 {"result": …}, {"data": {one trace}}, error answers), and
// one rule for exact duplicate spans in every format — the receiver store's.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const { importTraceFile } = require(path.join(root, 'out/src/fixtures/detect.js'));
const { TraceFileError } = require(path.join(root, 'out/src/fixtures/importResult.js'));
const { writeOtlpProto } = require(path.join(root, 'out/src/fixtures/otlpProto.js'));
const { decodeTracesObject } = require(path.join(root, 'out/src/otlp/jsonDecode.js'));
const { TraceStore } = require(path.join(root, 'out/src/store/traceStore.js'));
const { EpochNs } = require(path.join(root, 'out/src/model/time.js'));

const TRACE = '5b8efff798038103d269b633813fc60c';
const ROOT = 'eee19b7ec3c1b174';
const CHILD = 'eee19b7ec3c1b173';
const T0 = 1_700_000_000_000_000n; // µs

/** spans as [id, parent, name, start µs offset, duration µs] */
const SPANS = [
  [ROOT, '', 'GET /orders', 0, 900],
  [CHILD, ROOT, 'SELECT orders', 100, 300],
  [CHILD, ROOT, 'SELECT orders', 100, 300], // an exact re-send
  [CHILD, ROOT, 'SELECT orders', 100, 301], // the same id, another end: a different span
];

function otlp(spans = SPANS) {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
      scopeSpans: [{
        spans: spans.map(([id, parent, name, at, us]) => ({
          traceId: TRACE, spanId: id, ...(parent ? { parentSpanId: parent } : {}), name, kind: 1,
          startTimeUnixNano: String((T0 + BigInt(at)) * 1000n), endTimeUnixNano: String((T0 + BigInt(at + us)) * 1000n), attributes: [],
        })),
      }],
    }],
  };
}

function jaegerTrace(spans = SPANS) {
  return {
    traceID: TRACE,
    spans: spans.map(([id, parent, name, at, us]) => ({
      traceID: TRACE, spanID: id, operationName: name, references: parent ? [{ refType: 'CHILD_OF', traceID: TRACE, spanID: parent }] : [],
      startTime: Number(T0) + at, duration: us, tags: [], logs: [], processID: 'p1',
    })),
    processes: { p1: { serviceName: 'orders', tags: [] } },
  };
}

function zipkin(spans = SPANS) {
  return spans.map(([id, parent, name, at, us]) => ({
    traceId: TRACE, id, ...(parent ? { parentId: parent } : {}), name, timestamp: Number(T0) + at, duration: us, localEndpoint: { serviceName: 'orders' },
  }));
}

const names = (r) => r.data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))).sort();

test("Jaeger API v3's {\"result\": …} opens, one object or one per line as it streams", () => {
  const one = importTraceFile(JSON.stringify({ result: otlp(SPANS.slice(0, 2)) }));
  assert.equal(one.format, 'jaeger-api-v3');
  assert.deepEqual(names(one), ['GET /orders', 'SELECT orders']);
  const lines = importTraceFile(`${JSON.stringify({ result: otlp(SPANS.slice(0, 1)) })}\n${JSON.stringify({ result: otlp(SPANS.slice(1, 2)) })}\n`);
  assert.equal(lines.format, 'jaeger-api-v3');
  assert.deepEqual(names(lines), ['GET /orders', 'SELECT orders']);
});

test('Jaeger {"data": {…one trace…}} opens like {"data": [trace]}', () => {
  const object = importTraceFile(JSON.stringify({ data: jaegerTrace(SPANS.slice(0, 2)) }));
  const array = importTraceFile(JSON.stringify({ data: [jaegerTrace(SPANS.slice(0, 2))] }));
  assert.equal(object.format, 'jaeger-json');
  assert.deepEqual(object.data, array.data);
});

test("a Jaeger query API error answer says so", () => {
  for (const answer of [{ data: null, errors: [{ code: 404, msg: 'trace not found' }] }, { error: { httpCode: 404, message: 'trace not found' } }]) {
    assert.throws(() => importTraceFile(JSON.stringify(answer)), (e) => e instanceof TraceFileError && /a Jaeger API error \("trace not found"\)/.test(e.message));
  }
});

test('one duplicate rule for every format, the receiver store\'s: an exact re-send is dropped, another span with the id is kept', () => {
  const inputs = {
    'OTLP JSON': JSON.stringify(otlp()),
    'OTLP protobuf': writeOtlpProto(otlp()),
    'Jaeger API v3': JSON.stringify({ result: otlp() }),
    'Jaeger JSON': JSON.stringify({ data: [jaegerTrace()] }),
    'Zipkin JSON': JSON.stringify(zipkin()),
  };
  for (const [label, bytes] of Object.entries(inputs)) {
    const r = importTraceFile(bytes);
    assert.equal(r.spanCount, 3, `${label}: the root, the child and the child with another end`);
    assert.deepEqual(r.warnings.filter((w) => /exact duplicate/.test(w)), ['an exact duplicate of a span (same id, name and times) was dropped'], label);
    const ends = r.data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).filter((s) => s.name === 'SELECT orders').map((s) => s.endTimeUnixNano).sort();
    assert.deepEqual(ends, [String((T0 + 400n) * 1000n), String((T0 + 401n) * 1000n)], label);
  }
  // the receiver's store, given the same spans as received over OTLP, drops exactly one too
  const store = new TraceStore({ epoch: new EpochNs(1_700_000_000) });
  const added = store.addSpans(decodeTracesObject(otlp(), new EpochNs(1_700_000_000)).spans);
  assert.equal(added.duplicates, 1);
  assert.equal(added.added, 3);
});
