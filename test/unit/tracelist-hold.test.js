// The live trace list holds new traces back while the user works in it, so the row under the pointer stays
// where it is: when it holds (ListHold) and what it shows meanwhile (computeHeldView).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { ListHold, freeze, computeHeldView } = require('../../out/src/tracelist/hold.js');
const { TraceListState, computeView } = require('../../out/src/tracelist/traceListModel.js');
const { parseFilter, EMPTY_FILTER } = require('../../out/src/tracelist/filter.js');
const { summary, BASE_MS } = require('./tracelist-helpers.js');

const options = (over = {}) => ({ sortBy: 'time', groupBy: 'none', filter: EMPTY_FILTER, now: BASE_MS + 60_000, limit: 500, ...over });
const ids = (view) => view.groups.flatMap((g) => g.traces.map((t) => t.traceId));
const held = (state, o, frozen) => computeHeldView(state.all(), (id) => state.get(id), (id) => state.arrivalOf(id), o, frozen);

test('holding: for 15 s after the last action in the list, and while paused until resumed', () => {
  const h = new ListHold(15_000);
  assert.equal(h.holding(0), false, 'not before the user does anything');
  h.touch(1000);
  assert.equal(h.holding(15_999), true);
  assert.equal(h.endsInMs(10_000), 6000);
  h.touch(10_000); // another selection starts the period again
  assert.equal(h.holding(20_000), true);
  assert.equal(h.holding(25_000), false);
  h.pause();
  assert.equal(h.holding(1e9), true);
  assert.equal(h.endsInMs(1e9), undefined, 'paused: no end of its own');
  h.resume();
  assert.equal(h.holding(1e9), false);
  assert.equal(h.isPaused, false);
});

test('while held, new traces do not move the rows: they are counted, and existing rows update in place', () => {
  const state = new TraceListState();
  const a = summary({ rootName: 'GET /checkout', startMs: BASE_MS + 1000 });
  const b = summary({ rootName: 'GET /fail', startMs: BASE_MS + 2000, errorCount: 1 });
  state.reset([a, b]);
  const o = options();
  const before = computeView(state.all(), o);
  assert.deepEqual(ids(before), [b.traceId, a.traceId], 'newest first');
  const frozen = freeze(before, state.lastArrival);
  // two new traces arrive (newer: they would go on top), and a span of the held trace b arrives
  const c = summary({ startMs: BASE_MS + 3000 });
  const d = summary({ startMs: BASE_MS + 4000, rootName: 'GET /stock' });
  state.apply({ type: 'traces', upserted: [c, d, { ...b, spanCount: 9 }], removed: [] });
  const v = held(state, o, frozen);
  assert.deepEqual(ids(v), [b.traceId, a.traceId], 'the same rows in the same order');
  assert.equal(v.groups[0].traces[0].spanCount, 9, 'with their current figures');
  assert.equal(v.held, 2);
  assert.equal(v.total, 4);
  // held traces that the filter hides are not counted
  const f = options({ filter: parseFilter('stock') });
  assert.equal(held(state, f, freeze(computeView([a, b], f), 2)).held, 1);
  // a removed trace goes (nothing is left to show for it)
  state.apply({ type: 'traces', upserted: [], removed: [a.traceId] });
  assert.deepEqual(ids(held(state, o, frozen)), [b.traceId]);
  // released: everything, newest first
  assert.deepEqual(ids(computeView(state.all(), o)), [d.traceId, c.traceId, b.traceId]);
});

test('a held duration sort keeps its order while durations grow; groups stay as they were', () => {
  const state = new TraceListState();
  const slow = summary({ durationMs: 500 });
  const fast = summary({ durationMs: 5 });
  state.reset([slow, fast]);
  const o = options({ sortBy: 'duration', groupBy: 'duration' });
  const frozen = freeze(computeView(state.all(), o), state.lastArrival);
  state.apply({ type: 'traces', upserted: [{ ...fast, durationMs: 2000 }], removed: [] });
  const v = held(state, o, frozen);
  assert.deepEqual(v.groups.map((g) => [g.label, g.traces.map((t) => t.traceId)]), [['100 ms – 1 s', [slow.traceId]], ['Under 10 ms', [fast.traceId]]]);
  assert.equal(v.held, 0);
});

test('traces beyond the row limit when holding began are not new', () => {
  const state = new TraceListState();
  state.reset([summary(), summary(), summary()]);
  const o = options({ limit: 2 });
  const frozen = freeze(computeView(state.all(), o), state.lastArrival);
  const v = held(state, o, frozen);
  assert.equal(v.held, 0);
  assert.equal(v.groups[0].hidden, 1);
  assert.equal(v.matched, 3);
});
