// The real receiver process (dist/receiver.js --store DIR) killed with SIGKILL during heavy ingest: what it
// acknowledged more than a second before the kill is all there after a restart, every listed trace is whole,
// nothing is set aside as damaged; and a second receiver on the same store directory refuses to start.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { otlpRoot, TYPES } = require('../../out/src/otlp/proto.js');
const { ApiClient } = require('../../out/src/receiver/apiClient.js');

const RECEIVER = path.join(__dirname, '../../dist/receiver.js');
const TraceRequest = otlpRoot().lookupType(TYPES.traceRequest);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-crash-'));
const children = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

function startReceiver() {
  const child = spawn(process.execPath, [RECEIVER, '--store', dir, '--http-port', '0', '--grpc-port', '0', '--idle-exit-ms', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, line: JSON.parse(out.slice(0, nl)), stderr: () => err });
    });
    child.on('exit', (code) => reject(Object.assign(new Error(`receiver exited ${code}: ${err}`), { code, stderr: err })));
  });
}

const TRACES_PER_BATCH = 20;
const SPANS_PER_TRACE = 10;
function batch(no) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = [];
  for (let t = 0; t < TRACES_PER_BATCH; t++) {
    const traceId = Buffer.alloc(16);
    traceId.writeUInt32BE(no, 8);
    traceId.writeUInt32BE(t + 1, 12);
    for (let k = 0; k < SPANS_PER_TRACE; k++) {
      const spanId = Buffer.alloc(8);
      spanId.writeUInt32BE(k + 1, 4);
      spans.push({
        traceId, spanId, parentSpanId: k ? Buffer.from('0000000000000001', 'hex') : undefined, name: `op ${k}`, kind: 2,
        startTimeUnixNano: String(now + BigInt(k) * 1000n), endTimeUnixNano: String(now + BigInt(k) * 1000n + 5000n),
        attributes: [{ key: 'http.route', value: { stringValue: `/orders/${no}` } }, { key: 'code.file.path', value: { stringValue: '/app/orders.ts' } }],
      });
    }
  }
  const req = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'crash' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] };
  return Buffer.from(TraceRequest.encode(TraceRequest.fromObject(req)).finish());
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
function send(port, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const traceHex = (no, t) => `${'0'.repeat(16)}${no.toString(16).padStart(8, '0')}${(t + 1).toString(16).padStart(8, '0')}`;

test('SIGKILL during heavy ingest loses at most the last second and corrupts nothing; one receiver per store', async () => {
  const first = await startReceiver();
  const acked = new Map(); // batch no → ack time
  let next = 1;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const no = next++;
      try {
        await send(first.line.http, batch(no));
        acked.set(no, Date.now());
      } catch {
        return; // the kill
      }
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  await new Promise((r) => setTimeout(r, 2500));
  const killedAt = Date.now();
  first.child.kill('SIGKILL');
  stop = true;
  await Promise.all(workers);
  await new Promise((r) => first.child.once('exit', r));
  assert.ok(acked.size >= 10, `only ${acked.size} batches were acknowledged before the kill`);

  const second = await startReceiver();
  const api = new ApiClient({ port: second.line.api, token: second.line.token });
  try {
    const list = await api.traces();
    const listed = new Map(list.map((t) => [t.traceId, t.spanCount]));
    let lost = 0;
    for (const [no, at] of acked) {
      for (let t = 0; t < TRACES_PER_BATCH; t++) {
        const n = listed.get(traceHex(no, t));
        if (at <= killedAt - 1000) assert.equal(n, SPANS_PER_TRACE, `batch ${no} (acknowledged ${killedAt - at} ms before the kill) trace ${t}`);
        else if (n === undefined) lost++;
      }
    }
    // whatever is listed is whole and was sent
    for (const [id, n] of listed) assert.equal(n, SPANS_PER_TRACE, `trace ${id}`);
    assert.ok(list.length <= (next - 1) * TRACES_PER_BATCH);
    const h = await api.health();
    assert.equal(h.store.notice, undefined, 'nothing set aside');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('set-aside')), []);
    // a trace from the first second opens with all its spans
    const some = list[list.length - 1];
    assert.equal((await api.trace(some.traceId)).resourceSpans[0].scopeSpans[0].spans.length, SPANS_PER_TRACE);
    process.stdout.write(`# acknowledged ${acked.size} batches, ${list.length / TRACES_PER_BATCH} listed after the restart, ${lost / TRACES_PER_BATCH} of the last second lost\n`);

    // a second receiver on the same store refuses to start, and says why
    await assert.rejects(startReceiver(), (e) => e.code === 1 && /in use by another receiver \(pid \d+\)/.test(e.stderr));
  } finally {
    api.dispose();
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }
});
