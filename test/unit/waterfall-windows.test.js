// Windowed traces (issue 26): the receiver keeps a big trace ordered and serves windows of rows; the view's
// collapse state, find, next error and critical path cover the whole trace.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { span, pack, epoch } = require('./waterfall-helpers.js');
const { decodePackedTrace, slicePackedTrace } = require('../../out/src/protocol/packedTrace.js');
const { decodeWindow, isWindowRequest } = require('../../out/src/protocol/rowWindow.js');
const { TraceWindows } = require('../../out/src/receiver/traceWindows.js');

const TRACE = '0af7651916cd43dd8448eb211c80319c';

/** a root with `groups` children of `per` leaves each; every 7th leaf fails; leaf k is named `leaf-k` */
function fanOut(groups, per) {
  const spans = [span('r', null, 0, 100_000_000, { name: 'root' })];
  let k = 0;
  for (let g = 0; g < groups; g++) {
    spans.push(span(`g${g}`, 'r', g * 100_000, g * 100_000 + 90_000, { name: `group-${g}`, service: g % 2 ? 'db' : 'api' }));
    for (let i = 0; i < per; i++, k++) spans.push(span(`l${k}`, `g${g}`, g * 100_000 + 1 + i, g * 100_000 + 2 + i, { name: `leaf-${k}`, status: k % 7 === 6 ? 2 : 0, attrs: ['n', String(k)] }));
  }
  return spans;
}

function store(spans) {
  return { summary: (id) => (id === TRACE ? { spanCount: spans.length } : undefined), spans: (id) => (id === TRACE ? spans : undefined), spansPlacedByLogs: () => null, epoch };
}

const ask = (w, req) => {
  const bytes = w.window(TRACE, req);
  assert.ok(bytes, 'the trace is held');
  const { meta, packed } = decodeWindow(bytes);
  const t = decodePackedTrace(packed);
  return { meta, t, names: Array.from({ length: t.spanCount }, (_, j) => t.str(t.name[j])) };
};

test('a slice of a packed trace keeps its rows, ids, depths and in-window parents', () => {
  const t = pack(fanOut(3, 4));
  const rows = [0, 1, 2, 6, 7];
  const s = decodePackedTrace(slicePackedTrace(t, rows));
  assert.equal(s.spanCount, 5);
  assert.ok(s.partial);
  assert.equal(s.totalSpanCount, t.spanCount);
  assert.deepEqual(Array.from({ length: 5 }, (_, j) => s.spanId(j)), rows.map((r) => t.spanId(r)));
  assert.deepEqual(Array.from(s.depth), rows.map((r) => t.depth[r]));
  // row 7's parent (group-1, row 6) is in the window, and so is row 6's (the root); a row whose parent is not
  // keeps its parent's id
  assert.equal(s.parent[4], 3);
  assert.equal(s.parent[3], 0);
  const lone = decodePackedTrace(slicePackedTrace(t, [7]));
  assert.equal(lone.parent[0], -1);
  assert.equal(lone.parentId(0), t.spanId(6));
  assert.equal(lone.str(lone.attrs[1]), t.str(t.attrs[2 * t.attrStart[7] + 1]));
});

test('windows: the first rows, then the last row at the far end of the trace', () => {
  const w = new TraceWindows(store(fanOut(50, 40)));
  const first = ask(w, { from: 0, count: 5 });
  assert.equal(first.meta.spanCount, 1 + 50 + 2000);
  assert.equal(first.meta.total, first.meta.spanCount, 'everything expanded');
  assert.deepEqual(first.names, ['root', 'group-0', 'leaf-0', 'leaf-1', 'leaf-2']);
  assert.deepEqual(first.meta.childCount.slice(0, 2), [50, 40], 'child counts are the whole trace\'s');
  const last = ask(w, { view: first.meta.view, from: first.meta.total - 1, count: 10 });
  assert.equal(last.meta.view, first.meta.view);
  assert.deepEqual(last.names, ['leaf-1999']);
  assert.equal(last.meta.from, first.meta.total - 1);
});

