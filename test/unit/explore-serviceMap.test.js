// The service map (issue 24): calls between instrumented services from client/server pairs whatever the
// arrival order, client spans to uninstrumented databases, queues and external hosts, per-minute windows,
// eviction taking a trace's calls back, one trace's map, and the receiver's /api/explore routes.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { TraceStore } = require('../../out/src/store/traceStore.js');
const { EpochNs } = require('../../out/src/model/time.js');
const { ServiceMapIndex } = require('../../out/src/explore/serviceMapIndex.js');
const { traceServiceMap } = require('../../out/src/explore/traceServiceMap.js');
const { peerOf } = require('../../out/src/explore/peers.js');
const { startTestReceiver } = require('./_receiverHelpers.js');

const EPOCH = new EpochNs(1_700_000_000); // Unix s: minute buckets from here
const MS = 1e6;
const SCOPE = { name: 's', version: '', attrs: [], droppedAttributesCount: 0, schemaUrl: '' };
const resources = new Map();
const res = (name) => {
  if (!resources.has(name)) resources.set(name, { attrs: ['service.name', name], serviceName: name, droppedAttributesCount: 0, schemaUrl: '' });
  return resources.get(name);
};
const tid = (n) => n.toString(16).padStart(32, '0');
const sid = (n) => n.toString(16).padStart(16, '0');
const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

/** span(trace, id, parent, service, kind, startMs, durMs, extra) */
function span(trace, id, parent, service, kind, startMs, durMs, extra = {}) {
  return {
    traceId: tid(trace), spanId: sid(id), parentSpanId: parent ? sid(parent) : '', traceState: '', flags: 0, name: extra.name ?? `op${id}`,
    kind: KIND[kind], start: startMs * MS, end: (startMs + durMs) * MS, attrs: extra.attrs ?? [], droppedAttributesCount: 0, events: null,
    droppedEventsCount: 0, links: null, droppedLinksCount: 0, statusCode: extra.error ? 2 : 0, statusMessage: '', resource: res(service), scope: SCOPE,
  };
}

/** frontend → orders → inventory → sqlite, the sample app's shape; `error` marks inventory's server span */
function checkout(trace, startMs, { error = false } = {}) {
  const b = trace * 100;
  return [
    span(trace, b + 1, 0, 'frontend', 'server', startMs, 50, { name: 'GET', attrs: ['http.route', '/checkout'] }),
    span(trace, b + 2, b + 1, 'frontend', 'client', startMs + 1, 45, { name: 'GET', attrs: ['server.address', 'localhost'] }),
    span(trace, b + 3, b + 2, 'orders', 'server', startMs + 2, 40, { name: 'GET', attrs: ['http.route', '/orders'] }),
    span(trace, b + 4, b + 3, 'orders', 'client', startMs + 3, 30, { name: 'GET', attrs: ['server.address', 'localhost'], error }),
    span(trace, b + 5, b + 4, 'inventory', 'server', startMs + 4, 20, { name: 'GET', attrs: ['http.route', '/stock'], error }),
    span(trace, b + 6, b + 5, 'inventory', 'client', startMs + 5, 10, { name: 'SELECT inventory.stock', attrs: ['db.system.name', 'sqlite'] }),
  ];
}

function storeWithMap(opts = {}) {
  const map = new ServiceMapIndex();
  const store = new TraceStore({ epoch: EPOCH, observer: map, ...opts });
  return { map, store };
}

const edge = (m, from, to) => m.edges.find((e) => e.from === from && e.to === to);

