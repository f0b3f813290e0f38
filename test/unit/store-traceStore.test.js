// TraceStore: assembly in any arrival order, summaries, duplicates, orphans/self-parents/cycles, deep
// chains, eviction (spans, bytes, pinned), logs linking, events, exact nanoseconds, the location hook.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { TraceStore } = require('../../out/src/store/traceStore.js');
const { EpochNs } = require('../../out/src/model/time.js');
const { LocationIndex } = require('../../out/src/stats/locationIndex.js');
const { decodeTracesJson } = require('../../out/src/otlp/jsonDecode.js');

const EPOCH = new EpochNs(1_700_000_000);
const RES = { attrs: ['service.name', 'api'], serviceName: 'api', droppedAttributesCount: 0, schemaUrl: '' };
const RES2 = { attrs: ['service.name', 'db'], serviceName: 'db', droppedAttributesCount: 0, schemaUrl: '' };
const SCOPE = { name: 's', version: '', attrs: [], droppedAttributesCount: 0, schemaUrl: '' };

function tid(n) {
  return n.toString(16).padStart(32, '0');
}
function sid(n) {
  return n.toString(16).padStart(16, '0');
}
function span(trace, id, parent, start, end, extra = {}) {
  return {
    traceId: tid(trace), spanId: sid(id), parentSpanId: parent ? sid(parent) : '', traceState: '', flags: 0, name: `op${id}`, kind: 1,
    start, end, attrs: [], droppedAttributesCount: 0, events: null, droppedEventsCount: 0, links: null, droppedLinksCount: 0,
    statusCode: 0, statusMessage: '', resource: RES, scope: SCOPE, ...extra,
  };
}
function log(trace, id, body, extra = {}) {
  return { time: 5, severityNumber: 9, severityText: 'INFO', body, attrs: [], traceId: trace ? tid(trace) : '', spanId: id ? sid(id) : '', eventName: '', observedTime: NaN, flags: 0, droppedAttributesCount: 0, resource: RES, scope: SCOPE, ...extra };
}

test('children before parents, one trace over many batches and services', () => {
  const store = new TraceStore({ epoch: EPOCH });
  store.addSpans([span(1, 3, 2, 300, 400, { resource: RES2 })]);
  store.addSpans([span(1, 2, 1, 200, 500)]);
  let s = store.summary(tid(1));
  assert.equal(s.brokenParents, 1, 'span 2 waits for its parent');
  store.addSpans([span(1, 1, 0, 100, 900, { name: 'GET /' })]);
  s = store.summary(tid(1));
  assert.equal(s.spanCount, 3);
  assert.equal(s.rootName, 'GET /');
  assert.equal(s.rootService, 'api');
  assert.deepEqual(s.services.sort(), ['api', 'db']);
  assert.equal(s.brokenParents, 0);
  assert.equal(s.startTimeUnixNano, '1700000000000000100');
  assert.equal(s.durationNano, '800');
  assert.deepEqual(store.spans(tid(1)).map((x) => x.spanId), [sid(3), sid(2), sid(1)], 'arrival order');
  assert.deepEqual(store.traceIdsForService('db'), [tid(1)]);
});

test('summaries newest first; error counts', () => {
  const store = new TraceStore({ epoch: EPOCH });
  store.addSpans([span(1, 1, 0, 100, 200), span(2, 1, 0, 5000, 6000, { statusCode: 2 }), span(3, 1, 0, 1000, 2000)]);
  const list = store.summaries();
  assert.deepEqual(list.map((x) => x.traceId), [tid(2), tid(3), tid(1)]);
  assert.equal(list[0].errorCount, 1);
  assert.equal(list[1].errorCount, 0);
});

