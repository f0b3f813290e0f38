// The flame graph's pure parts (webview/model/flame.ts): widths from self time, merging by operation path,
// zoom math, hit-testing and the pruning that keeps a 100k-span trace cheap to draw.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { span, pack } = require('./waterfall-helpers.js');
const {
  flameLayout, nodeLabel, zoomToNode, zoomAround, panBy, clampWindow, wholeWindow, minWindow, nodeAt, forEachVisible, pathTo, nodeMatches, boxPx,
} = require('../../out/webview/model/flame.js');
const { findMatches } = require('../../out/webview/model/find.js');
const { rowTarget } = require('../../out/webview/model/rowTarget.js');

const label = (t, f) => Array.from({ length: f.count }, (_, i) => nodeLabel(t, f, i));
const nodeNamed = (t, f, name) => label(t, f).indexOf(name);

// GET /cart (0–100) → cart (10–90) → 3× SELECT stock (10 each, sequential) + render (60–80)
//                   → a child that outlives the root: async (90–130)
function cartTrace() {
  return pack([
    span('root', null, 0, 100, { name: 'GET /cart', service: 'gateway' }),
    span('cart', 'root', 10, 90, { name: 'load cart', service: 'cart' }),
    span('q1', 'cart', 10, 20, { name: 'SELECT stock', service: 'inventory' }),
    span('q2', 'cart', 20, 30, { name: 'SELECT stock', service: 'inventory', status: 2 }),
    span('q3', 'cart', 30, 40, { name: 'SELECT stock', service: 'inventory' }),
    span('render', 'cart', 60, 80, { name: 'render', service: 'cart' }),
    span('async', 'root', 90, 130, { name: 'send email', service: 'mail' }),
  ]);
}

test('spans mode: a box per span, width = self time of the subtree, children left to right in start order', () => {
  const t = cartTrace();
  const f = flameLayout(t, 'spans');
  assert.equal(f.count, 7);
  const at = (name) => nodeNamed(t, f, name);
  // load cart: 80 long, children cover 50 → self 30; width 30 + 10 + 10 + 10 + 20
  assert.equal(f.self[at('load cart')], 30);
  assert.equal(f.width[at('load cart')], 80);
  // root: 100 long, its children cover 10–100 → self 10; the async child keeps its full 40
  assert.equal(f.self[at('GET /cart')], 10);
  assert.equal(f.width[at('GET /cart')], 10 + 80 + 40, 'wider than its duration: the async child is counted whole');
  assert.equal(f.total, 130);
  assert.equal(f.duration[at('GET /cart')], 100);
  // children from the parent's left edge, in start order; the self time is what is left on the right
  assert.equal(f.x[at('GET /cart')], 0);
  assert.equal(f.x[at('load cart')], 0);
  assert.equal(f.x[at('send email')], 80);
  const selects = label(t, f).flatMap((l, i) => (l === 'SELECT stock' ? [f.x[i]] : []));
  assert.deepEqual(selects, [0, 10, 20]);
  assert.equal(f.x[at('render')], 30);
  assert.deepEqual(Array.from(f.depth), [0, 1, 2, 2, 2, 2, 1]);
  assert.equal(f.maxDepth, 2);
  assert.equal(f.end[at('load cart')], at('load cart') + 5);
  assert.equal(f.errors[t.rowOf(span('q2', null, 0, 0).spanId)], 1);
});

test('operations mode: spans with the same (service, name) path from the root merge into one box', () => {
  const t = cartTrace();
  const f = flameLayout(t, 'operations');
  assert.deepEqual(label(t, f), ['GET /cart', 'load cart', 'SELECT stock', 'render', 'send email']);
  const sel = nodeNamed(t, f, 'SELECT stock');
  assert.equal(f.spans[sel], 3);
  assert.equal(f.errors[sel], 1);
  assert.equal(f.width[sel], 30);
  assert.equal(f.self[sel], 30);
  assert.equal(f.duration[sel], 30);
  // heaviest child first: SELECT stock (30) before render (20); load cart (80) before send email (40)
  assert.equal(f.x[sel], 0);
  assert.equal(f.x[nodeNamed(t, f, 'render')], 30);
  assert.equal(f.x[nodeNamed(t, f, 'send email')], 80);
  assert.equal(f.total, 130, 'merging keeps the total');
  // every row is drawn in its merged node
  for (let r = 0; r < t.spanCount; r++) assert.equal(nodeLabel(t, f, f.nodeOf[r]), t.str(t.name[r]));
  assert.deepEqual(Array.from(f.end), [5, 4, 3, 4, 5]);
});

