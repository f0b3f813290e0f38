// The OTLP decoders and encoders on their own: the fast protobuf decoder agrees with protobufjs on a request
// holding every field; the JSON decoder reads the same request in its lenient variants; model → OTLP JSON
// round-trips; response messages decode with the .proto definitions; malformed input throws clearly.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { otlpRoot, TYPES } = require('../../out/src/otlp/proto.js');
const { decodeTraces, decodeLogs, checkMetrics, OtlpDecodeError } = require('../../out/src/otlp/protoDecode.js');
const { decodeTracesJson, decodeLogsJson, normalizeId } = require('../../out/src/otlp/jsonDecode.js');
const { spansToOtlp, logToOtlp } = require('../../out/src/otlp/toOtlpJson.js');
const { exportResponse, statusResponse } = require('../../out/src/otlp/responses.js');
const { EpochNs } = require('../../out/src/model/time.js');
const { KvList } = require('../../out/src/model/span.js');
const { attrsObject } = require('./_receiverHelpers.js');

const root = otlpRoot();
const TraceRequest = root.lookupType(TYPES.traceRequest);
const epoch = new EpochNs(1_700_000_000);
const T0 = 1_700_000_000_123_456_789n;

function fullRequestObject() {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }, { key: 'pid', value: { intValue: 4242 } }], droppedAttributesCount: 1 },
      schemaUrl: 'https://r',
      scopeSpans: [{
        scope: { name: 'lib', version: '1.0', attributes: [{ key: 'scope.attr', value: { boolValue: true } }] },
        schemaUrl: 'https://s',
        spans: [{
          traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'),
          spanId: Buffer.from('b7ad6b7169203331', 'hex'),
          parentSpanId: Buffer.from('00f067aa0ba902b7', 'hex'),
          traceState: 'k=v',
          flags: 0x301,
          name: 'charge',
          kind: 3,
          startTimeUnixNano: T0.toString(),
          endTimeUnixNano: (T0 + 1n).toString(),
          attributes: [
            { key: 's', value: { stringValue: 'héllo ✓' } },
            { key: 'i', value: { intValue: '-9223372036854775808' } },
            { key: 'big', value: { intValue: '9223372036854775807' } },
            { key: 'd', value: { doubleValue: -0.5 } },
            { key: 'b', value: { boolValue: false } },
            { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 1 }, { arrayValue: { values: [] } }] } } },
            { key: 'kv', value: { kvlistValue: { values: [{ key: 'a', value: { doubleValue: 2 } }, { key: 'empty', value: {} }] } } },
            { key: 'bytes', value: { bytesValue: Buffer.from([9, 8, 7]) } },
          ],
          droppedAttributesCount: 2,
          events: [{ timeUnixNano: (T0 + 5n).toString(), name: 'ev', attributes: [{ key: 'e', value: { intValue: 1 } }], droppedAttributesCount: 3 }],
          droppedEventsCount: 4,
          links: [{ traceId: Buffer.from('11'.repeat(16), 'hex'), spanId: Buffer.from('22'.repeat(8), 'hex'), traceState: 'l=1', attributes: [], droppedAttributesCount: 5, flags: 1 }],
          droppedLinksCount: 6,
          status: { code: 2, message: 'declined' },
        }],
      }],
    }],
  };
}