test('duplicate rule: exact re-send dropped, different span with same id kept', () => {
  const store = new TraceStore({ epoch: EPOCH });
  store.addSpans([span(1, 1, 0, 100, 200), span(1, 2, 1, 110, 150)]);
  const r = store.addSpans([span(1, 2, 1, 110, 150)]);
  assert.equal(r.duplicates, 1);
  assert.equal(r.added, 0);
  assert.equal(store.spans(tid(1)).length, 2);
  const r2 = store.addSpans([span(1, 2, 1, 120, 190, { name: 'other' })]);
  assert.equal(r2.added, 1);
  assert.equal(store.spans(tid(1)).length, 3);
  // big traces (id map) follow the same rule
  const many = [];
  for (let i = 1; i <= 100; i++) many.push(span(9, i, i > 1 ? 1 : 0, i, i + 10));
  store.addSpans(many);
  assert.equal(store.addSpans(many.slice(40, 60).map((s) => ({ ...s }))).duplicates, 20);
  assert.equal(store.spans(tid(9)).length, 100);
});

test('orphans, self-parents and cycles are kept and counted; never loop', () => {
  const store = new TraceStore({ epoch: EPOCH });
  store.addSpans([
    span(1, 1, 77, 100, 200), // orphan
    span(1, 2, 2, 100, 200), // self parent
    span(1, 3, 4, 100, 200), span(1, 4, 5, 110, 200), span(1, 5, 3, 120, 200), // cycle 3→4→5→3
  ]);
  const s = store.summary(tid(1));
  assert.equal(s.spanCount, 5);
  assert.equal(s.brokenParents, 5);
  assert.ok(store.toOtlp(tid(1)).resourceSpans[0].scopeSpans[0].spans.length === 5);
});

test('a 10,000-deep parent chain (any order) is assembled without recursion', () => {
  const store = new TraceStore({ epoch: EPOCH });
  const spans = [];
  for (let i = 1; i <= 10_000; i++) spans.push(span(1, i, i - 1, i, 20_000 - i));
  spans.reverse(); // deepest first
  store.addSpans(spans);
  const s = store.summary(tid(1));
  assert.equal(s.spanCount, 10_000);
  assert.equal(s.brokenParents, 0);
  assert.equal(s.rootName, 'op1');
  const otlp = store.toOtlp(tid(1));
  assert.equal(otlp.resourceSpans[0].scopeSpans[0].spans.length, 10_000);
});

test('eviction by span count: whole oldest traces first, pinned never, event tells the user', () => {
  const store = new TraceStore({ epoch: EPOCH, maxSpans: 10, eventIntervalMs: 5 });
  const events = [];
  store.onChange((e) => events.push(e));
  for (let t = 1; t <= 3; t++) store.addSpans([span(t, 1, 0, t, t + 1), span(t, 2, 1, t, t + 1), span(t, 3, 1, t, t + 1)]);
  store.pin(tid(1), true);
  store.flush();
  assert.equal(store.stats().evicting, false);
  store.addSpans([span(4, 1, 0, 4, 5), span(4, 2, 1, 4, 5), span(4, 3, 1, 4, 5)]);
  const st = store.stats();
  assert.equal(st.spans, 9);
  assert.equal(st.traces, 3);
  assert.equal(st.evictedTraces, 1);
  assert.equal(st.evicting, true);
  assert.ok(store.spans(tid(1)), 'pinned trace kept');
  assert.equal(store.spans(tid(2)), undefined, 'oldest unpinned trace evicted whole');
  assert.ok(store.spans(tid(3)) && store.spans(tid(4)));
  store.flush();
  const stats = events.filter((e) => e.type === 'stats').pop();
  assert.equal(stats.evicting, true);
  const tr = events.filter((e) => e.type === 'traces').pop();
  assert.deepEqual(tr.removed, [tid(2)]);
  assert.ok(tr.upserted.some((x) => x.traceId === tid(4)));
});

