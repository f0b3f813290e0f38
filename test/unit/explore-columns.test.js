// The search page's summary columns (src/protocol/exploreColumns.ts) and the filter language run over them
// (src/explore/columnFilter.ts): a round trip keeps every field (non-ASCII text too), and every filter picks
// exactly the traces the trace list's own matcher (src/tracelist/filter.ts) picks from the same summaries.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { decodeSummaryColumns, ROW_PINNED, ROW_INCOMPLETE } = require('../../out/src/protocol/exploreColumns.js');
const { encodeSummaries } = require('../../out/src/explore/summaryRows.js');
const { filterRows, nameIndex, sortRows } = require('../../out/src/explore/columnFilter.js');
const { parseFilter, matchesSummary } = require('../../out/src/tracelist/filter.js');
const { rootLabel } = require('../../out/src/tracelist/format.js');

const SERVICES = ['frontend', 'orders', 'inventory', 'payments', 'données-✓', 'emoji-🚀'];
function summaries(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const services = SERVICES.filter((_, k) => (i + k) % 3 !== 0);
    const bare = i % 4 === 0;
    out.push({
      traceId: (0xabc000 + i).toString(16).padStart(32, '0'),
      rootName: bare ? 'GET' : i % 7 === 0 ? '' : `op ${i % 9} ✓`,
      ...(bare ? { rootTarget: `/route/${i % 5}` } : {}),
      rootService: services[0] ?? 'unknown_service', services, spanCount: 1 + (i % 50), errorCount: i % 6 === 0 ? i % 4 : 0,
      startTimeUnixNano: '0', durationNano: '0', startMs: 1_700_000_000_000 + (n - i) * 1000, durationMs: ((i * 37) % 1000) / 3,
      pinned: i % 11 === 0, source: 'otlp', brokenParents: i % 13 === 0 ? 1 : 0,
    });
  }
  return out;
}

test('round trip: every field, non-ASCII strings, empty labels, flags', () => {
  const list = summaries(500);
  const c = decodeSummaryColumns(encodeSummaries(list));
  assert.equal(c.n, 500);
  list.forEach((s, r) => {
    assert.equal(c.string(c.traceId[r]), s.traceId);
    assert.equal(c.string(c.label[r]), rootLabel(s));
    assert.equal(c.string(c.rootService[r]), s.rootService);
    const svcs = [];
    const set = c.serviceSet[r];
    for (let k = c.setOffsets[set]; k < c.setOffsets[set + 1]; k++) svcs.push(c.string(c.setServices[k]));
    assert.deepEqual(svcs, s.services);
    assert.equal(c.spans[r], s.spanCount);
    assert.equal(c.errors[r], s.errorCount);
    assert.equal(c.start[r], s.startMs);
    assert.equal(c.duration[r], s.durationMs);
    assert.equal((c.flags[r] & ROW_PINNED) !== 0, s.pinned);
    assert.equal((c.flags[r] & ROW_INCOMPLETE) !== 0, s.brokenParents > 0);
  });
  // a copy at an odd offset (as a buffer inside a bigger message can be) decodes the same
  const bytes = encodeSummaries(list);
  const odd = new Uint8Array(bytes.length + 3);
  odd.set(bytes, 3);
  assert.equal(decodeSummaryColumns(odd.subarray(3)).string(c.label[1]), rootLabel(list[1]));
  assert.throws(() => decodeSummaryColumns(new Uint8Array(64)), /not this format/);
  assert.throws(() => decodeSummaryColumns(bytes.subarray(0, bytes.length - 5)), /expected/);
});

