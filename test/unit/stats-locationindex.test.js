// LocationIndex: windows, percentiles (exact for small windows, ±4.5% from histograms), errors, references
// to the spans behind the numbers, sliding and folding time slices, forget/clear, changed keys.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { LocationIndex, RECENT, SLICE_MS, COARSE_MS, MAX_LOCATIONS } = require('../../out/src/stats/locationIndex.js');
const { bucketOf, bucketMidNs, percentileBuckets } = require('../../out/src/stats/histogram.js');
const { locationSignal, locationKey } = require('../../out/src/source/signal.js');
const { span, exceptionEvent, epoch } = require('./source-helpers.js');

const LOC = { file: '/app/src/orders.js', line: 12, function: 'createOrder', layer: 'attributes' };
const KEY = locationKey(LOC);

/** an index whose clock we control */
function clockIndex(start = Date.now()) {
  const clock = { now: start };
  return { idx: new LocationIndex({ now: () => clock.now }), clock };
}

test('histogram buckets: monotonic, ±4.5% around the mid', () => {
  let prev = -1;
  for (const ns of [0, 999, 1000, 1500, 1e6, 12.3e6, 1e9, 3600e9, 1e15]) {
    const b = bucketOf(ns);
    assert.ok(b >= prev);
    prev = b;
    if (ns >= 1000 && ns < 3000e9) assert.ok(Math.abs(bucketMidNs(b) - ns) / ns < 0.046, `${ns}`);
  }
  assert.equal(bucketOf(-5), 0);
  assert.equal(bucketOf(NaN), 0);
  assert.deepEqual(percentileBuckets([0, 2, 0, 2], 4, [0.5, 0.95]), [1, 3]);
});

test('small windows are exact: every call is among the recent ones', () => {
  const idx = new LocationIndex();
  const durations = [5, 7, 9, 11, 13, 15, 17, 19, 21, 100];
  for (const ms of durations) idx.record(span({ ms, attrs: [] }), LOC, epoch);
  const [s] = idx.query().locations;
  assert.equal(s.key, KEY);
  assert.equal(s.calls, 10);
  assert.equal(s.exact, true);
  assert.ok(Math.abs(s.p50Ms - 13) < 1e-6, String(s.p50Ms));
  assert.ok(Math.abs(s.p95Ms - 100) < 1e-6);
  assert.ok(Math.abs(s.maxMs - 100) < 1e-6);
  assert.equal(s.slowest.durationMs, 100);
  assert.equal(s.recent.length, 10);
  assert.equal(s.recent[0].durationMs, 100, 'newest first');
  assert.equal(s.file, '/app/src/orders.js');
  assert.equal(s.function, 'createOrder');
});

test('busy windows come from the histogram, within 4.5%', () => {
  const idx = new LocationIndex();
  const n = 2000;
  for (let i = 1; i <= n; i++) idx.record(span({ ms: i * 0.5 }), LOC, epoch); // 0.5 … 1000 ms uniform
  const [s] = idx.query({ detail: false }).locations;
  assert.equal(s.calls, n);
  assert.equal(s.exact, false);
  assert.ok(Math.abs(s.p50Ms - 500) / 500 < 0.046, String(s.p50Ms));
  assert.ok(Math.abs(s.p95Ms - 950) / 950 < 0.046, String(s.p95Ms));
  assert.equal(s.maxMs, 1000);
  assert.equal(s.slowest.durationMs, 1000);
  assert.equal(s.recent, undefined, 'detail=false leaves out recent calls');
});

