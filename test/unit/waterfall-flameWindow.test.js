// The flame graph of a windowed trace (issue 26): the receiver lays out every span (webview/model/flame.ts,
// in steps) and sends the boxes one zoom range can show (webview/model/flameWindow.ts); the webview draws
// them as a layout of their own. The boxes sent are the ones the whole trace's flame graph draws.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { span, epoch } = require('./waterfall-helpers.js');
const { decodePackedTrace, encodePackedTrace } = require('../../out/src/protocol/packedTrace.js');
const { decodeWindow, isWindowRequest, MAX_FLAME_BOXES, FLAME_MIN_PX } = require('../../out/src/protocol/rowWindow.js');
const { TraceWindows } = require('../../out/src/receiver/traceWindows.js');
const { flameLayout, flameLayoutSteps, forEachVisible, nodeLabel, nodeAt, nodeMatches, pathTo, boxPx } = require('../../out/webview/model/flame.js');
const { boxLayout } = require('../../out/webview/model/flameWindow.js');
const { rowTarget } = require('../../out/webview/model/rowTarget.js');
const { findMatches } = require('../../out/webview/model/find.js');

const TRACE = '0af7651916cd43dd8448eb211c80319c';

/** a gateway fanning out to services, repeated operations (merged in 'operations' mode), bare-method HTTP
 *  spans named by their route, errors, an async child that outlives its parent, and a second root */
function mixed(groups = 12) {
  const spans = [span('root', null, 0, 1_000_000, { name: 'GET', service: 'gateway', attrs: ['http.route', '/checkout'] })];
  for (let g = 0; g < groups; g++) {
    const at = g * 80_000;
    spans.push(span(`g${g}`, 'root', at, at + 70_000, { name: g % 3 ? 'load cart' : 'POST', service: 'cart', attrs: g % 3 ? [] : ['http.route', `/pay/${g % 2}`] }));
    for (let i = 0; i < 6; i++) {
      spans.push(span(`q${g}-${i}`, `g${g}`, at + i * 9000, at + i * 9000 + 1000 * (i + 1), { name: i % 2 ? 'SELECT stock' : `cache get ${i}`, service: i % 2 ? 'db' : 'cache', status: (g + i) % 7 === 0 ? 2 : 0 }));
    }
    spans.push(span(`a${g}`, `g${g}`, at + 60_000, at + 150_000, { name: 'send email', service: 'mail' }));
  }
  spans.push(span('root2', null, 500, 900, { name: 'late root', service: 'cron' }));
  return spans;
}

function store(spans) {
  return { summary: (id) => (id === TRACE ? { spanCount: spans.length } : undefined), spans: (id) => (id === TRACE ? spans : undefined), spansPlacedByLogs: () => null, epoch };
}

/** a flame request answered: the boxes, the rows sent beside them, and their layout as the webview builds it */
function flame(w, flameReq, view) {
  const req = { view, from: 0, count: 0, flame: flameReq };
  assert.ok(isWindowRequest(req), JSON.stringify(req));
  const bytes = w.window(TRACE, req);
  const { meta, packed } = decodeWindow(bytes);
  const t = decodePackedTrace(packed);
  return { meta, b: meta.flame, t, layout: boxLayout(meta.flame), bytes: bytes.byteLength };
}

/** the nodes the whole trace's flame graph draws in a view `px` wide */
function drawn(f, x0, x1, px) {
  const out = [];
  forEachVisible(f, { x0, x1 }, px, FLAME_MIN_PX, 0, Infinity, (node) => out.push(node));
  return out;
}