test('collapse all, expand one, expand all: the view remembers between windows', () => {
  const w = new TraceWindows(store(fanOut(50, 40)));
  const a = ask(w, { ops: [{ kind: 'collapseAll' }], from: 0, count: 100 });
  assert.equal(a.meta.total, 1);
  const b = ask(w, { view: a.meta.view, ops: [{ kind: 'toggle', row: 0 }], from: 0, count: 100 });
  assert.equal(b.meta.total, 51);
  assert.deepEqual(b.meta.collapsed.slice(0, 3), [0, 1, 1]);
  const c = ask(w, { view: a.meta.view, from: 0, count: 1 });
  assert.equal(c.meta.total, 51, 'the same view without ops keeps its state');
  const d = ask(w, { view: a.meta.view, ops: [{ kind: 'expandAll' }], from: 0, count: 1 });
  assert.equal(d.meta.total, 2051);
});

test('find covers every span; the next match is revealed (its collapsed ancestors open) and placed', () => {
  const w = new TraceWindows(store(fanOut(50, 40)));
  const a = ask(w, { ops: [{ kind: 'collapseAll' }, { kind: 'find', query: 'leaf-1998', hide: false }], nav: { kind: 'firstMatch', from: -1 }, from: 0, count: 0 });
  assert.equal(a.meta.matchCount, 1);
  assert.ok(a.meta.target, 'a match was found');
  const row = a.meta.target.row;
  assert.equal(a.meta.target.matchIndex, 1);
  // the root and group-49 opened: 50 groups + root + 40 leaves of the last group
  assert.equal(a.meta.total, 1 + 50 + 40);
  const at = ask(w, { view: a.meta.view, from: a.meta.target.index, count: 1 });
  assert.deepEqual(at.names, ['leaf-1998']);
  assert.equal(at.meta.rows[0], row);
  assert.equal(at.meta.match[0], 1);
  // key=value finds by attribute; "only matches" keeps matches and their ancestors
  const b = ask(w, { view: a.meta.view, ops: [{ kind: 'expandAll' }, { kind: 'find', query: 'n=1999', hide: true }], from: 0, count: 10 });
  assert.deepEqual(b.names, ['root', 'group-49', 'leaf-1999']);
});

test('next error steps through failing spans of the whole trace and wraps', () => {
  const w = new TraceWindows(store(fanOut(50, 40)));
  const a = ask(w, { ops: [{ kind: 'collapseAll' }], nav: { kind: 'error', from: -1, dir: 1 }, from: 0, count: 0 });
  assert.equal(a.meta.errorCount, Math.floor(2000 / 7));
  const first = a.meta.target.row;
  const back = ask(w, { view: a.meta.view, nav: { kind: 'error', from: first, dir: -1 }, from: 0, count: 0 });
  assert.ok(back.meta.target.row > first, 'the previous error from the first wraps to the last');
  const there = ask(w, { view: a.meta.view, from: back.meta.target.index, count: 1 });
  assert.equal(there.t.status[0], 2);
});

test('the critical path is marked in the windows; focus shows one subtree', () => {
  const w = new TraceWindows(store(fanOut(5, 3)));
  const a = ask(w, { ops: [{ kind: 'critical', on: true }], from: 0, count: 100 });
  assert.equal(a.meta.critical[0], 1, 'the root is on the path');
  assert.ok(a.meta.critical.reduce((x, y) => x + y, 0) >= 2);
  const g2 = a.meta.rows[a.names.indexOf('group-2')];
  const f = ask(w, { view: a.meta.view, ops: [{ kind: 'focus', row: g2 }], from: 0, count: 100 });
  assert.deepEqual(f.names, ['group-2', 'leaf-6', 'leaf-7', 'leaf-8']);
});

