const { test } = require('node:test');
const assert = require('node:assert/strict');
const { formatDuration, formatRelative, rowDescription, rowLabel } = require('../../out/src/tracelist/format.js');
const { otlpEnv, formatEnv, clientHost } = require('../../out/src/tracelist/otlpEnv.js');
const { traceMatchesAttributes, valueText } = require('../../out/src/tracelist/attributeMatch.js');
const { summary } = require('./tracelist-helpers.js');

test('durations read naturally from nanoseconds to hours', () => {
  assert.equal(formatDuration(0), '0 ms');
  assert.equal(formatDuration(0.0005), '500 ns');
  assert.equal(formatDuration(0.0123), '12.3 µs');
  assert.equal(formatDuration(0.85), '850 µs');
  assert.equal(formatDuration(1.234), '1.23 ms');
  assert.equal(formatDuration(12.34), '12.3 ms');
  assert.equal(formatDuration(340), '340 ms');
  assert.equal(formatDuration(1500), '1.5 s');
  assert.equal(formatDuration(12_345), '12.3 s');
  assert.equal(formatDuration(125_000), '2 m 5 s');
  assert.equal(formatDuration(3 * 3_600_000 + 60_000), '3 h 1 m');
  assert.equal(formatDuration(-1), '–');
  assert.equal(formatDuration(NaN), '–');
});

test('relative start times', () => {
  const now = 1_000_000_000;
  assert.equal(formatRelative(now - 1000, now), 'just now');
  assert.equal(formatRelative(now + 60_000, now), 'just now', 'clock skew into the future');
  assert.equal(formatRelative(now - 42_000, now), '42 s ago');
  assert.equal(formatRelative(now - 5 * 60_000, now), '5 min ago');
  assert.equal(formatRelative(now - 3 * 3_600_000, now), '3 h ago');
  assert.equal(formatRelative(now - 2 * 86_400_000, now), '2 d ago');
});

test('row text: name, service, duration, spans, errors, age', () => {
  const s = summary({ rootName: 'GET /cart', rootService: 'frontend', durationMs: 123, spanCount: 45, errorCount: 2, startMs: 1_000_000 });
  assert.equal(rowLabel(s), 'GET /cart');
  // the duration first, then errors and age: a narrow sidebar cuts the end of the line
  assert.equal(rowDescription(s, 1_005_000), '123 ms · 2 errors · 5 s ago · frontend · 45 spans');
  assert.equal(rowDescription({ ...s, errorCount: 0, spanCount: 1 }, 1_005_000, false), '123 ms · 5 s ago · 1 span');
  assert.equal(rowDescription({ ...s, errorCount: 1031, spanCount: 100_000 }, 1_005_000, false), '123 ms · 1,031 errors · 5 s ago · 100,000 spans');
  // a trace whose root has not arrived (a span names a parent that is not there) says so first
  assert.equal(rowDescription({ ...s, brokenParents: 1 }, 1_005_000), 'incomplete · 123 ms · 2 errors · 5 s ago · frontend · 45 spans');
  assert.equal(rowLabel({ ...s, rootName: '' }), '(root span not received)');
  assert.equal(rowLabel({ ...s, rootName: 'GET', rootTarget: '/checkout' }), 'GET /checkout');
  assert.equal(rowLabel({ ...s, rootName: '', rootTarget: '/checkout' }), '(root span not received)');
});

test('OTLP environment variables for HTTP and gRPC, with the per-signal traces endpoint', () => {
  assert.deepEqual(otlpEnv('127.0.0.1', 4318, 'http/protobuf'), [
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4318'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'http://127.0.0.1:4318/v1/traces'],
  ]);
  assert.deepEqual(otlpEnv('0.0.0.0', 5317, 'grpc'), [
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:5317'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'http://127.0.0.1:5317'],
  ]);
  assert.equal(clientHost('::'), '[::1]');
  assert.equal(clientHost('::1'), '[::1]');
  assert.equal(clientHost('localhost'), 'localhost');
});