test('one trace may hold half the caps: its further spans are refused and counted, the other traces stay', () => {
  const overs = [];
  const store = new TraceStore({ epoch: EPOCH, maxSpans: 10, onTraceOverLimits: (id, n) => overs.push([id, n]) });
  store.addSpans([1, 2, 3, 4, 5].map((i) => span(1, i, i === 1 ? 0 : 1, 1, 2)));
  // one 12-span trace: it keeps its first 5 spans (half of 10), the other 7 are refused, trace 1 stays
  const big = store.addSpans(Array.from({ length: 12 }, (_, i) => span(2, i + 1, i ? 1 : 0, 3, 4)));
  assert.equal(big.added, 5);
  assert.equal(big.refused, 7);
  assert.equal(big.evicted, undefined);
  assert.equal(store.spans(tid(2)).length, 5, 'what it had received stays');
  assert.equal(store.spans(tid(1)).length, 5, 'the older trace stays');
  assert.equal(store.summary(tid(2)).refusedSpans, 7, 'its summary says so');
  assert.deepEqual(overs, [[tid(2), 5]], 'said once');
  // more of it later: refused too, counted on
  assert.equal(store.addSpans([span(2, 20, 1, 3, 4)]).refused, 1);
  assert.equal(store.summary(tid(2)).refusedSpans, 8);
  assert.equal(overs.length, 1);
  // a new trace pushes the oldest out as usual
  const next = store.addSpans(Array.from({ length: 4 }, (_, i) => span(3, i + 1, i ? 1 : 0, 5, 6)));
  assert.equal(next.added, 4);
  assert.equal(store.spans(tid(1)), undefined, '5 + 5 + 4 is over 10: the oldest goes');
  assert.equal(store.stats().spans, 9);
});

test('a first span over the caps on its own: its trace goes at once (and says so), older traces stay', () => {
  const store = new TraceStore({ epoch: EPOCH, maxBytes: 50_000 });
  store.addSpans([span(1, 1, 0, 1, 2)]);
  const huge = store.addSpans([span(2, 1, 0, 3, 4, { attrs: ['payload', 'x'.repeat(60_000)] })]);
  assert.equal(huge.evicted, 1);
  assert.equal(store.spans(tid(2)), undefined);
  assert.equal(store.spans(tid(1)).length, 1, 'nothing was evicted to make room that could not be made');
  assert.equal(store.addSpans([span(5, 1, 0, 7, 8)]).evicted, undefined);
});

test('eviction by bytes', () => {
  const store = new TraceStore({ epoch: EPOCH, maxBytes: 200_000 });
  const big = 'x'.repeat(2000);
  for (let t = 1; t <= 200; t++) store.addSpans([span(t, 1, 0, t, t + 1, { attrs: ['payload', big + t] })]);
  const st = store.stats();
  assert.ok(st.approxBytes <= 200_000, `approxBytes ${st.approxBytes}`);
  assert.ok(st.evictedTraces > 100);
  assert.ok(store.spans(tid(200)), 'the newest trace is kept');
  assert.equal(store.spans(tid(1)), undefined);
});

test('logs are linked to spans whichever arrives first; unlinked logs kept; eviction drops a trace\'s logs', () => {
  const store = new TraceStore({ epoch: EPOCH });
  store.addLogs([log(1, 2, 'before span'), log(0, 0, 'no trace')]);
  assert.equal(store.summary(tid(1)), undefined, 'logs alone do not make a trace');
  assert.equal(store.stats().traces, 0);
  store.addSpans([span(1, 1, 0, 1, 10), span(1, 2, 1, 2, 9)]);
  store.addLogs([log(1, 2, 'after span'), log(1, 1, 'root log')]);
  assert.deepEqual(store.logsForSpan(tid(1), sid(2)).map((l) => l.body), ['before span', 'after span']);
  const d = store.spanDetail(tid(1), sid(2));
  assert.deepEqual(d.logs.map((l) => l.body.stringValue), ['before span', 'after span']);
  assert.equal(store.stats().logs, 4);
  store.remove(tid(1));
  assert.equal(store.stats().logs, 1);
  assert.equal(store.stats().spans, 0);
});