test('client/server pairs make edges between services, in any arrival order, with counts and errors', () => {
  for (const order of ['parents first', 'children first', 'shuffled']) {
    const { map, store } = storeWithMap();
    for (let t = 1; t <= 20; t++) {
      let spans = checkout(t, t * 1000, { error: t % 5 === 0 });
      if (order === 'children first') spans = spans.reverse();
      if (order === 'shuffled') spans = [spans[3], spans[0], spans[5], spans[2], spans[4], spans[1]];
      // one span per batch: the pairing must not depend on a batch holding both sides
      for (const s of spans) store.addSpans([s]);
    }
    const m = map.query();
    assert.deepEqual(m.edges.map((e) => `${e.from}→${e.to} ${e.calls}/${e.errors}`), [
      's:frontend→s:orders 20/0',
      's:inventory→d:sqlite 20/0',
      's:orders→s:inventory 20/4',
    ], order);
    // the HTTP client spans name server.address, but an instrumented server answered them: no external node
    assert.ok(!m.nodes.some((n) => n.kind === 'external'), `${order}: ${JSON.stringify(m.nodes.map((n) => n.id))}`);
    assert.deepEqual(m.nodes.find((n) => n.id === 'd:sqlite'), { id: 'd:sqlite', name: 'sqlite', kind: 'database', calls: 20, errors: 0, p95Ms: m.nodes.find((n) => n.id === 'd:sqlite').p95Ms });
    // p95 of the orders → inventory calls: the caller's view (30 ms), within the histogram's ±9.5%
    assert.ok(Math.abs(edge(m, 's:orders', 's:inventory').p95Ms - 30) <= 3, String(edge(m, 's:orders', 's:inventory').p95Ms));
  }
});

test('client spans to uninstrumented peers: databases, queues, external hosts', () => {
  const { map, store } = storeWithMap();
  store.addSpans([
    span(1, 1, 0, 'api', 'server', 0, 100),
    span(1, 2, 1, 'api', 'client', 1, 10, { attrs: ['db.system', 'postgresql'] }),
    span(1, 3, 1, 'api', 'producer', 2, 1, { attrs: ['messaging.system', 'kafka', 'messaging.destination.name', 'orders'] }),
    span(1, 4, 1, 'api', 'client', 3, 50, { attrs: ['url.full', 'https://user@payments.example:8443/charge?x=1'], error: true }),
    span(1, 5, 1, 'api', 'internal', 4, 1, { attrs: ['db.system', 'redis'] }), // not a caller span: no node
  ]);
  const m = map.query();
  assert.deepEqual(m.edges.map((e) => `${e.from}→${e.to} ${e.calls}/${e.errors}`), [
    's:api→d:postgresql 1/0', 's:api→q:kafka orders 1/0', 's:api→x:payments.example 1/1',
  ]);
  assert.deepEqual(m.nodes.map((n) => `${n.id}:${n.kind}`).sort(), ['d:postgresql:database', 'q:kafka orders:queue', 's:api:service', 'x:payments.example:external']);
  assert.equal(peerOf(span(1, 9, 0, 'x', 'client', 0, 1, { attrs: ['http.url', 'http://[::1]:80/'] })).name, '[::1]');
});

test('an external call answered later by an instrumented server becomes a call between services', () => {
  const { map, store } = storeWithMap();
  store.addSpans([span(1, 1, 0, 'web', 'client', 0, 20, { attrs: ['server.address', 'api.local'] })]);
  assert.ok(edge(map.query(), 's:web', 'x:api.local'), 'provisionally an external host');
  store.addSpans([span(1, 2, 1, 'api', 'server', 1, 10)]);
  const m = map.query();
  assert.equal(edge(m, 's:web', 'x:api.local'), undefined, 'taken back');
  assert.equal(edge(m, 's:web', 's:api').calls, 1);
});

