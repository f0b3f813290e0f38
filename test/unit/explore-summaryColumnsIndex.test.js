// The receiver's kept summary columns (src/explore/summaryColumnsIndex.ts, src/explore/summaryRows.ts): after
// any mix of new, changed, removed traces and a clear they decode to exactly what a fresh encode of the store's
// summaries decodes to; a first screen holds the newest rows (newest first) and the plot's edges; the rows
// sort (src/explore/columnFilter.ts argsort) like a comparison sort, ties in row order.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { decodeSummaryColumns, isFirstScreen, newestStartMs } = require('../../out/src/protocol/exploreColumns.js');
const { SummaryColumnsIndex } = require('../../out/src/explore/summaryColumnsIndex.js');
const { encodeSummaries, columnsOf } = require('../../out/src/explore/summaryRows.js');
const { argsort, sortRows } = require('../../out/src/explore/columnFilter.js');
const { rootLabel } = require('../../out/src/tracelist/format.js');

const SERVICES = ['frontend', 'orders', 'inventory', 'payments', 'données-✓', 'emoji-🚀'];
function summary(i, version = 0) {
  const services = SERVICES.filter((_, k) => (i + k + version) % 3 !== 0);
  return {
    traceId: (0xfeed000 + i).toString(16).padStart(32, '0'),
    rootName: i % 4 === 0 ? 'GET' : `op ${(i + version) % 9} ✓`,
    ...(i % 4 === 0 ? { rootTarget: `/route/${i % 5}` } : {}),
    rootService: services[0] ?? 'unknown_service', services, spanCount: 1 + ((i + version) % 50), errorCount: i % 6 === 0 ? 1 + version : 0,
    startTimeUnixNano: '0', durationNano: '0', startMs: 1_700_000_000_000 + i * 1000 - version, durationMs: ((i * 37 + version) % 1000) / 3,
    pinned: (i + version) % 11 === 0, source: i % 17 === 0 ? 'file' : 'otlp', brokenParents: i % 13 === 0 ? 1 : 0,
  };
}

/** the decoded rows as objects by trace id (a kept index's rows are in slot order, not the list's) */
function rowsById(bytes) {
  const c = decodeSummaryColumns(bytes);
  const out = new Map();
  for (let r = 0; r < c.n; r++) {
    const set = c.serviceSet[r];
    const services = [];
    for (let k = c.setOffsets[set]; k < c.setOffsets[set + 1]; k++) services.push(c.string(c.setServices[k]));
    out.set(c.string(c.traceId[r]), {
      label: c.string(c.label[r]), rootService: c.string(c.rootService[r]), services, spans: c.spans[r], errors: c.errors[r],
      start: c.start[r], duration: c.duration[r], flags: c.flags[r],
    });
  }
  return out;
}

test('kept columns equal a fresh encode after upserts, changes, removals and a clear', () => {
  const index = new SummaryColumnsIndex();
  const now = new Map();
  for (let i = 0; i < 3000; i++) {
    index.upsert(summary(i));
    now.set(i, summary(i));
  }
  // changes (new services, labels, pins), removals (strings and sets freed, slots reused), new traces
  for (let i = 0; i < 3000; i += 3) {
    index.upsert(summary(i, 1));
    now.set(i, summary(i, 1));
  }
  for (let i = 1; i < 3000; i += 2) {
    index.remove(summary(i).traceId);
    now.delete(i);
  }
  index.remove('not-held');
  for (let i = 3000; i < 4000; i++) {
    index.upsert(summary(i, 2));
    now.set(i, summary(i, 2));
  }
  const want = rowsById(encodeSummaries([...now.values()]));
  const got = rowsById(index.encode());
  assert.equal(index.size, now.size);
  assert.equal(got.size, want.size);
  assert.deepEqual(got, want);
  for (const [i, s] of now) assert.equal(got.get(s.traceId).label, rootLabel(s), `label of ${i}`);
  index.clear();
  assert.equal(decodeSummaryColumns(index.encode()).n, 0);
  index.upsert(summary(5));
  assert.deepEqual(rowsById(index.encode()), rowsById(encodeSummaries([summary(5)])));
});

test('freed string bytes are compacted: a long-running index stays the size of what it holds', () => {
  const index = new SummaryColumnsIndex();
  // 200,000 traces through an index that holds at most 1,000 (as the store evicts)
  for (let i = 0; i < 200_000; i++) {
    index.upsert(summary(i));
    if (i >= 1000) index.remove(summary(i - 1000).traceId);
  }
  const bytes = index.encode();
  assert.ok(bytes.byteLength < 500_000, `${bytes.byteLength} bytes for 1,000 traces`);
  const want = new Map([...Array(1000).keys()].map((k) => summary(199_000 + k)).map((s) => [s.traceId, s]));
  assert.deepEqual(rowsById(bytes), rowsById(encodeSummaries([...want.values()])));
});