test('events are coalesced per interval', async () => {
  const store = new TraceStore({ epoch: EPOCH, eventIntervalMs: 30 });
  const events = [];
  store.onChange((e) => events.push(e));
  for (let i = 1; i <= 50; i++) store.addSpans([span(i, 1, 0, i, i + 1)]);
  assert.equal(events.length, 0, 'nothing emitted synchronously');
  await new Promise((r) => setTimeout(r, 80));
  const traces = events.filter((e) => e.type === 'traces');
  assert.equal(traces.length, 1);
  assert.equal(traces[0].upserted.length, 50);
  assert.equal(events.filter((e) => e.type === 'stats').length, 1);
  store.clear();
  assert.equal(events.at(-1).type, 'cleared');
  assert.equal(store.stats().spans, 0);
});

test('exact nanoseconds: sub-microsecond durations neither jitter nor go negative', () => {
  const epoch = EpochNs.now();
  const store = new TraceStore({ epoch });
  const base = BigInt(epoch.sec) * 1_000_000_000n + 123_456_789n;
  const spans = [];
  for (let i = 0; i < 50; i++) {
    const start = base + BigInt(i * 1000);
    spans.push({ traceId: tid(1), spanId: sid(i + 1), parentSpanId: i ? sid(1) : '', name: 'op', kind: 1, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1n + BigInt(i % 3)) });
  }
  const batch = decodeTracesJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }), store.epoch);
  store.addSpans(batch.spans);
  const out = store.spans(tid(1));
  for (let i = 0; i < 50; i++) assert.equal(out[i].end - out[i].start, 1 + (i % 3), `span ${i}`);
  const otlp = store.toOtlp(tid(1)).resourceSpans[0].scopeSpans[0].spans;
  for (let i = 0; i < 50; i++) assert.equal(otlp[i].startTimeUnixNano, spans[i].startTimeUnixNano);
  assert.equal(store.summary(tid(1)).startTimeUnixNano, String(base));
});

test('location hook: located spans are recorded in the LocationIndex; eviction forgets them', () => {
  const index = new LocationIndex();
  const store = new TraceStore({ epoch: EpochNs.now(), locationIndex: index, maxSpans: 2 });
  const located = (t) => span(t, 1, 0, 0, 1_000_000, { attrs: ['code.file.path', '/app/src/a.ts', 'code.line.number', 12n, 'code.function.name', 'handle'] });
  store.addSpans([located(1)]);
  let q = index.query({});
  assert.equal(q.locations.length, 1);
  assert.equal(q.locations[0].calls, 1);
  assert.equal(q.locations[0].file, '/app/src/a.ts');
  store.addSpans([located(2)]);
  store.addSpans([located(3)]); // evicts trace 1
  q = index.query({});
  const total = q.locations.reduce((n, l) => n + l.calls, 0);
  assert.equal(total, 2);
});

test('pin, remove, clear and toOtlp for unknown ids', () => {
  const store = new TraceStore({ epoch: EPOCH });
  assert.equal(store.pin(tid(5), true).ok, false);
  assert.equal(store.remove(tid(5)), false);
  assert.equal(store.toOtlp(tid(5)), undefined);
  assert.equal(store.spanDetail(tid(5), sid(1)), undefined);
  store.addSpans([span(5, 1, 0, 1, 2)]);
  assert.equal(store.pin(tid(5), true).ok, true);
  assert.equal(store.summary(tid(5)).pinned, true);
  store.addSpans([span(6, 1, 0, 1, 2)], { kind: 'file', name: 'trace.json' });
  assert.equal(store.summary(tid(6)).source, 'file');
  assert.equal(store.summary(tid(6)).sourceName, 'trace.json');
});

test('brokenParents (fast path for small traces) agrees with buildTree on random parent graphs', () => {
  const { brokenParents } = require('../../out/src/store/traceStore.js');
  const { buildTree, TreeFlag } = require('../../out/src/store/tree.js');
  let seed = 7;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let round = 0; round < 500; round++) {
    const n = 1 + rnd(30);
    const spans = [];
    for (let i = 0; i < n; i++) {
      const r = rnd(10);
      const parent = r === 0 ? 0 : r === 1 ? 1000 + i : r === 2 ? i + 1 : 1 + rnd(n); // root, orphan, self, any (cycles, duplicates)
      spans.push(span(1, 1 + rnd(n + 2), parent, rnd(100), 200));
    }
    // self-parents by construction: parent id equal to the span's own id
    for (const s of spans) if (rnd(8) === 0) s.parentSpanId = s.spanId;
    const t = buildTree(spans);
    let expected = 0;
    for (let i = 0; i < n; i++) if (t.flags[i] & (TreeFlag.Orphan | TreeFlag.SelfParent | TreeFlag.Cycle)) expected++;
    assert.equal(brokenParents(spans), expected, `round ${round}`);
  }
});