test('a trace that grew is ordered again; a trace not held answers undefined', () => {
  const spans = fanOut(2, 2);
  const w = new TraceWindows(store(spans));
  const a = ask(w, { from: 0, count: 100 });
  spans.push(span('late', 'r', 500, 600, { name: 'late' }));
  const b = ask(w, { view: a.meta.view, from: 0, count: 100 });
  assert.equal(b.meta.spanCount, a.meta.spanCount + 1);
  assert.ok(b.names.includes('late'));
  assert.equal(w.window('ffffffffffffffffffffffffffffffff', { from: 0, count: 1 }), undefined);
});

test('window requests are checked before they reach the receiver', () => {
  assert.ok(isWindowRequest({ from: 0, count: 100, ops: [{ kind: 'find', query: 'x', hide: false }], nav: { kind: 'match', from: 3, dir: -1 } }));
  assert.ok(!isWindowRequest({ from: 0, count: 5000 }), 'too many rows');
  assert.ok(!isWindowRequest({ from: -5, count: 1 }));
  assert.ok(!isWindowRequest({ from: 0, count: 1, ops: [{ kind: 'drop' }] }));
  assert.ok(!isWindowRequest({ from: 0, count: 1, nav: { kind: 'span', spanId: 'x'.repeat(100) } }));
});

test('find in the lowercased string table: a hit inside one string matches it, one across two strings does not', () => {
  const { stringsContaining } = require('../../out/src/receiver/traceWindows.js');
  const parts = ['GET /a', '', 'select x', 'ab', 'cd', 'xabcdx'];
  const offsets = new Uint32Array(parts.length + 1);
  for (let i = 0, c = 0; i <= parts.length; i++) {
    offsets[i] = c;
    c += (parts[i] ?? '').length;
  }
  const lower = parts.join('').toLowerCase();
  assert.deepEqual(Array.from(stringsContaining(lower, offsets, 'abcd')), [2, 2, 2, 2, 2, 1], '"ab"+"cd" is no match');
  assert.deepEqual(Array.from(stringsContaining(lower, offsets, 'x')), [2, 2, 1, 2, 2, 1]);
  assert.deepEqual(Array.from(stringsContaining(lower, offsets, 'get /')), [1, 2, 2, 2, 2, 2]);
});

test('aroundTarget: the answer holds the block of the row the nav found', () => {
  const w = new TraceWindows(store(fanOut(50, 40)));
  const a = ask(w, { ops: [{ kind: 'find', query: 'leaf-1990', hide: false }], nav: { kind: 'firstMatch', from: 0 }, from: 0, count: 128, aroundTarget: true });
  assert.equal(a.meta.from, Math.floor(a.meta.target.index / 128) * 128);
  assert.ok(a.names.includes('leaf-1990'));
});

test('an ordered trace is not read again while its span count stands (a cold trace would be read from disk)', () => {
  const spans = fanOut(3, 3);
  let reads = 0;
  const w = new TraceWindows({ summary: () => ({ spanCount: spans.length }), spans: () => (reads++, spans), spansPlacedByLogs: () => null, epoch });
  const a = ask(w, { from: 0, count: 5 });
  ask(w, { view: a.meta.view, from: 5, count: 5 });
  ask(w, { view: a.meta.view, ops: [{ kind: 'collapseAll' }], from: 0, count: 5 });
  assert.equal(reads, 1);
});

// ---- the fold index (src/receiver/foldIndex.ts) against a recount of every row ----

const { FoldIndex } = require('../../out/src/receiver/foldIndex.js');
const { visibleRows, collapseAll, expandToLevel, setSubtree, revealRow } = require('../../out/webview/model/rows.js');

/** a random forest of n spans (deterministic): several roots, deep chains and wide fan-outs */
function randomForest(n, seed) {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const spans = [];
  for (let i = 0; i < n; i++) {
    const parent = i === 0 || rand() < 0.05 ? null : `s${Math.max(0, i - 1 - Math.floor(rand() * rand() * i))}`;
    spans.push(span(`s${i}`, parent, i * 10, i * 10 + 5, { name: `op-${i}` }));
  }
  return { t: pack(spans), rand };
}