test('the filter language over columns picks what the trace list picks', () => {
  const list = summaries(800);
  const c = decodeSummaryColumns(encodeSummaries(list));
  const names = nameIndex(c);
  const order = sortRows(c, 'start', true);
  for (const text of ['', 'is:error', '-is:error', 'service:orders', '-service:pay', 'name:"GET /route/3"', 'op 4', '✓', 'données',
    'min:100ms', 'max:20', '>50ms <200ms', 'is:pinned', 'frontend is:error min:10', '00000000000000000000000000abc01', 'emoji-🚀', 'nothing-matches']) {
    const f = parseFilter(text);
    const want = list.filter((s) => matchesSummary(f, s)).map((s) => s.traceId);
    const got = [...filterRows(c, names, order, { filter: f, onlyErrors: false, fromMs: null, toMs: null, brush: null, only: null })].map((r) => c.string(c.traceId[r]));
    assert.deepEqual(got, want, text);
  }
});

test('only errors, time window, brush and an id set narrow the rows', () => {
  const list = summaries(300);
  const c = decodeSummaryColumns(encodeSummaries(list));
  const names = nameIndex(c);
  const order = sortRows(c, 'start', true);
  const q = { filter: parseFilter(''), onlyErrors: false, fromMs: null, toMs: null, brush: null, only: null };
  const ids = (rows) => [...rows].map((r) => c.string(c.traceId[r]));
  assert.deepEqual(ids(filterRows(c, names, order, { ...q, onlyErrors: true })), list.filter((s) => s.errorCount > 0).map((s) => s.traceId));
  const from = list[100].startMs;
  assert.deepEqual(ids(filterRows(c, names, order, { ...q, fromMs: from })), list.filter((s) => s.startMs >= from).map((s) => s.traceId));
  const brush = { t0: list[200].startMs, t1: list[50].startMs, d0: 100, d1: 200 };
  const inBrush = list.filter((s) => s.startMs >= brush.t0 && s.startMs <= brush.t1 && s.durationMs >= 100 && s.durationMs <= 200);
  assert.ok(inBrush.length > 10);
  assert.deepEqual(ids(filterRows(c, names, order, { ...q, brush })), inBrush.map((s) => s.traceId));
  assert.equal(filterRows(c, names, order, { ...q, brush }, true).length, 300, 'the plot ignores the brush');
  const only = new Set([list[3].traceId, list[9].traceId]);
  assert.deepEqual(ids(filterRows(c, names, order, { ...q, only })), [list[3].traceId, list[9].traceId]);
});

test('sorting by each column, ties in the store\'s order', () => {
  const list = summaries(200);
  const c = decodeSummaryColumns(encodeSummaries(list));
  const col = (key, desc) => [...sortRows(c, key, desc)];
  const byDur = col('duration', true).map((r) => c.duration[r]);
  assert.deepEqual(byDur, [...byDur].sort((a, b) => b - a));
  const bySpans = col('spans', false);
  for (let i = 1; i < bySpans.length; i++) {
    const a = bySpans[i - 1];
    const b = bySpans[i];
    assert.ok(c.spans[a] < c.spans[b] || (c.spans[a] === c.spans[b] && a < b));
  }
  const labels = col('label', false).map((r) => c.string(c.label[r]));
  assert.deepEqual(labels, [...labels].sort((a, b) => a.localeCompare(b)));
  assert.deepEqual(col('start', true), list.map((_, i) => i));
  // every column both ways is the comparison sort's order, ties in row order
  const svcCount = (r) => c.setOffsets[c.serviceSet[r] + 1] - c.setOffsets[c.serviceSet[r]];
  const keyOf = {
    label: (r) => c.string(c.label[r]), service: (r) => c.string(c.rootService[r]), start: (r) => c.start[r], duration: (r) => c.duration[r],
    spans: (r) => c.spans[r], errors: (r) => c.errors[r], services: svcCount,
  };
  for (const [key, of] of Object.entries(keyOf)) {
    for (const desc of [false, true]) {
      const cmp = (a, b) => {
        const x = of(a);
        const y = of(b);
        const d = typeof x === 'string' ? x.localeCompare(y) : x - y;
        return (desc ? -d : d) || a - b;
      };
      assert.deepEqual(col(key, desc), [...Array(c.n).keys()].sort(cmp), `${key} ${desc ? 'descending' : 'ascending'}`);
    }
  }
  assert.equal(c.start[col('start', false)[0]], Math.min(...list.map((s) => s.startMs)));
});