test('windows sum the minutes in them; a trace leaving the store takes its calls back', () => {
  const { map, store } = storeWithMap({ maxSpans: 60 });
  // 10 traces, one per minute (6 spans each): the store holds them all
  for (let t = 1; t <= 10; t++) store.addSpans(checkout(t, t * 60_000));
  const base = EPOCH.toUnixMs(0);
  assert.equal(edge(map.query(), 's:frontend', 's:orders').calls, 10);
  assert.equal(edge(map.query(base + 3 * 60_000, base + 5 * 60_000), 's:frontend', 's:orders').calls, 3);
  assert.equal(map.query(base + 30 * 60_000, null).edges.length, 0);
  // two more traces evict the two oldest
  store.addSpans(checkout(11, 11 * 60_000));
  store.addSpans(checkout(12, 12 * 60_000));
  assert.equal(store.stats().traces, 10);
  const m = map.query();
  assert.equal(edge(m, 's:frontend', 's:orders').calls, 10);
  assert.equal(edge(m, 's:inventory', 'd:sqlite').calls, 10);
  assert.equal(map.query(base, base + 2 * 60_000).edges.length, 0, 'the evicted minutes are empty');
  store.remove(tid(12));
  assert.equal(edge(map.query(), 's:orders', 's:inventory').calls, 9);
  store.clear();
  assert.deepEqual(map.query().edges, []);
  assert.deepEqual(map.vocabulary().services, []);
});

test('operations of a node and the filter vocabulary', () => {
  const { map, store } = storeWithMap();
  for (let t = 1; t <= 4; t++) store.addSpans(checkout(t, t * 1000, { error: t === 1 }));
  const ops = map.operations('s:inventory');
  assert.deepEqual(ops.operations.map((o) => `${o.name} ${o.calls}/${o.errors} ${o.entry}`), [
    'GET /stock 4/1 true', 'SELECT inventory.stock 4/0 false',
  ]);
  assert.deepEqual(map.operations('d:sqlite').operations.map((o) => `${o.name} ${o.calls}`), ['from inventory 4']);
  const v = map.vocabulary();
  assert.deepEqual(v.services, ['frontend', 'inventory', 'orders']);
  assert.ok(v.operations.includes('GET /checkout'));
  assert.ok(v.attributeKeys.includes('db.system.name') && v.attributeKeys.includes('service.name'));
});

test('one trace\'s map: the services it touched and the calls between them (exact figures)', () => {
  const m = traceServiceMap(tid(1), checkout(1, 0, { error: true }));
  assert.deepEqual(m.edges.map((e) => `${e.from}→${e.to} ${e.calls}/${e.errors} ${e.p95Ms}`), [
    's:frontend→s:orders 1/0 45', 's:inventory→d:sqlite 1/0 10', 's:orders→s:inventory 1/1 30',
  ]);
  assert.equal(m.traceId, tid(1));
  assert.deepEqual(m.nodes.map((n) => n.id), ['d:sqlite', 's:frontend', 's:inventory', 's:orders']);
});

test('receiver: /api/explore serves the map, the columns, edge traces, attribute matches and a trace map', async () => {
  const { decodeSummaryColumns } = require('../../out/src/protocol/exploreColumns.js');
  const h = await startTestReceiver();
  try {
    const now = Date.now();
    const spans = [];
    for (let t = 1; t <= 3; t++) spans.push(...checkout(t, 0, { error: t === 2 }));
    // receiver store times are offsets from its own epoch: import as OTLP JSON keeps this test independent of it
    const otlp = { resourceSpans: ['frontend', 'orders', 'inventory'].map((svc) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: svc } }] },
      scopeSpans: [{ scope: { name: 's' }, spans: spans.filter((s) => s.resource.serviceName === svc).map((s) => ({
        traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: s.kind,
        startTimeUnixNano: String(BigInt(now) * 1000000n + BigInt(s.start)), endTimeUnixNano: String(BigInt(now) * 1000000n + BigInt(s.end)),
        attributes: pairs(s.attrs), status: s.statusCode === 2 ? { code: 2 } : {},
      })) }],
    })) };
    await h.api.importOtlp(otlp, { source: 'otlp' });
    const m = await h.api.serviceMap();
    assert.equal(m.edges.find((e) => e.from === 's:orders' && e.to === 's:inventory').calls, 3);
    assert.equal((await h.api.serviceMap({ fromMs: now + 3_600_000 })).edges.length, 0);
    const cols = decodeSummaryColumns(await h.api.exploreSummaries());
    assert.equal(cols.n, 3);
    assert.equal(cols.string(cols.label[0]), 'GET /checkout');
    // a first screen: the newest trace alone (with the plot's edges), the store's count in its header
    const first = decodeSummaryColumns(await h.api.exploreSummaries({ rows: 1, sample: 0 }));
    assert.equal(first.first, 1);
    assert.equal(first.total, 3);
    assert.equal(first.start[0], Math.max(...cols.start));
    await assert.rejects(h.api.exploreSummaries({ rows: -1, sample: 0 }), /first must be a whole number/);
    const edgeT = await h.api.edgeTraces('s:orders', 's:inventory');
    assert.equal(edgeT.traceIds.length, 3);
    assert.deepEqual((await h.api.edgeTraces('s:frontend', 'd:sqlite')).traceIds, []);
    assert.deepEqual((await h.api.matchAttributes([{ key: 'http.route', value: '/STOCK' }])).sort(), [tid(1), tid(2), tid(3)]);
    assert.deepEqual(await h.api.matchAttributes([{ key: 'nope', value: '' }]), []);
    const tm = await h.api.traceServiceMap(tid(2));
    assert.equal(tm.edges.find((e) => e.to === 's:inventory').errors, 1);
    assert.equal(await h.api.traceServiceMap(tid(99)), undefined);
    assert.ok((await h.api.nodeOperations('s:orders')).operations.some((o) => o.name === 'GET /orders' && o.entry && o.calls === 3));
  } finally {
    await h.close();
  }
});

