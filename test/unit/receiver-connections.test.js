// Connection limits on every port: idle and half-open connections are closed (HTTP/1 and gRPC's HTTP/2),
// each port caps its connections, and the query API keeps answering while the OTLP ports are flooded.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const http2 = require('node:http2');
const { startTestReceiver, post } = require('./_receiverHelpers.js');

const LIMITS = { maxConnections: 20, headersTimeoutMs: 400, idleTimeoutMs: 600 };
let rx;
before(async () => {
  rx = await startTestReceiver({ otlpLimits: LIMITS, apiLimits: { ...LIMITS, maxConnections: 40 } });
});
after(async () => {
  await rx.close();
});

/** opens a socket that sends nothing; resolves when connected, with a promise of its close */
function idleSocket(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.resume(); // reads, so that the server's FIN is seen
    const closed = new Promise((r) => s.on('close', () => r(Date.now())));
    s.on('error', () => undefined);
    s.once('connect', () => resolve({ s, closed }));
    s.once('error', reject);
  });
}

const within = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(() => r(undefined), ms))]);

test('an HTTP/2 session that never makes a call, and one left idle after a call, are closed', async () => {
  const silent = http2.connect(`http://127.0.0.1:${rx.grpcPort}`);
  silent.on('error', () => undefined);
  const silentClosed = new Promise((r) => silent.on('close', r));
  assert.ok(await within(silentClosed.then(() => true), 4000), 'a session without calls is closed after the head deadline');

  const idle = http2.connect(`http://127.0.0.1:${rx.grpcPort}`);
  idle.on('error', () => undefined);
  const idleClosed = new Promise((r) => idle.on('close', r));
  await new Promise((resolve) => {
    const st = idle.request({ ':method': 'POST', ':path': '/nothing', 'content-type': 'text/plain' });
    st.on('error', () => undefined);
    st.on('close', resolve);
    st.resume();
    st.end();
  });
  assert.ok(await within(idleClosed.then(() => true), 4000), 'an idle session is closed after the idle deadline');
});

test('a socket that sends nothing is closed on the OTLP/HTTP and gRPC ports', async () => {
  const a = await idleSocket(rx.httpPort);
  const b = await idleSocket(rx.grpcPort);
  assert.ok(await within(a.closed, 4000), 'OTLP/HTTP closed the silent socket');
  assert.ok(await within(b.closed, 4000), 'OTLP/gRPC closed the silent socket');
});

test('each OTLP port caps its connections, and the query API answers meanwhile', async () => {
  // deadlines far away: every socket closed during this test was refused by the cap, whatever the machine's load
  const capped = await startTestReceiver({ otlpLimits: { ...LIMITS, headersTimeoutMs: 120_000, idleTimeoutMs: 120_000 }, apiLimits: { ...LIMITS, maxConnections: 40 } });
  try {
    const flood = [];
    for (let i = 0; i < 60; i++) flood.push(idleSocket(capped.grpcPort), idleSocket(capped.httpPort));
    const socks = await Promise.all(flood.map((p) => p.catch(() => undefined)));
    const refused = () => socks.filter((x) => !x || x.s.destroyed || x.s.readyState === 'closed').length;
    const want = 120 - 2 * LIMITS.maxConnections;
    for (let waited = 0; refused() < want && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.ok(refused() >= want, `only ${refused()} of 120 sockets over a cap of ${LIMITS.maxConnections} per port were refused`);
    const h = await capped.api.health();
    assert.equal(h.api, capped.r.apiPort, 'the query API answers while the OTLP ports are flooded');
    for (const x of socks) x?.s.destroy();
    // and the OTLP port serves again once the flood is gone
    const r = await waitForPost(capped.httpPort);
    assert.equal(r.status, 200);
  } finally {
    await capped.close();
  }
});

/** a POST that succeeds once the port has seen the flood's sockets go (their closing is asynchronous) */
async function waitForPost(port) {
  for (let i = 0; ; i++) {
    try {
      return await post(port, '/v1/traces', Buffer.from('{}'), { 'content-type': 'application/json' });
    } catch (e) {
      if (i >= 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