for (const mode of ['spans', 'operations']) {
  test(`${mode}: the boxes sent are those the whole trace's flame graph draws, with its positions, labels and counts`, () => {
    const spans = mixed();
    const w = new TraceWindows(store(spans));
    const { meta } = decodeWindow(w.window(TRACE, { from: 0, count: 0 }));
    assert.equal(meta.spanCount, spans.length);
    // the receiver's trace, as the whole-trace panel would hold it
    const t = decodePackedTrace(encodePackedTrace(spans, epoch));
    const f = flameLayout(t, mode, (r) => rowTarget(t, r));
    for (const [x0, x1, px] of [[0, f.total, 1200], [0, f.total, 40], [f.total * 0.3, f.total * 0.45, 900]]) {
      const nsPerPx = (x1 - x0) / px;
      const { b, t: rows, layout } = flame(w, { mode, x0, x1, nsPerPx });
      assert.deepEqual(b.node, drawn(f, x0, x1, px), `the same boxes at [${x0}, ${x1}] over ${px}px`);
      assert.equal(b.total, f.total);
      assert.equal(b.maxDepth, f.maxDepth);
      assert.equal(b.count, f.count);
      assert.equal(b.selected, -1);
      for (let j = 0; j < b.node.length; j++) {
        const n = b.node[j];
        assert.equal(layout.x[j], f.x[n]);
        assert.equal(layout.width[j], f.width[n]);
        assert.equal(layout.depth[j], f.depth[n]);
        assert.equal(layout.spans[j], f.spans[n]);
        assert.equal(layout.errors[j], f.errors[n]);
        assert.equal(layout.self[j], f.self[n]);
        assert.equal(nodeLabel(rows, layout, j), nodeLabel(t, f, n));
        assert.equal(rows.spanId(layout.row[j]), t.spanId(f.row[n]), 'the box names the span a click selects');
        assert.equal(rows.str(rows.service[layout.row[j]]), t.str(t.service[f.row[n]]));
        assert.equal(layout.parent[j] < 0 ? -1 : b.node[layout.parent[j]], f.parent[n]);
      }
      // hit-testing the boxes finds what the whole layout finds, and the breadcrumb of a box is the same path
      for (let k = 0; k < 50; k++) {
        const xPx = (k * 37) % px;
        for (let d = 0; d <= f.maxDepth; d++) {
          const mine = nodeAt(layout, { x0, x1 }, px, xPx, d);
          const theirs = nodeAt(f, { x0, x1 }, px, xPx, d);
          const visible = theirs >= 0 && boxPx(f, { x0, x1 }, px, theirs).width >= FLAME_MIN_PX;
          assert.equal(mine >= 0 ? b.node[mine] : -1, visible ? theirs : -1, `x ${xPx}px, depth ${d}`);
          if (mine >= 0) assert.deepEqual(pathTo(layout, mine).map((j) => b.node[j]), pathTo(f, theirs));
        }
      }
    }
  });
}

test('the selected row\'s box and the zoomed node come with their ancestors however narrow; find marks the boxes', () => {
  const spans = mixed();
  const w = new TraceWindows(store(spans));
  const t = decodePackedTrace(encodePackedTrace(spans, epoch));
  const f = flameLayout(t, 'operations', (r) => rowTarget(t, r));
  // the narrowest box with some width, in a view so coarse that it is not drawn
  let narrow = -1;
  for (let i = 0; i < f.count; i++) if (f.width[i] > 0 && (narrow < 0 || f.width[i] < f.width[narrow])) narrow = i;
  const row = f.row[narrow];
  const coarse = { mode: 'operations', x0: 0, x1: f.total, nsPerPx: f.total / 20 };
  assert.ok(!flame(w, coarse).b.node.includes(narrow));
  const { b, layout, t: rows } = flame(w, { ...coarse, row });
  assert.ok(b.selected >= 0);
  assert.equal(b.node[b.selected], narrow);
  assert.equal(rows.spanId(layout.row[b.selected]), t.spanId(row));
  assert.deepEqual(pathTo(layout, b.selected).map((j) => b.node[j]), pathTo(f, narrow));
  const byNode = flame(w, { ...coarse, node: narrow }).b;
  assert.ok(byNode.node.includes(narrow));
  // a find of the view marks the boxes holding a match
  const first = decodeWindow(w.window(TRACE, { ops: [{ kind: 'find', query: 'select', hide: false }], from: 0, count: 1 })).meta;
  const found = flame(w, { mode: 'operations', x0: 0, x1: f.total, nsPerPx: f.total / 4000 }, first.view).b;
  const want = nodeMatches(f, findMatches(t, 'select'));
  assert.deepEqual(found.match, found.node.map((n) => want[n]));
  assert.ok(found.match.some((m) => m === 1));
  assert.equal(flame(w, { mode: 'operations', x0: 0, x1: f.total, nsPerPx: 1 }).b.match, undefined, 'no view, no find');
});