test('the fold index shows what a recount of every row shows, through random collapses, expands and reveals', () => {
  for (const seed of [1, 2, 3, 4]) {
    const { t, rand } = randomForest(400, seed);
    const f = new FoldIndex(t);
    let naive = new Uint8Array(t.spanCount);
    const check = (what) => {
      const rows = visibleRows(t, naive, null);
      assert.equal(f.total, rows.length, `${what}: total`);
      for (let i = 0; i < rows.length; i++) assert.equal(f.rowAt(i), rows[i], `${what}: row at ${i}`);
      const at = new Map(Array.from(rows, (r, i) => [r, i]));
      for (let r = 0; r <= t.spanCount; r++) {
        if (r < t.spanCount) assert.equal(f.indexOf(r), at.has(r) ? at.get(r) : -1, `${what}: index of ${r}`);
        let before = 0;
        while (before < rows.length && rows[before] < r) before++;
        assert.equal(f.shownBefore(r), before, `${what}: shown before ${r}`);
      }
      for (let i = 0; i + 1 < rows.length; i++) assert.equal(f.next(rows[i]), rows[i + 1], `${what}: after ${rows[i]}`);
      for (let r = 0; r < t.spanCount; r++) assert.equal(f.isCollapsed(r), naive[r] === 1, `${what}: collapsed ${r}`);
    };
    check('expanded');
    for (let step = 0; step < 120; step++) {
      const r = Math.floor(rand() * t.spanCount);
      const x = rand();
      let what;
      if (x < 0.45) {
        const to = !f.isCollapsed(r) && t.childCount[r] > 0;
        f.set(r, to);
        naive[r] = to ? 1 : 0;
        what = `toggle ${r}`;
      } else if (x < 0.6) {
        const to = !f.isCollapsed(r);
        f.setSubtree(r, to);
        naive = setSubtree(t, naive, r, to);
        what = `subtree ${r}`;
      } else if (x < 0.75) {
        f.reveal(r);
        naive = revealRow(t, naive, r);
        what = `reveal ${r}`;
      } else if (x < 0.82) {
        f.collapseAll();
        naive = collapseAll(t);
        what = 'collapse all';
      } else if (x < 0.88) {
        f.expandAll();
        naive = new Uint8Array(t.spanCount);
        what = 'expand all';
      } else {
        const n = 1 + Math.floor(rand() * 5);
        f.expandToLevel(n);
        naive = expandToLevel(t, n);
        what = `level ${n}`;
      }
      check(`seed ${seed} step ${step}: ${what}`);
    }
  }
});

test('windows through the fold index: collapse a subtree in the middle, focus inside it, rows follow the recount', () => {
  const spans = fanOut(30, 20);
  const w = new TraceWindows(store(spans));
  const t = pack(spans);
  const a = ask(w, { from: 0, count: 0 });
  const g7 = t.rowOf(spans.find((s) => s.name === 'group-7').spanId);
  const b = ask(w, { view: a.meta.view, ops: [{ kind: 'toggle', row: g7 }], from: 150, count: 10 });
  const naive = new Uint8Array(t.spanCount);
  naive[g7] = 1;
  const rows = visibleRows(t, naive, null);
  assert.equal(b.meta.total, rows.length);
  assert.deepEqual(b.meta.rows, Array.from(rows.subarray(150, 160)));
  // focus on group-8: its rows only, counted from 0
  const g8 = t.subtreeEnd[g7];
  const c = ask(w, { view: a.meta.view, ops: [{ kind: 'focus', row: g8 }], from: 0, count: 100 });
  assert.equal(c.meta.total, 21);
  assert.equal(c.meta.rows[0], g8);
  // a nav to a row inside the collapsed group reveals it and places it among the rows shown
  const leaf = g7 + 5;
  const d = ask(w, { view: a.meta.view, ops: [{ kind: 'focus', row: -1 }], nav: { kind: 'row', row: leaf }, from: 0, count: 1 });
  assert.equal(d.meta.total, t.spanCount);
  assert.equal(d.meta.target.index, leaf);
});