test('errors: counts, latest failing span, last message and throw frame', () => {
  const idx = new LocationIndex();
  const stack = 'Error: out of stock\n    at reserve (/app/src/stock.js:31:11)\n    at createOrder (/app/src/orders.js:14:3)';
  idx.record(span({ ms: 3 }), LOC, epoch);
  const bad1 = span({ ms: 4, status: 2, agoMs: 10, events: [exceptionEvent(stack, 'first')] });
  const bad2 = span({ ms: 5, status: 2, events: [exceptionEvent(stack, 'out of stock', 'StockError')] });
  idx.record(bad2, LOC, epoch);
  idx.record(bad1, LOC, epoch); // arrives later but ended earlier: bad2 stays the latest
  const [s] = idx.query().locations;
  assert.equal(s.errors, 2);
  assert.equal(s.latestError.spanId, bad2.spanId);
  assert.equal(s.lastError.message, 'out of stock');
  assert.equal(s.lastError.type, 'StockError');
  assert.deepEqual(s.lastError.throwFrame, { file: '/app/src/stock.js', line: 31, column: 11, function: 'reserve' });
  assert.equal(s.lastError.userFrames.length, 2);
  assert.equal(s.lastError.stacktrace, undefined, 'stack text stays in the span (answers stay small)');
  // status message when there is no exception event
  const idx2 = new LocationIndex();
  idx2.record(span({ status: 2, message: 'upstream 503' }), LOC, epoch);
  assert.equal(idx2.query().locations[0].lastError.message, 'upstream 503');
  assert.equal(idx2.query().locations[0].lastError.throwFrame, null);
});

test('windows: last N minutes vs all; the window slides as time passes', () => {
  const { idx, clock } = clockIndex();
  const t0 = clock.now;
  // 40 calls 20 minutes ago (slow), 40 calls now (fast)
  for (let i = 0; i < 40; i++) idx.record(span({ ms: 200, agoMs: Date.now() - (t0 - 20 * 60_000) }), LOC, epoch);
  for (let i = 0; i < 40; i++) idx.record(span({ ms: 10, agoMs: Date.now() - t0, status: i === 0 ? 2 : 0 }), LOC, epoch);
  const all = idx.query().locations[0];
  assert.equal(all.calls, 80);
  const last5 = idx.query({ sinceMs: t0 - 5 * 60_000 }).locations[0];
  assert.equal(last5.calls, 40);
  assert.equal(last5.errors, 1);
  assert.ok(Math.abs(last5.p95Ms - 10) / 10 < 0.05);
  assert.equal(last5.slowest.durationMs, 10);
  const last30 = idx.query({ sinceMs: t0 - 30 * 60_000 }).locations[0];
  assert.equal(last30.calls, 80);
  assert.equal(last30.slowest.durationMs, 200);
  // time passes: 6 minutes later nothing is in the last 5 minutes, and the location is left out
  clock.now = t0 + 6 * 60_000;
  assert.equal(idx.query({ sinceMs: clock.now - 5 * 60_000 }).locations.length, 0);
  // the error happened before the window: no latest failing span in it
  clock.now = t0;
  const old = idx.query({ sinceMs: t0 - 30 * 60_000, keys: [KEY] }).locations[0];
  assert.equal(old.errors, 1);
  // alternating windows (session vs last 5 minutes) keep giving the same answers
  for (let i = 0; i < 5; i++) {
    assert.equal(idx.query({ sinceMs: t0 - 5 * 60_000 }).locations[0].calls, 40);
    assert.equal(idx.query({ sinceMs: t0 - 25 * 60_000 }).locations[0].calls, 80);
    assert.equal(idx.query({ sinceMs: t0 - 1 * 60_000 }).locations[0].calls, 40);
  }
});

test('sliding accumulators agree with a fresh index at every step (randomised)', () => {
  const { idx, clock } = clockIndex();
  const t0 = clock.now;
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const calls = [];
  for (let step = 0; step < 60; step++) {
    clock.now = t0 + step * 7_000;
    for (let i = 0; i < 20; i++) {
      const s = span({ ms: 1 + rnd() * 50, agoMs: Date.now() - clock.now + rnd() * 30_000, status: rnd() < 0.1 ? 2 : 0 });
      idx.record(s, LOC, epoch);
      calls.push(s);
    }
    const sinceMs = clock.now - (1 + Math.floor(rnd() * 4)) * 60_000;
    const got = idx.query({ sinceMs, detail: false }).locations[0];
    const ws = Math.floor(sinceMs / SLICE_MS) * SLICE_MS;
    const inWin = calls.filter((s) => epoch.toUnixMs(s.end) >= ws);
    assert.equal(got?.calls ?? 0, inWin.length, `step ${step}`);
    assert.equal(got?.errors ?? 0, inWin.filter((s) => s.statusCode === 2).length);
    if (got) assert.equal(got.maxMs, Math.max(...inWin.map((s) => (s.end - s.start) / 1e6)));
  }
});