test('environment variables written for each shell', () => {
  const vars = [['A', 'http://x:1'], ['B', "it's $x"]];
  assert.equal(formatEnv(vars, 'posix'), "export A=http://x:1\nexport B='it'\\''s $x'\n");
  assert.equal(formatEnv(vars, 'fish'), "set -gx A http://x:1\nset -gx B 'it'\\''s $x'\n");
  assert.equal(formatEnv(vars, 'powershell'), '$env:A = "http://x:1"\n$env:B = "it\'s `$x"\n');
  assert.equal(formatEnv(vars, 'cmd'), 'set "A=http://x:1"\nset "B=it\'s $x"\n');
  assert.equal(formatEnv(vars, 'dotenv'), "A=http://x:1\nB=it's $x\n");
});

test('attribute terms match span, event, resource and scope attributes of any type', () => {
  const kv = (key, value) => ({ key, value });
  const trace = {
    resourceSpans: [{
      resource: { attributes: [kv('service.name', { stringValue: 'orders' })] },
      scopeSpans: [{
        scope: { name: 's', attributes: [kv('lib.flag', { boolValue: true })] },
        spans: [{
          traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'q', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2',
          attributes: [kv('http.route', { stringValue: '/Cart/{id}' }), kv('http.status_code', { intValue: '500' }), kv('tags', { arrayValue: { values: [{ stringValue: 'x' }, { doubleValue: 1.5 }] } })],
          events: [{ timeUnixNano: '1', name: 'exception', attributes: [kv('exception.type', { stringValue: 'TimeoutError' })] }],
        }],
      }],
    }],
  };
  const m = (...terms) => traceMatchesAttributes(trace, terms.map(([key, value]) => ({ key, value })));
  assert.ok(m(['http.route', '/cart']), 'value contained, case-insensitive');
  assert.ok(m(['http.status_code', '500']));
  assert.ok(m(['service.name', 'orders']));
  assert.ok(m(['lib.flag', 'true']));
  assert.ok(m(['exception.type', 'timeout']));
  assert.ok(m(['tags', 'x,1.5']));
  assert.ok(m(['http.route', '']), 'key present');
  assert.ok(m(['http.route', '*']));
  assert.ok(!m(['http.route', '/orders']));
  assert.ok(!m(['http.method', '']));
  assert.ok(!m(['http.route', '/cart'], ['http.status_code', '200']), 'every term must match');
  assert.equal(valueText({ kvlistValue: { values: [kv('a', { intValue: '1' })] } }), 'a=1');
});

test('a trace quick pick row shows span text as typed: no $(icon) in its label, description or detail', () => {
  const { tracePickItem } = require('../../out/src/tracelist/format.js');
  const s = summary({ rootName: '$(zap) GET', rootTarget: '/$(x)', rootService: '$(rocket) cart', source: 'file', sourceName: '$(bug).json', startMs: 1_000_000 });
  const item = tracePickItem(s, 1_000_000);
  for (const field of ['label', 'description', 'detail']) assert.ok(!item[field].includes('$('), `${field}: ${item[field]}`);
  // the characters are all still there, for the eye and for the quick pick's matching
  assert.equal(item.label.replace(/\u200b/g, ''), '$(zap) GET /$(x)');
  assert.match(item.description.replace(/\u200b/g, ''), / · \$\(rocket\) cart · .* · from \$\(bug\)\.json$/);
  assert.equal(item.detail, s.traceId);
});

test('counts are grouped as en-US writes them (without Intl for whole numbers)', () => {
  const { groupDigits, plural } = require('../../out/src/tracelist/format.js');
  for (const n of [0, 1, 12, 999, 1000, 12345, 100000, 1234567, -4321, 2 ** 53 - 1, 1.5, 12345.678]) {
    assert.equal(groupDigits(n), n.toLocaleString('en-US'), String(n));
  }
  assert.equal(plural(100000, 'trace'), '100,000 traces');
  assert.equal(plural(1, 'trace'), '1 trace');
});