test('find reaches a span near the end of the trace by its row label, across every span', () => {
  const spans = fanOut(40, 25);
  // the last leaf is an HTTP client span named by its method alone: only its label "GET /far/end" says where
  spans.push(span('far', 'g39', 4_000_000, 4_000_010, { name: 'GET', attrs: ['http.route', '/far/end'] }));
  const w = new TraceWindows(store(spans));
  const a = ask(w, { ops: [{ kind: 'collapseAll' }, { kind: 'find', query: 'get /far', hide: false }], nav: { kind: 'firstMatch', from: 0 }, from: 0, count: 1, aroundTarget: true });
  assert.equal(a.meta.matchCount, 1);
  const there = ask(w, { view: a.meta.view, from: a.meta.target.index, count: 1 });
  assert.deepEqual(there.names, ['GET']);
  // a second query on the same trace uses the labels worked out for the first
  const b = ask(w, { view: a.meta.view, ops: [{ kind: 'find', query: 'get /nowhere', hide: false }], from: 0, count: 1 });
  assert.equal(b.meta.matchCount, 0);
});

test('ordering in steps packs the same bytes as ordering at once, and prepare lets the event loop run between steps', async () => {
  const { encodePackedTrace, encodePackedTraceSteps } = require('../../out/src/protocol/packedTrace.js');
  const { runSteps } = require('../../out/src/store/tree.js');
  const spans = fanOut(20, 30);
  // strings outside ASCII, a second root, an orphan and a parent cycle: every pass has something to do
  spans.push(span('o1', 'missing', 5, 9, { name: 'orphan 𐐀 é' }), span('c1', 'c2', 1, 2), span('c2', 'c1', 1, 3), span('r2', null, 7, 8, { name: 'Ünïcode root' }));
  const whole = encodePackedTrace(spans, epoch);
  let steps = 0;
  const g = encodePackedTraceSteps(spans, epoch, {}, 7);
  for (let r = g.next(); !r.done; r = g.next()) steps++;
  assert.ok(steps > 100, `ordered in many steps (${steps})`);
  assert.deepEqual(runSteps(encodePackedTraceSteps(spans, epoch, {}, 7)), whole);

  // one step of 7 spans per turn of the event loop
  const w = new TraceWindows(store(spans), { slice: 7, runMs: 0 });
  let turns = 0;
  let ticking = true;
  const tick = () => {
    turns++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  await w.prepare(TRACE);
  ticking = false;
  assert.ok(w.lastOrder && w.lastOrder.longestBlockMs >= 0);
  const a = ask(w, { from: 0, count: 2000 });
  const t = decodePackedTrace(whole);
  assert.deepEqual(a.meta.rows.length, t.spanCount);
  assert.deepEqual(a.names, Array.from({ length: t.spanCount }, (_, r) => t.str(t.name[r])));
  assert.ok(turns > 100, `the event loop ran between the steps (${turns} turns)`);
});

test('a window asked while prepare is still ordering finishes the ordering at once and answers', async () => {
  const spans = fanOut(100, 100);
  const w = new TraceWindows(store(spans));
  const pending = w.prepare(TRACE);
  const a = ask(w, { from: 0, count: 3 });
  assert.deepEqual(a.names, ['root', 'group-0', 'leaf-0']);
  await pending;
  assert.equal(w.lastOrder, null, 'the window ordered it, not the steps');
  const b = ask(w, { view: a.meta.view, from: 10101 - 1, count: 3 });
  assert.deepEqual(b.names, ['leaf-9999']);
});

test('a window asked with stats carries the statistics over every span, the operations with the most self time first', () => {
  const { MAX_STAT_OPERATIONS } = require('../../out/src/protocol/rowWindow.js');
  const w = new TraceWindows(store(fanOut(50, 40)));
  const plain = ask(w, { from: 0, count: 1 });
  assert.equal(plain.meta.stats, undefined, 'only when asked');
  const a = ask(w, { view: plain.meta.view, stats: true, from: 0, count: 0 });
  const { services, operations, operationsLeftOff } = a.meta.stats;
  assert.equal(services.reduce((n, s) => n + s.count, 0), 2051);
  assert.deepEqual(services.map((s) => s.service).sort(), ['api', 'db', 'svc']);
  // root + 50 groups + 2000 leaves, each its own operation: the most self time is kept
  assert.equal(operations.length, MAX_STAT_OPERATIONS);
  assert.equal(operationsLeftOff, 2051 - MAX_STAT_OPERATIONS);
  assert.equal(operations[0].operation, 'root');
  assert.ok(isWindowRequest({ from: 0, count: 0, stats: true }));
  assert.ok(!isWindowRequest({ from: 0, count: 0, stats: 'yes' }));
});

test('an ordering in steps that fails rejects, and the next request orders the trace afresh', async () => {
  const spans = fanOut(3, 3);
  let broken = true;
  const src = store(spans);
  // (the same span count both times: the failed ordering must not be kept as the trace's)
  const w = new TraceWindows({ ...src, spans: (id) => (broken ? [...spans.slice(0, -1), null] : src.spans(id)) }, { slice: 2, runMs: 0 });
  await assert.rejects(w.prepare(TRACE));
  broken = false;
  await w.prepare(TRACE);
  assert.equal(ask(w, { from: 0, count: 100 }).meta.total, spans.length);
});

test('the minimap of a windowed trace: runs of covered cells equal a cell-by-cell drawing of every span', () => {
  const { SERVICE_COLORS } = require('../../out/webview/model/serviceColors.js');
  const spans = fanOut(40, 25);
  const w = new TraceWindows(store(spans));
  const rows = 16;
  const cols = 50;
  const { meta } = ask(w, { minimap: { rows, cols }, from: 0, count: 0 });
  const m = meta.minimap;
  assert.deepEqual([m.rows, m.cols, m.slots], [rows, cols, SERVICE_COLORS.length]);
  const t = pack(spans);
  const slotOf = new Map(t.services.map((s, i) => [s, i % SERVICE_COLORS.length]));
  const total = Math.max(1, t.durationNs);
  const want = new Set();
  for (let r = 0; r < t.spanCount; r++) {
    const y = Math.floor((r * rows) / t.spanCount);
    const x0 = Math.min(cols - 1, Math.floor((Math.max(0, t.start[r]) * cols) / total));
    const x1 = Math.min(cols, Math.max(x0 + 1, Math.ceil((Math.min(total, t.end[r]) * cols) / total)));
    for (let x = x0; x < x1; x++) {
      want.add(`${y}:${slotOf.get(t.service[r])}:${x}`);
      if (t.status[r] === 2) want.add(`${y}:${m.slots}:${x}`);
    }
  }
  const got = new Set();
  for (let k = 0; k < m.runs.length; k += 4) for (let x = m.runs[k + 2]; x < m.runs[k + 3]; x++) got.add(`${m.runs[k]}:${m.runs[k + 1]}:${x}`);
  assert.deepEqual([...got].sort(), [...want].sort());
  assert.ok(m.runs.length / 4 < want.size, 'covered cells come as runs');
  assert.equal(meta.durationNs, t.durationNs);
  assert.ok(!isWindowRequest({ from: 0, count: 0, minimap: { rows: 0, cols: 10 } }));
  assert.ok(!isWindowRequest({ from: 0, count: 0, minimap: { rows: 10, cols: 100_000 } }));
});