test('old slices fold into 10-minute slices; windows older than an hour still add up', () => {
  const { idx, clock } = clockIndex();
  const t0 = clock.now;
  // one call every minute for 3 hours, recorded live
  for (let m = 0; m < 180; m++) {
    clock.now = t0 + m * 60_000;
    idx.record(span({ ms: 10 + m, agoMs: Date.now() - clock.now }), LOC, epoch);
  }
  const now = clock.now;
  assert.equal(idx.query().locations[0].calls, 180);
  const times = Array.from({ length: 180 }, (_, m) => t0 + m * 60_000);
  const r30 = idx.query({ sinceMs: now - 30 * 60_000 + 1 });
  assert.equal(r30.windowStartMs % SLICE_MS, 0);
  assert.equal(r30.locations[0].calls, times.filter((t) => t >= r30.windowStartMs).length);
  assert.ok(r30.locations[0].calls === 30 || r30.locations[0].calls === 31);
  // 2 hours back is in the folded part: aligned to 10 minutes, never loses or double counts
  const r = idx.query({ sinceMs: now - 120 * 60_000 });
  const expect = times.filter((t) => t >= r.windowStartMs).length;
  assert.equal(r.locations[0].calls, expect);
  assert.equal(r.windowStartMs % COARSE_MS, 0);
});

test('forget undoes record exactly and drops references to the span', () => {
  const idx = new LocationIndex();
  const spans = [];
  for (let i = 1; i <= 50; i++) {
    const s = span({ ms: i, status: i === 50 ? 2 : 0 });
    spans.push(s);
    idx.record(s, LOC, epoch);
  }
  idx.takeChangedKeys();
  const slowest = spans[49];
  idx.forget(slowest, LOC, epoch);
  const [s] = idx.query().locations;
  assert.equal(s.calls, 49);
  assert.equal(s.errors, 0);
  assert.notEqual(s.slowest?.spanId, slowest.spanId);
  assert.equal(s.latestError, null);
  assert.ok(!s.recent.some((c) => c.spanId === slowest.spanId));
  assert.ok(s.maxMs <= 49.0001);
  assert.deepEqual(idx.takeChangedKeys(), [KEY]);
  for (const x of spans.slice(0, 49)) idx.forget(x, LOC, epoch);
  assert.equal(idx.query().locations.length, 0);
  assert.equal(idx.size, 0);
});

test('clear drops everything; changed keys are reported once', () => {
  const idx = new LocationIndex();
  const other = { file: '/app/b.js', line: 1, layer: 'attributes' };
  idx.record(span(), LOC, epoch);
  idx.record(span(), other, epoch);
  idx.record(span(), LOC, epoch);
  assert.deepEqual(idx.takeChangedKeys().sort(), [KEY, locationKey(other)].sort());
  assert.deepEqual(idx.takeChangedKeys(), []);
  idx.clear();
  assert.equal(idx.size, 0);
  assert.deepEqual(idx.query().locations, []);
  assert.deepEqual(idx.takeChangedKeys(), []);
});