test('operations mode: the same name on another path or in another service stays apart; the longest span labels the node', () => {
  const t = pack([
    span('r', null, 0, 1000, { name: 'GET /a', service: 'web' }),
    span('a', 'r', 0, 100, { name: 'db', service: 'orders' }),
    span('b', 'r', 100, 400, { name: 'db', service: 'orders' }),
    span('c', 'r', 400, 500, { name: 'db', service: 'users' }),
    span('d', 'r', 500, 900, { name: 'call', service: 'web' }),
    span('e', 'd', 500, 600, { name: 'db', service: 'orders' }),
  ]);
  const f = flameLayout(t, 'operations');
  const svc = (i) => t.str(t.service[f.row[i]]);
  const dbs = label(t, f).flatMap((l, i) => (l === 'db' ? [[svc(i), f.depth[i], f.spans[i]]] : []));
  assert.deepEqual(dbs, [['orders', 1, 2], ['orders', 2, 1], ['users', 1, 1]]);
  const merged = label(t, f).findIndex((l, i) => l === 'db' && f.spans[i] === 2);
  assert.equal(f.row[merged], t.rowOf(span('b', null, 0, 0).spanId), 'the longest of the merged spans');
});

test('operations mode: spans named by their HTTP method alone merge per route, as the Statistics tab counts them', () => {
  const t = pack([
    span('r', null, 0, 100, { name: 'root', service: 'web' }),
    span('a', 'r', 0, 10, { name: 'GET', service: 'web', attrs: ['http.request.method', 'GET', 'url.full', 'http://x/users/1'] }),
    span('b', 'r', 10, 20, { name: 'GET', service: 'web', attrs: ['http.request.method', 'GET', 'http.route', '/items'] }),
    span('c', 'r', 20, 30, { name: 'GET', service: 'web', attrs: ['http.request.method', 'GET', 'http.route', '/items'] }),
  ]);
  const f = flameLayout(t, 'operations', (r) => rowTarget(t, r));
  const labels = label(t, f);
  assert.equal(labels.filter((l) => l.startsWith('GET ')).length, 2, labels.join(' | '));
  assert.equal(f.spans[labels.indexOf('GET /items')], 2);
  // without the target rule they are one box
  assert.deepEqual(label(t, flameLayout(t, 'operations')), ['root', 'GET']);
  // one box per span: labelled as the waterfall's rows label them
  assert.deepEqual(label(t, flameLayout(t, 'spans', (r) => rowTarget(t, r))), ['root', 'GET /users/1', 'GET /items', 'GET /items']);
});

test('several roots (an orphan) sit side by side; zero-length spans get no width and are never hit', () => {
  const t = pack([
    span('r', null, 0, 50, { name: 'root' }),
    span('z', 'r', 10, 10, { name: 'instant' }),
    span('o', 'missing', 60, 80, { name: 'orphan' }),
  ]);
  for (const mode of ['spans', 'operations']) {
    const f = flameLayout(t, mode);
    assert.equal(f.total, 70, mode);
    const o = nodeNamed(t, f, 'orphan');
    assert.equal(f.depth[o], 0);
    const w = wholeWindow(f);
    assert.equal(nodeAt(f, w, 700, 650, 0), o, `${mode}: the orphan is at the right`);
    assert.equal(nodeAt(f, w, 700, 100, 0), nodeNamed(t, f, 'root'));
    const z = nodeNamed(t, f, 'instant');
    assert.equal(f.width[z], 0);
    for (let x = 0; x < 700; x += 7) assert.notEqual(nodeAt(f, w, 700, x, 1), z, `${mode}: x=${x}`);
  }
});

test('hit-testing follows the zoom; outside a box and past the deepest level is nothing', () => {
  const t = cartTrace();
  const f = flameLayout(t, 'spans');
  const w = wholeWindow(f); // 130 units over 1300 px: 10 px per ns
  const rows = (x, d) => { const n = nodeAt(f, w, 1300, x, d); return n < 0 ? null : nodeLabel(t, f, n); };
  assert.equal(rows(5, 0), 'GET /cart');
  assert.equal(rows(1295, 0), 'GET /cart');
  assert.equal(rows(850, 1), 'send email');
  assert.equal(rows(795, 1), 'load cart');
  assert.equal(rows(150, 2), 'SELECT stock');
  assert.equal(rows(350, 2), 'render');
  assert.equal(rows(550, 2), null, 'the parent\'s self time has no child');
  assert.equal(rows(100, 3), null);
  assert.equal(rows(100, -1), null);
  const cart = nodeNamed(t, f, 'load cart');
  const z = zoomToNode(f, cart);
  assert.deepEqual(z, { x0: 0, x1: 80 });
  assert.equal(nodeAt(f, z, 800, 790, 1), cart);
  assert.equal(nodeLabel(t, f, nodeAt(f, z, 800, 450, 2)), 'render', '30–50 of 80 is render');
  const b = boxPx(f, z, 800, nodeNamed(t, f, 'render'));
  assert.deepEqual(b, { left: 300, width: 200 });
});