test('buildTree: the hex-id table (16 lowercase hex digit ids) assembles exactly what the Map of ids assembles', () => {
  const { buildTree } = require('../../out/src/store/tree.js');
  let seed = 11;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  // ids that differ only in their high digits, as counters make them
  const hexId = (k) => (k * 2654435761 % 4294967296).toString(16).padStart(8, '0') + 'a1b2c3d4';
  for (let round = 0; round < 60; round++) {
    const n = 1 + rnd(460);
    const spans = [];
    for (let i = 0; i < n; i++) {
      const r = rnd(12);
      const id = hexId(1 + rnd(n + 5)); // repeats: duplicates
      const parent = r === 0 ? '' : r === 1 ? hexId(100000 + i) : r === 2 ? id : r === 3 ? hexId(1 + rnd(n)).toUpperCase() : hexId(1 + rnd(n + 5));
      spans.push({ spanId: id, parentSpanId: parent, start: rnd(1000), end: 1000 + rnd(1000), name: `op${rnd(5)}` });
    }
    const viaTable = buildTree(spans);
    // the same graph with ids of another form (17 characters): built over the Map
    const other = spans.map((s) => ({ ...s, spanId: `x${s.spanId}`, parentSpanId: s.parentSpanId && `x${s.parentSpanId}` }));
    const viaMap = buildTree(other);
    assert.equal(viaTable.hexIds, true);
    assert.equal(viaMap.hexIds, false);
    assert.deepEqual({ ...viaTable, hexIds: false, idHi: viaMap.idHi, idLo: viaMap.idLo }, viaMap, `round ${round}`);
    assert.deepEqual(Array.from(viaTable.idHi, (h, i) => (h >>> 0).toString(16).padStart(8, '0') + (viaTable.idLo[i] >>> 0).toString(16).padStart(8, '0')), spans.map((s) => s.spanId));
    const rowOf = new Map(Array.from(viaTable.order, (i, r) => [i, r]));
    viaTable.order.forEach((i, r) => {
      assert.equal(viaTable.rowParent[r], viaTable.parent[i] === -1 ? -1 : rowOf.get(viaTable.parent[i]));
      assert.equal(viaTable.rowDepth[r], viaTable.rowParent[r] === -1 ? 0 : viaTable.rowDepth[viaTable.rowParent[r]] + 1);
    });
    // one id of another form late in the trace: the table is given up half-way and the Map does it all
    const late = spans.map((s) => ({ ...s }));
    late[n - 1] = { ...late[n - 1], spanId: late[n - 1].spanId.toUpperCase() };
    const lateOther = late.map((s, i) => ({ ...s, spanId: i === n - 1 ? s.spanId : `x${s.spanId}`, parentSpanId: s.parentSpanId && `x${s.parentSpanId}` }));
    const lateTree = buildTree(late);
    assert.equal(lateTree.hexIds, false);
    assert.deepEqual(lateTree, buildTree(lateOther), `round ${round} (late)`);
  }
});