test('a first screen: the newest rows newest first, a sample, the plot\'s edges; a small set whole', () => {
  const index = new SummaryColumnsIndex();
  const list = [];
  for (let i = 0; i < 5000; i++) list.push(summary((i * 7919) % 5000)); // arrival order unlike start order
  for (const s of list) index.upsert(s);
  const bytes = index.encodeFirstScreen(50, 400);
  assert.ok(isFirstScreen(bytes));
  const c = decodeSummaryColumns(bytes);
  assert.equal(c.first, 50);
  assert.equal(c.total, 5000);
  // the sample may fall on some of the newest rows: those are not sent twice
  assert.ok(c.n >= 400 && c.n <= 453, `${c.n} rows`);
  const byStart = [...list].sort((a, b) => b.startMs - a.startMs);
  assert.deepEqual([...Array(50).keys()].map((r) => c.string(c.traceId[r])), byStart.slice(0, 50).map((s) => s.traceId));
  const ids = new Set([...Array(c.n).keys()].map((r) => c.string(c.traceId[r])));
  assert.equal(ids.size, c.n, 'no row twice');
  const longest = list.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
  const shortest = list.reduce((a, b) => (b.durationMs < a.durationMs ? b : a));
  for (const s of [byStart.at(-1), longest, shortest]) assert.ok(ids.has(s.traceId), `edge ${s.traceId}`);
  const rows = rowsById(bytes);
  const full = rowsById(index.encode());
  for (const [id, row] of rows) assert.deepEqual(row, full.get(id));
  assert.equal(newestStartMs(bytes), byStart[0].startMs);
  const small = index.encodeFirstScreen(4000, 1000);
  assert.ok(!isFirstScreen(small));
  assert.equal(decodeSummaryColumns(small).n, 5000);
});

test('argsort orders like a comparison sort, ties in index order, both ways', () => {
  const keys = Float64Array.from([3, -1.5, 0, 3, -0, 1e300, -1e-300, 2.5, 3, -7, 0.1, 1e-9, Infinity, -Infinity]);
  for (const desc of [false, true]) {
    const want = [...keys.keys()].sort((a, b) => (desc ? keys[b] - keys[a] : keys[a] - keys[b]) || a - b);
    // 0 and -0 compare equal: either order of the two is right, the rest is exact
    const got = [...argsort(keys, desc)];
    assert.deepEqual(got.map((i) => keys[i] + 0), want.map((i) => keys[i] + 0), desc ? 'descending' : 'ascending');
    const threes = got.filter((i) => keys[i] === 3);
    assert.deepEqual(threes, [0, 3, 8]);
  }
  let seed = 1;
  const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const many = Float64Array.from({ length: 20_000 }, () => Math.round((rnd() - 0.3) * 1e6) / 100);
  const want = [...many.keys()].sort((a, b) => many[b] - many[a] || a - b);
  assert.deepEqual([...argsort(many, true)], want);
});

test('columnsOf follows a store: new, changed, removed traces and a clear, with pending events flushed', async () => {
  const { TraceStore } = require('../../out/src/store/traceStore.js');
  const { EpochNs } = require('../../out/src/model/time.js');
  const { shopTrace } = await import('../webview/exploreData.mjs');
  const epoch = EpochNs.now();
  const store = new TraceStore({ epoch, maxSpans: 100_000, eventIntervalMs: 60_000 });
  let seed = 3;
  const r = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const base = (Date.now() - epoch.toUnixMs(0)) * 1e6;
  const add = (from, to, spans = 10) => {
    for (let i = from; i < to; i++) store.addSpans(shopTrace(i, base + i * 1e6, r).slice(0, spans));
  };
  const check = (what) => {
    const want = rowsById(encodeSummaries(store.summaries()));
    assert.deepEqual(rowsById(columnsOf(store).encode()), want, what);
  };
  add(0, 200, 4);
  check('first fill');
  add(200, 300); // new traces, events still pending (a minute's interval): flushed by the ask
  add(0, 50); // the rest of traces already held: span counts, services, labels change
  check('new and changed');
  for (let i = 0; i < 300; i += 7) store.remove(shopTrace(i, 0, r)[0].traceId);
  store.pin(shopTrace(1, 0, r)[0].traceId, true);
  check('removed and pinned');
  store.clear();
  add(400, 420);
  check('after a clear');
  store.dispose();
});

test('sortRows on kept columns: newest first whatever the slots\' order', () => {
  const index = new SummaryColumnsIndex();
  for (let i = 0; i < 300; i++) index.upsert(summary((i * 131) % 300));
  const c = decodeSummaryColumns(index.encode());
  const got = [...sortRows(c, 'start', true)].map((r) => c.start[r]);
  assert.deepEqual(got, [...got].sort((a, b) => b - a));
});