function checkSpan(s) {
  assert.equal(s.traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(s.spanId, 'b7ad6b7169203331');
  assert.equal(s.parentSpanId, '00f067aa0ba902b7');
  assert.equal(s.traceState, 'k=v');
  assert.equal(s.flags, 0x301);
  assert.equal(s.name, 'charge');
  assert.equal(s.kind, 3);
  assert.equal(s.start, 123_456_789);
  assert.equal(s.end - s.start, 1);
  const a = attrsObject(s.attrs);
  assert.equal(a.s, 'héllo ✓');
  assert.equal(a.i, -9223372036854775808n);
  assert.equal(a.big, 9223372036854775807n);
  assert.equal(a.d, -0.5);
  assert.equal(a.b, false);
  assert.deepEqual(a.arr, ['x', 1n, []]);
  assert.ok(a.kv instanceof KvList);
  assert.deepEqual(a.kv.kv, ['a', 2, 'empty', null]);
  assert.deepEqual([...a.bytes], [9, 8, 7]);
  assert.equal(s.droppedAttributesCount, 2);
  assert.equal(s.events.length, 1);
  assert.equal(s.events[0].time, 123_456_794);
  assert.equal(s.events[0].droppedAttributesCount, 3);
  assert.equal(s.droppedEventsCount, 4);
  assert.deepEqual({ ...s.links[0], attrs: undefined }, { traceId: '11'.repeat(16), spanId: '22'.repeat(8), traceState: 'l=1', attrs: undefined, droppedAttributesCount: 5, flags: 1 });
  assert.equal(s.droppedLinksCount, 6);
  assert.equal(s.statusCode, 2);
  assert.equal(s.statusMessage, 'declined');
  assert.equal(s.resource.serviceName, 'checkout');
  assert.equal(s.resource.droppedAttributesCount, 1);
  assert.equal(s.resource.schemaUrl, 'https://r');
  assert.equal(attrsObject(s.resource.attrs).pid, 4242n);
  assert.equal(s.scope.name, 'lib');
  assert.equal(s.scope.version, '1.0');
  assert.equal(s.scope.schemaUrl, 'https://s');
  assert.deepEqual(s.scope.attrs, ['scope.attr', true]);
}

test('fast protobuf decoder reads every field of a protobufjs-encoded request', () => {
  const bytes = TraceRequest.encode(TraceRequest.fromObject(fullRequestObject())).finish();
  const batch = decodeTraces(bytes, epoch);
  assert.equal(batch.rejected, 0);
  assert.equal(batch.spans.length, 1);
  checkSpan(batch.spans[0]);
});

test('JSON decoder reads the same request (protobufjs JSON form, and snake_case + names)', () => {
  const bytes = TraceRequest.encode(TraceRequest.fromObject(fullRequestObject())).finish();
  const obj = TraceRequest.toObject(TraceRequest.decode(bytes), { longs: String, bytes: String, enums: Number });
  // protobufjs writes ids as base64: the lenient decoder accepts that
  const batch = decodeTracesJson(JSON.stringify(obj), epoch);
  assert.equal(batch.rejected, 0, batch.rejectReasons.join());
  checkSpan(batch.spans[0]);
  // and model → OTLP JSON → JSON decoder round-trips
  const again = decodeTracesJson(JSON.stringify(spansToOtlp(batch.spans, epoch)), epoch);
  checkSpan(again.spans[0]);
  // snake_case keys, enum names, numbers for int64
  const snake = JSON.stringify(spansToOtlp(batch.spans, epoch))
    .replace(/"([a-z]+)([A-Z][a-zA-Z]*)":/g, (_, a, b) => `"${a}${b.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}":`)
    .replace('"kind":3', '"kind":"SPAN_KIND_CLIENT"')
    .replace('"code":2', '"code":"STATUS_CODE_ERROR"');
  assert.match(snake, /"start_time_unix_nano"/);
  checkSpan(decodeTracesJson(snake, epoch).spans[0]);
});

test('ids: hex in any case and base64 normalise; others are flagged', () => {
  assert.equal(normalizeId('ABCDEF0123456789', 8, 'x'), 'abcdef0123456789');
  assert.equal(normalizeId(Buffer.from('abcdef0123456789', 'hex').toString('base64'), 8, 'x'), 'abcdef0123456789');
  assert.equal(normalizeId(Buffer.from('ab'.repeat(16), 'hex').toString('base64url'), 16, 'x'), 'ab'.repeat(16));
  assert.match(normalizeId('xyz', 8, 'x'), /^invalid:/);
  assert.equal(normalizeId('', 8, 'x'), '');
  assert.throws(() => normalizeId(12, 8, 'p.spanId'), /p\.spanId: expected a hex or base64 id string, got number/);
});

test('malformed protobuf throws OtlpDecodeError (truncation anywhere, bad wire types, nesting)', () => {
  const bytes = Buffer.from(TraceRequest.encode(TraceRequest.fromObject(fullRequestObject())).finish());
  for (let cut = 1; cut < bytes.length; cut += 3) {
    assert.throws(() => decodeTraces(bytes.subarray(0, cut), epoch), OtlpDecodeError, `cut at ${cut}`);
  }
  assert.throws(() => decodeTraces(Buffer.from([0x0b]), epoch), OtlpDecodeError); // group start
  assert.throws(() => decodeTraces(Buffer.from([0x0f]), epoch), OtlpDecodeError); // wire type 7
  // AnyValue arrays nested n deep: 10 is fine, 1000 is refused (no unbounded recursion)
  const deep = (n) => {
    let x = Buffer.from([0x0a, 0x01, 0x78]);
    for (let i = 0; i < n; i++) {
      const arr = Buffer.concat([Buffer.from([0x0a]), varint(x.length), x]);
      x = Buffer.concat([Buffer.from([0x2a]), varint(arr.length), arr]);
    }
    const kv = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b, 0x12]), varint(x.length), x]);
    const span = Buffer.concat([
      Buffer.from([0x0a, 16]), Buffer.alloc(16, 1), Buffer.from([0x12, 8]), Buffer.alloc(8, 2),
      Buffer.from([0x4a]), varint(kv.length), kv,
    ]);
    const ss = Buffer.concat([Buffer.from([0x12]), varint(span.length), span]);
    const rs = Buffer.concat([Buffer.from([0x12]), varint(ss.length), ss]);
    return Buffer.concat([Buffer.from([0x0a]), varint(rs.length), rs]);
  };
  assert.equal(decodeTraces(deep(10), epoch).spans.length, 1);
  // the nesting is inside one span's own bytes: that span is rejected with the reason, the request is not
  const tooDeep = decodeTraces(deep(1000), epoch);
  assert.equal(tooDeep.spans.length, 0);
  assert.equal(tooDeep.rejected, 1);
  assert.match(tooDeep.rejectReasons[0], /nested deeper/);
});