test('a root named by its HTTP method alone gets its route or path as rootTarget; other names none', () => {
  const { rootTarget } = require('../../out/src/store/rootTarget.js');
  const store = new TraceStore({ epoch: EPOCH });
  store.addSpans([span(1, 1, 0, 100, 900, { name: 'GET', kind: 2, attrs: ['http.method', 'GET', 'http.target', '/checkout?card=4111&x=1'] })]);
  assert.equal(store.summary(tid(1)).rootName, 'GET', 'the name stays as received');
  assert.equal(store.summary(tid(1)).rootTarget, '/checkout', 'the query (which may hold secrets) is left out');
  store.addSpans([span(2, 1, 0, 100, 900, { name: 'GET /orders', attrs: ['http.route', '/orders'] })]);
  assert.equal('rootTarget' in store.summary(tid(2)), false, 'a name that says more already');
  // the route wins over the path; new names before old; a full URL gives its path
  assert.equal(rootTarget('POST', ['url.path', '/orders/12', 'http.route', '/orders/:id']), '/orders/:id');
  assert.equal(rootTarget('POST', ['http.target', '/old', 'url.path', '/new']), '/new');
  assert.equal(rootTarget('GET', ['url.full', 'https://shop.test:8443/cart/items?token=secret']), '/cart/items');
  assert.equal(rootTarget('GET', ['http.url', 'http://h']), '/');
  assert.equal(rootTarget('_OTHER', ['http.route', '/x']), '/x');
  assert.equal(rootTarget('get', ['http.route', '/x']), undefined, 'method names are upper case');
  assert.equal(rootTarget('GET', []), undefined);
  assert.equal(rootTarget('GET', ['http.route', '  \n ']), undefined);
  assert.equal(rootTarget('GET', ['http.route', 'a\nb']), 'a b', 'one line');
  assert.equal(rootTarget('GET', ['http.route', `/${'x'.repeat(500)}`]).length, 200);
});

test('onEvictionStart: called when eviction starts, again only after a clear', () => {
  let calls = 0;
  const store = new TraceStore({ epoch: EPOCH, maxSpans: 2, onEvictionStart: () => calls++ });
  for (let t = 1; t <= 4; t++) store.addSpans([span(t, 1, 0, t, t + 1)]);
  assert.equal(calls, 1);
  store.clear();
  for (let t = 5; t <= 8; t++) store.addSpans([span(t, 1, 0, t, t + 1)]);
  assert.equal(calls, 2);
});