test('the layout in steps is the layout at once; prepareFlame lets the event loop run between its steps', async () => {
  const spans = mixed(40);
  const t = decodePackedTrace(encodePackedTrace(spans, epoch));
  for (const mode of ['spans', 'operations']) {
    const target = (r) => rowTarget(t, r);
    const once = flameLayout(t, mode, target);
    const g = flameLayoutSteps(t, mode, target, 7);
    let steps = 0;
    let r = g.next();
    for (; !r.done; r = g.next()) steps++;
    assert.ok(steps > 20, `${mode}: many steps (${steps})`);
    const { targetOf: a, ...stepped } = r.value;
    const { targetOf: b, ...whole } = once;
    assert.deepEqual(stepped, whole, mode);
  }
  const w = new TraceWindows(store(spans), { slice: 7, runMs: 0 });
  await w.prepare(TRACE);
  let turns = 0;
  let ticking = true;
  const tick = () => {
    turns++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  await w.prepareFlame(TRACE, 'operations');
  ticking = false;
  assert.ok(turns > 20, `the event loop ran between the steps (${turns} turns)`);
  assert.ok(w.lastFlame);
  // a flame request asked while the steps run finishes them at once
  const pending = w.prepareFlame(TRACE, 'spans');
  const { b } = flame(w, { mode: 'spans', x0: 0, x1: 1e9, nsPerPx: 1 });
  assert.equal(b.count, spans.length);
  await pending;
});

test('flame requests are checked: a mode, a finite range, a positive width per pixel, and no rows asked beside', () => {
  const ok = { from: 0, count: 0, flame: { mode: 'spans', x0: 0, x1: 10, nsPerPx: 0.5 } };
  assert.ok(isWindowRequest(ok));
  assert.ok(!isWindowRequest({ ...ok, count: 5 }));
  assert.ok(!isWindowRequest({ ...ok, flame: { ...ok.flame, mode: 'icicle' } }));
  assert.ok(!isWindowRequest({ ...ok, flame: { ...ok.flame, x1: 0 } }));
  assert.ok(!isWindowRequest({ ...ok, flame: { ...ok.flame, nsPerPx: 0 } }));
  assert.ok(!isWindowRequest({ ...ok, flame: { ...ok.flame, x0: Number.NaN } }));
  assert.ok(!isWindowRequest({ ...ok, flame: { ...ok.flame, row: -1 } }));
});

test('a 200k-span trace: laid out in steps, and an answer is a few thousand boxes however fine the detail asked', async () => {
  const { generateTrace } = await import('../webview/traces.mjs');
  const { spans } = generateTrace(200_000);
  const w = new TraceWindows(store(spans));
  await w.prepare(TRACE);
  for (const mode of ['spans', 'operations']) {
    await w.prepareFlame(TRACE, mode);
    const { ms, longestBlockMs } = w.lastFlame;
    console.log(`flame layout of 200,000 spans (${mode}): ${ms.toFixed(0)} ms in steps, longest step ${longestBlockMs.toFixed(1)} ms`);
    assert.ok(longestBlockMs < 250, `no step holds the event loop long (${longestBlockMs.toFixed(0)} ms)`);
    const whole = flame(w, { mode, x0: 0, x1: 1e15, nsPerPx: 1e15 / 1400 });
    const total = whole.b.total;
    for (const nsPerPx of [total / 1400, total / 1e7, 1e-3]) {
      const t0 = performance.now();
      const a = flame(w, { mode, x0: 0, x1: total, nsPerPx });
      const ms2 = performance.now() - t0;
      assert.ok(a.b.node.length <= MAX_FLAME_BOXES + 1, `${a.b.node.length} boxes`);
      assert.ok(a.b.node.length > 0);
      console.log(`  ${mode}, ${(total / nsPerPx).toExponential(1)} px wide: ${a.b.node.length} boxes, ${(a.bytes / 1024).toFixed(0)} KB, ${ms2.toFixed(0)} ms${a.b.minWidth > nsPerPx * FLAME_MIN_PX ? ', narrowest width raised' : ''}`);
      assert.ok(a.bytes < 2_000_000, `${a.bytes} bytes`);
      assert.ok(ms2 < 1000);
    }
  }
});