function varint(n) {
  const out = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

test('logs decode (protobuf and JSON); bad ids unlink instead of losing the record', () => {
  const LogsRequest = root.lookupType(TYPES.logsRequest);
  const msg = LogsRequest.fromObject({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'l' } }] }, scopeLogs: [{ scope: { name: 'lg' }, logRecords: [
    { timeUnixNano: T0.toString(), observedTimeUnixNano: (T0 + 3n).toString(), severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'boom' }, traceId: Buffer.alloc(16, 3), spanId: Buffer.alloc(8, 4), eventName: 'e', flags: 1, droppedAttributesCount: 2 },
    { observedTimeUnixNano: (T0 + 7n).toString(), body: { kvlistValue: { values: [{ key: 'k', value: { intValue: 1 } }] } }, traceId: Buffer.alloc(3, 3) },
  ] }] }] });
  const batch = decodeLogs(LogsRequest.encode(msg).finish(), epoch);
  assert.equal(batch.logs.length, 2);
  assert.equal(batch.logs[0].time, 123_456_789);
  assert.equal(batch.logs[0].traceId, '03'.repeat(16));
  assert.equal(batch.logs[0].spanId, '04'.repeat(8));
  assert.equal(batch.logs[0].body, 'boom');
  assert.equal(batch.logs[0].eventName, 'e');
  assert.equal(batch.logs[1].time, 123_456_796, 'observed time when time is unset');
  assert.equal(batch.logs[1].traceId, '');
  assert.match(batch.rejectReasons[0], /without its span link/);
  const j = decodeLogsJson(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: String(T0), severityNumber: 'SEVERITY_NUMBER_WARN', body: { stringValue: 'w' }, traceId: 'AB'.repeat(16), spanId: 'CD'.repeat(8) }] }] }] }), epoch);
  assert.equal(j.logs[0].severityNumber, 13);
  const bad = decodeLogsJson(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'kept' }, traceId: 'nope' }] }] }] }), epoch);
  assert.equal(bad.logs[0].traceId, '');
  assert.equal(bad.logs[0].body, 'kept');
  assert.match(bad.rejectReasons[0], /trace_id "nope" is neither hex nor base64/);
  assert.equal(j.logs[0].traceId, 'ab'.repeat(16));
  // what the span details answer keeps every field as sent: observed time, flags, dropped count
  const out = logToOtlp(batch.logs[0], epoch);
  assert.deepEqual([out.timeUnixNano, out.observedTimeUnixNano, out.flags, out.droppedAttributesCount], [T0.toString(), (T0 + 3n).toString(), 1, 2]);
  assert.equal(logToOtlp(batch.logs[1], epoch).observedTimeUnixNano, (T0 + 7n).toString());
  const jf = decodeLogsJson(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: String(T0), observed_time_unix_nano: String(T0 + 3n), flags: 1, dropped_attributes_count: 2 }] }] }] }), epoch);
  assert.deepEqual([jf.logs[0].observedTime, jf.logs[0].flags, jf.logs[0].droppedAttributesCount], [batch.logs[0].observedTime, 1, 2]);
  assert.ok(Number.isNaN(j.logs[0].observedTime), 'not sent: not made up');
});