test('zoom math: around the pointer, clamped to the graph, never narrower than the minimum', () => {
  const total = 1000;
  const w = { x0: 0, x1: 1000 };
  // zooming in 2× at the middle keeps the middle still
  assert.deepEqual(zoomAround(w, total, 0.5, 2), { x0: 250, x1: 750 });
  // at the left edge the left edge stays
  assert.deepEqual(zoomAround(w, total, 0, 4), { x0: 0, x1: 250 });
  // the point under the pointer stays under it
  const z = zoomAround({ x0: 100, x1: 300 }, total, 0.25, 2);
  assert.equal(z.x0 + (z.x1 - z.x0) * 0.25, 150);
  // zooming out past the whole gives the whole
  assert.deepEqual(zoomAround({ x0: 400, x1: 600 }, total, 0.5, 0.01), { x0: 0, x1: 1000 });
  // the smallest window: 1 unit here (a nanosecond), and a millionth of a big graph
  assert.equal(zoomAround(w, total, 0.5, 1e9).x1 - zoomAround(w, total, 0.5, 1e9).x0, 1);
  assert.equal(minWindow(5e12), 5e6);
  // panning stops at the ends
  assert.deepEqual(panBy({ x0: 0, x1: 100 }, total, 0.5), { x0: 50, x1: 150 });
  assert.deepEqual(panBy({ x0: 900, x1: 1000 }, total, 0.5), { x0: 900, x1: 1000 });
  assert.deepEqual(panBy({ x0: 10, x1: 110 }, total, -1), { x0: 0, x1: 100 });
  assert.deepEqual(clampWindow({ x0: NaN, x1: NaN }, total), { x0: 0, x1: 1000 });
});

test('the breadcrumb of a zoom is the path from the root', () => {
  const t = cartTrace();
  const f = flameLayout(t, 'operations');
  const sel = nodeNamed(t, f, 'SELECT stock');
  assert.deepEqual(pathTo(f, sel).map((n) => nodeLabel(t, f, n)), ['GET /cart', 'load cart', 'SELECT stock']);
});

test('find: a node matches when any of its spans does', () => {
  const t = cartTrace();
  const f = flameLayout(t, 'operations');
  const m = nodeMatches(f, findMatches(t, 'inventory'));
  assert.deepEqual(label(t, f).filter((_, i) => m[i]), ['SELECT stock']);
  assert.equal(nodeMatches(f, findMatches(t, '')), null);
});

test('only boxes that can be seen are visited: narrow subtrees are skipped whole', () => {
  // a root with 10,000 children of 1 ns each, and one 1 ms child with a grandchild
  const spans = [span('root', null, 0, 2e6, { name: 'root' }), span('big', 'root', 0, 1e6, { name: 'big' }), span('gc', 'big', 0, 5e5, { name: 'grandchild' })];
  for (let i = 0; i < 10000; i++) spans.push(span(`c${i}`, 'root', 1e6 + i, 1e6 + i + 1, { name: 'tiny' }));
  const t = pack(spans);
  const f = flameLayout(t, 'spans');
  const seen = [];
  forEachVisible(f, wholeWindow(f), 1000, 0.5, 0, 99, (n) => seen.push(nodeLabel(t, f, n)));
  assert.deepEqual(seen, ['root', 'big', 'grandchild'], 'the 1-ns children are narrower than half a pixel');
  // zoomed into the tiny ones they are drawn, and only those in the window
  const tiny = [];
  forEachVisible(f, { x0: 1e6 + 10, x1: 1e6 + 20 }, 1000, 0.5, 1, 1, (n, left, width) => tiny.push([nodeLabel(t, f, n), Math.round(left), Math.round(width)]));
  assert.equal(tiny.length, 10);
  assert.deepEqual(tiny[0], ['tiny', 0, 100]);
  // a depth range limits the levels
  const d2 = [];
  forEachVisible(f, wholeWindow(f), 1000, 0.5, 2, 2, (n) => d2.push(nodeLabel(t, f, n)));
  assert.deepEqual(d2, ['grandchild']);
});

test('a 100k-span trace lays out in well under the first-paint budget, in both modes', () => {
  const spans = [span('root', null, 0, 1e9, { name: 'root', service: 'gw' })];
  for (let i = 1; i < 100000; i++) {
    const parent = i < 100 ? 'root' : `s${i % 100}`;
    spans.push(span(`s${i}`, parent, i * 1000, i * 1000 + 5000, { name: `op${i % 37}`, service: `svc${i % 7}` }));
  }
  const t = pack(spans);
  for (const mode of ['spans', 'operations']) {
    const t0 = performance.now();
    const f = flameLayout(t, mode, (r) => rowTarget(t, r));
    const ms = performance.now() - t0;
    assert.ok(f.count > 0);
    // generous: the shared 2-core machine runs several times slower than a laptop
    assert.ok(ms < 1000, `${mode}: ${ms.toFixed(0)} ms`);
    // widths add up: every root-level box and all self time
    let selfSum = 0;
    for (let i = 0; i < f.count; i++) selfSum += f.self[i];
    assert.ok(Math.abs(selfSum - f.total) < 1e-6 * f.total, mode);
  }
});
