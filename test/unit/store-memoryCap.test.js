// The store's memory cap holds whatever shape the bytes come in: a receiver process with a 16 MiB cap is
// sent 80 MiB per shape (huge span names, attribute keys, resource and scope attributes, event names, values
// nested deeper than 8 levels, strings of two-byte characters) and its resident memory must stay within the
// cap plus a fixed overhead. Before every byte was counted, each shape slipped past the estimate.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { otlpRoot, TYPES } = require('../../out/src/otlp/proto.js');
const { estimateSpanBytes } = require('../../out/src/store/sizeEstimate.js');
const { KvList } = require('../../out/src/model/span.js');
const { post } = require('./_receiverHelpers.js');

const TraceRequest = otlpRoot().lookupType(TYPES.traceRequest);
const RECEIVER = path.join(__dirname, '../../dist/receiver.js');
const CAP = 16 * 1024 * 1024;
/** what the process needs besides the store: code, V8's young generation, buffers of requests in flight */
const OVERHEAD = 96 * 1024 * 1024;
const BIG = 2 * 1024 * 1024;
const REQUESTS = 40;

let child;
let httpPort;
let baseline;

function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}

before(async () => {
  child = spawn(process.execPath, ['--max-old-space-size=512', RECEIVER, '--http-port', '0', '--grpc-port', '0', '--max-bytes', String(CAP), '--max-body', String(8 * BIG), '--idle-exit-ms', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.resume();
  const line = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.on('exit', (code) => reject(new Error(`receiver exited ${code}`)));
  });
  httpPort = line.http;
  await send(0, (s) => s);
  baseline = rssBytes(child.pid);
});

after(() => {
  child?.kill('SIGKILL');
});

let nextTrace = 1;
function send(k, shape) {
  const traceId = Buffer.alloc(16);
  traceId.writeUInt32BE(nextTrace++, 12);
  const now = BigInt(Date.now()) * 1000000n;
  const s = { traceId, spanId: Buffer.from('0000000000000001', 'hex'), name: 'op', kind: 2, startTimeUnixNano: now.toString(), endTimeUnixNano: (now + 1000n).toString() };
  const rs = { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'memcap' } }] }, scopeSpans: [{ scope: { name: 'scope' }, spans: [s] }] };
  shape(rs, s, k);
  const body = Buffer.from(TraceRequest.encode(TraceRequest.fromObject({ resourceSpans: [rs] })).finish());
  return post(httpPort, '/v1/traces', body, { 'content-type': 'application/x-protobuf' }).then((r) => assert.equal(r.status, 200, r.body.toString()));
}

/** a distinct big string per request, so that nothing is shared between requests */
const big = (k, ch = 'x') => `${k}:`.padEnd(BIG, ch);
const str = (v) => ({ stringValue: v });
function nested(levels, leaf) {
  let v = str(leaf);
  for (let i = 0; i < levels; i++) v = { kvlistValue: { values: [{ key: `l${i}`, value: v }] } };
  return v;
}

const SHAPES = {
  'span names': (rs, s, k) => (s.name = big(k)),
  'attribute keys': (rs, s, k) => (s.attributes = [{ key: big(k), value: str('v') }]),
  'resource attributes': (rs, s, k) => rs.resource.attributes.push({ key: 'big', value: str(big(k)) }),
  'scope attributes': (rs, s, k) => (rs.scopeSpans[0].scope.attributes = [{ key: 'big', value: str(big(k)) }]),
  'event names': (rs, s, k) => (s.events = [{ timeUnixNano: s.startTimeUnixNano, name: big(k) }]),
  'values nested 20 deep': (rs, s, k) => (s.attributes = [{ key: 'deep', value: nested(20, big(k)) }]),
  'two-byte characters': (rs, s, k) => (s.attributes = [{ key: 'wide', value: str(big(k, '\u0101').slice(0, BIG / 2)) }]),
};

for (const [name, shape] of Object.entries(SHAPES)) {
  test(`${name}: resident memory stays within the cap plus a fixed overhead`, async () => {
    for (let k = 0; k < REQUESTS; k++) await send(k, shape);
    const grown = rssBytes(child.pid) - baseline;
    assert.ok(grown <= CAP + OVERHEAD, `RSS grew by ${Math.round(grown / 1048576)} MiB after ${Math.round((REQUESTS * BIG) / 1048576)} MiB of ${name}; cap ${CAP / 1048576} MiB + ${OVERHEAD / 1048576} MiB`);
  });
}

test('the estimate counts a span name, keys, event names and nested values in full', () => {
  const base = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: '', traceState: '', flags: 0, name: 'op', kind: 0, start: 0, end: 1, attrs: [], droppedAttributesCount: 0, events: null, droppedEventsCount: 0, links: null, droppedLinksCount: 0, statusCode: 0, statusMessage: '', resource: null, scope: null };
  const M = 1 << 20;
  const long = 'n'.repeat(M);
  assert.ok(estimateSpanBytes({ ...base, name: long }) >= M);
  assert.ok(estimateSpanBytes({ ...base, attrs: [long, 'v'] }) >= M);
  assert.ok(estimateSpanBytes({ ...base, events: [{ time: 0, name: long, attrs: [], droppedAttributesCount: 0 }] }) >= M);
  let v = long;
  for (let i = 0; i < 20; i++) v = new KvList(['k', v]);
  assert.ok(estimateSpanBytes({ ...base, attrs: ['deep', v] }) >= M);
  assert.ok(estimateSpanBytes({ ...base, attrs: ['wide', '\u0101'.repeat(M)] }) >= 2 * M, 'two bytes per character beyond Latin-1');
});