test('keys filter, services, recent ring bounded, JSON only', () => {
  const idx = new LocationIndex();
  for (let i = 0; i < RECENT + 10; i++) idx.record(span({ service: i % 2 ? 'api' : 'worker' }), LOC, epoch);
  idx.record(span(), { file: '/x.js', line: 2, layer: 'attributes' }, epoch);
  const r = idx.query({ keys: [KEY, 'nope'] });
  assert.equal(r.locations.length, 1);
  assert.deepEqual(r.locations[0].services.sort(), ['api', 'worker']);
  assert.ok(r.locations[0].recent.length <= 10);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

test('the index stays bounded under hostile cardinality', () => {
  const idx = new LocationIndex();
  for (let i = 0; i < MAX_LOCATIONS + 5; i++) idx.record(span(), { file: '/a.js', line: i + 1, layer: 'attributes' }, epoch);
  assert.equal(idx.size, MAX_LOCATIONS);
  assert.equal(idx.droppedLocations, 5);
  assert.equal(idx.query({ detail: false }).droppedLocations, 5);
});

test('at ingest: locationSignal + record together, as the store calls them', () => {
  const idx = new LocationIndex();
  const s = span({ attrs: ['code.file.path', '/app/src/orders.js', 'code.line.number', 12n, 'code.function.name', 'createOrder'] });
  const loc = locationSignal(s);
  idx.record(s, loc, epoch);
  assert.equal(idx.query().locations[0].key, KEY);
});

test('an error without exception or message says what the span says (HTTP client spans)', () => {
  const idx = new LocationIndex();
  idx.record(span({ name: 'POST', status: 2, attrs: ['http.response.status_code', 502n, 'error.type', '502'] }), LOC, epoch);
  const e = idx.query().locations[0].lastError;
  assert.equal(e.type, '');
  assert.equal(e.message, 'POST: HTTP 502');
  const idx3 = new LocationIndex();
  idx3.record(span({ name: 'db.query', status: 2, attrs: ['error.type', 'timeout'] }), LOC, epoch);
  assert.equal(idx3.query().locations[0].lastError.type, 'timeout');
  const idx2 = new LocationIndex();
  idx2.record(span({ name: 'work', status: 2 }), LOC, epoch);
  assert.equal(idx2.query().locations[0].lastError.message, 'work failed (no message)');
});

test('an unchanged location answers with the same object; anything that changes it gives a new answer', () => {
  const { idx, clock } = clockIndex();
  const t0 = clock.now;
  const a = span({ ms: 10, agoMs: 0 });
  idx.record(a, LOC, epoch);
  idx.record(span({ ms: 30, agoMs: 0 }), LOC, epoch);
  const q = (o = {}) => idx.query({ sinceMs: t0 - 5 * 60_000, keys: [KEY], detail: false, ...o }).locations[0];
  const first = q();
  assert.equal(q(), first, 'nothing changed: the same answer');
  const detailed = q({ detail: true });
  assert.notEqual(detailed, first, 'with detail: another answer');
  assert.ok(Array.isArray(detailed.recent) && !('recent' in first));
  assert.deepEqual(q(), first, 'and back: the same figures');
  assert.notEqual(q({ sinceMs: t0 - 30 * 60_000 }), first, 'another window');
  idx.record(span({ ms: 50, agoMs: 0 }), LOC, epoch);
  const third = q();
  assert.notEqual(third, first);
  assert.equal(third.calls, 3);
  idx.forget(a, LOC, epoch);
  const afterForget = q();
  assert.notEqual(afterForget, third);
  assert.equal(afterForget.calls, 2);
  idx.clear();
  assert.equal(idx.query({ keys: [KEY] }).locations.length, 0);
});

test('an error without an exception is named the way the trace list names the span ("GET /stock", not "GET")', () => {
  const idx = new LocationIndex();
  idx.record(span({ name: 'GET', status: 2, attrs: ['http.route', '/stock', 'http.response.status_code', 502] }), LOC, epoch);
  const [s] = idx.query().locations;
  assert.equal(s.lastError.message, 'GET /stock: HTTP 502');
  assert.deepEqual(s.operations, ['GET /stock']);
});

test('a location lists the operations seen there, each once, as the trace list labels them', () => {
  const idx = new LocationIndex();
  idx.record(span({ name: 'frontend.report' }), LOC, epoch);
  idx.record(span({ name: 'GET', attrs: ['url.path', '/orders/report'] }), LOC, epoch);
  idx.record(span({ name: 'frontend.report' }), LOC, epoch);
  const [s] = idx.query().locations;
  assert.deepEqual(s.operations, ['frontend.report', 'GET /orders/report']);
});