test('metrics requests are validated and counted', () => {
  const MetricsRequest = root.lookupType(TYPES.metricsRequest);
  const msg = MetricsRequest.fromObject({ resourceMetrics: [{ scopeMetrics: [{ metrics: [
    { name: 'c', sum: { dataPoints: [{ asInt: 3 }, { asDouble: 1.5 }], aggregationTemporality: 2, isMonotonic: true } },
    { name: 'h', histogram: { dataPoints: [{ count: 2, bucketCounts: [1, 1], explicitBounds: [5] }] } },
  ] }] }] });
  assert.equal(checkMetrics(MetricsRequest.encode(msg).finish()).dataPoints, 3);
  assert.throws(() => checkMetrics(Buffer.from([0x0a, 0x10, 0x01])), OtlpDecodeError);
});

test('responses decode with the .proto definitions', () => {
  const Resp = root.lookupType(TYPES.traceResponse);
  const Status = root.lookupType(TYPES.status);
  const ok = exportResponse('traces', 'protobuf', 0, '');
  assert.equal(ok.body.length, 0);
  const partial = Resp.decode(exportResponse('traces', 'protobuf', 3, 'span x: bad id').body);
  assert.equal(Number(partial.partialSuccess.rejectedSpans), 3);
  assert.equal(partial.partialSuccess.errorMessage, 'span x: bad id');
  assert.deepEqual(JSON.parse(exportResponse('logs', 'json', 2, 'why').body), { partialSuccess: { rejectedLogRecords: '2', errorMessage: 'why' } });
  const st = Status.decode(statusResponse('protobuf', 3, 'bad').body);
  assert.equal(st.code, 3);
  assert.equal(st.message, 'bad');
  assert.deepEqual(JSON.parse(statusResponse('json', 8, 'big').body), { code: 8, message: 'big' });
});

test('a span or event without times reads the same from protobuf and JSON: Unix 0, not the receiver start', () => {
  const span = { traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'), spanId: Buffer.from('b7ad6b7169203331', 'hex'), name: 'untimed', events: [{ name: 'e' }] };
  const bytes = TraceRequest.encode(TraceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] })).finish();
  const [p] = decodeTraces(bytes, epoch).spans;
  const json = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'untimed', events: [{ name: 'e' }] }] }] }] });
  const [j] = decodeTracesJson(Buffer.from(json), epoch).spans;
  assert.deepEqual([p.start, p.end, p.events[0].time], [j.start, j.end, j.events[0].time]);
  const out = spansToOtlp([p], epoch).resourceSpans[0].scopeSpans[0].spans[0];
  assert.deepEqual([out.startTimeUnixNano, out.endTimeUnixNano, out.events[0].timeUnixNano], ['0', '0', '0']);
});