function pairs(attrs) {
  const out = [];
  for (let i = 0; i < attrs.length; i += 2) out.push({ key: attrs[i], value: { stringValue: attrs[i + 1] } });
  return out;
}

test('a flood of unique operation names and hosts folds into "(other …)" per minute, and leaves nothing behind', () => {
  const { MAX_KEYS_PER_BUCKET, OTHER_OPERATIONS } = require('../../out/src/explore/serviceMapIndex.js');
  const { map, store } = storeWithMap();
  const N = MAX_KEYS_PER_BUCKET + 500;
  for (let i = 1; i <= N; i++) {
    // each its own trace, all in one minute: a root with a unique name calling a unique external host
    store.addSpans([
      span(i, 1, 0, 'flood', 'server', 1000, 5, { name: `op-${i}` }),
      span(i, 2, 1, 'flood', 'client', 1001, 2, { name: 'GET', attrs: ['server.address', `host-${i}.example`] }),
    ]);
  }
  const ops = map.operations('s:flood').operations;
  assert.ok(ops.length <= MAX_KEYS_PER_BUCKET + 1, `${ops.length} operations kept for one minute`);
  assert.equal(ops.reduce((n, o) => n + o.calls, 0), 2 * N, 'every span still counted');
  assert.ok(ops.find((o) => o.name === OTHER_OPERATIONS).calls > 0);
  const m = map.query();
  assert.ok(m.edges.length <= MAX_KEYS_PER_BUCKET + 1, `${m.edges.length} edges`);
  assert.equal(m.edges.reduce((n, e) => n + e.calls, 0), N, 'every call still counted');
  assert.ok(m.nodes.some((n) => n.id === 'x:(other hosts)' && n.kind === 'external'));
  // the traces leave: the names go with them (a long-running receiver must not keep every name it saw)
  for (let i = 1; i <= N; i++) store.remove(tid(i));
  assert.deepEqual(map.operations('s:flood').operations, []);
  assert.deepEqual(map.query().edges, []);
  assert.deepEqual(map.vocabulary().operations, []);
});

test('attribute keys for completion: long ones are not kept', () => {
  const { map, store } = storeWithMap();
  store.addSpans([span(1, 1, 0, 'svc', 'server', 0, 1, { attrs: ['short.key', 'v', 'k'.repeat(5000), 'v'] })]);
  const keys = map.vocabulary().attributeKeys;
  assert.ok(keys.includes('short.key'));
  assert.ok(!keys.some((k) => k.length > 200));
});