test('removed, evicted and cleared traces let their resources and scopes go (memory and the estimate)', async () => {
  const v8 = require('node:v8');
  const vm = require('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gcNow = vm.runInNewContext('gc');
  const heap = async () => {
    for (let i = 0; i < 3; i++) {
      gcNow();
      await new Promise((r) => setImmediate(r));
    }
    return process.memoryUsage().heapUsed;
  };
  const BIG = 256 * 1024;
  const N = 200; // 50 MiB of resource and scope text
  const withShared = (k) => {
    const resource = { attrs: ['service.name', `svc${k}`, 'big', `${k}`.padEnd(BIG, 'r')], serviceName: `svc${k}`, droppedAttributesCount: 0, schemaUrl: '' };
    const scope = { name: `scope${k}`, version: '', attrs: ['big', `${k}`.padEnd(BIG, 's')], droppedAttributesCount: 0, schemaUrl: '' };
    return span(k + 1, 1, 0, 100, 200, { resource, scope });
  };
  const store = new TraceStore({ epoch: EPOCH });
  const before = await heap();
  for (let k = 0; k < N; k++) store.addSpans([withShared(k)]);
  store.addLogs([log(0, 0, 'unlinked', { resource: withShared(N).resource })]);
  const charged = store.stats().approxBytes;
  assert.ok((await heap()) - before > N * BIG, 'the test holds what it thinks it holds');
  for (const t of store.summaries()) store.remove(t.traceId);
  const held = (await heap()) - before;
  assert.ok(held < 16 * 1024 * 1024, `after removing every trace the store still holds ${Math.round(held / 1048576)} MiB`);
  assert.ok(charged >= N * 2 * BIG, 'resource and scope text is charged');
  const left = store.stats().approxBytes;
  assert.ok(left < 4 * BIG, `after removing every trace only the unlinked log's resource stays charged (${left} bytes)`);

  // eviction: a cap a few traces wide keeps memory near it however many distinct resources pass through
  const capped = new TraceStore({ epoch: EPOCH, maxBytes: 8 * 1024 * 1024 });
  for (let k = 0; k < N; k++) capped.addSpans([withShared(k)]);
  assert.ok(capped.stats().approxBytes <= 8 * 1024 * 1024);
  const heldCapped = (await heap()) - before;
  assert.ok(heldCapped < 32 * 1024 * 1024, `an 8 MiB store holds ${Math.round(heldCapped / 1048576)} MiB after evicting`);
  store.dispose();
  capped.dispose();
});

test('pinned traces get at most half of each cap: a pin over it is refused with the reason, and pins that outgrow it give way', () => {
  const dropped = [];
  const store = new TraceStore({ epoch: EPOCH, maxSpans: 10, onPinsDropped: (ids, why) => dropped.push({ ids, why }) });
  const trace = (t, n, from = 1) => Array.from({ length: n }, (_, i) => span(t, from + i, from + i === 1 ? 0 : 1, t, t + 1));
  store.addSpans(trace(1, 3));
  store.addSpans(trace(2, 3));
  assert.deepEqual(store.pin(tid(1), true), { ok: true });
  const refused = store.pin(tid(2), true);
  assert.equal(refused.ok, false);
  assert.equal(refused.missing, false);
  assert.match(refused.message, /cannot be pinned: pinned traces may hold at most half of the store's limits \(5 spans/);
  assert.match(refused.message, /Unpin other traces, or raise traceExplorer\.store\.maxSpans/);
  assert.equal(store.summary(tid(2)).pinned, false);
  assert.equal(store.pin(tid(9), true).missing, true);

  // pinned traces keep receiving spans (each within its own half, TRACE_SHARE): together they cannot hold the
  // store past its caps, the oldest pin gives way
  store.addSpans(trace(3, 1));
  assert.deepEqual(store.pin(tid(3), true), { ok: true });
  for (let k = 0; k < 10; k++) {
    store.addSpans(trace(1, 1, 4 + k));
    store.addSpans(trace(3, 1, 2 + k));
  }
  assert.ok(store.stats().spans <= 10, `the store holds ${store.stats().spans} spans with a cap of 10`);
  assert.equal(dropped.length > 0, true, 'the receiver is told which pins gave way');
  assert.deepEqual(dropped[0].ids, [tid(1)]);
  assert.match(dropped[0].why, /at most half/);

  // the byte cap too
  const bytesStore = new TraceStore({ epoch: EPOCH, maxBytes: 1024 * 1024 });
  bytesStore.addSpans([span(3, 1, 0, 1, 2)]);
  assert.equal(bytesStore.pin(tid(3), true).ok, true);
  for (let k = 0; k < 2000; k++) bytesStore.addSpans([span(3, 2 + k, 1, 1, 2, { attrs: ['k', 'v'.repeat(200)] })]);
  assert.ok(bytesStore.stats().approxBytes <= 1024 * 1024, `a 1 MiB store holds ~${bytesStore.stats().approxBytes} bytes`);
});

test('a trace whose every span names its own service and resource is stored in linear time', () => {
  const build = (n) => Array.from({ length: n }, (_, i) => span(77, i + 1, 0, 1, 2, {
    resource: { attrs: ['service.name', `svc${i}`], serviceName: `svc${i}`, droppedAttributesCount: 0, schemaUrl: '' },
  }));
  // the work counted, not timed: elements scanned by Array.prototype.includes while the spans are added
  // (scanning the trace's service and resource lists for every span is quadratic; sets past 16 entries are not)
  const scanned = (n) => {
    const spans = build(n);
    const includes = Array.prototype.includes;
    let count = 0;
    Array.prototype.includes = function (...args) { count += this.length; return includes.apply(this, args); };
    try {
      new TraceStore({ epoch: EPOCH }).addSpans(spans);
    } finally {
      Array.prototype.includes = includes;
    }
    return count;
  };
  const n = 40_000;
  const perSpan = scanned(n) / n;
  assert.ok(perSpan < 64, `${perSpan.toFixed(1)} list elements scanned per span (quadratic would be ~${n})`);
});
