const { test } = require('node:test');
const assert = require('node:assert/strict');
const { span, pack, names } = require('./waterfall-helpers.js');
const rows = require('../../out/webview/model/rows.js');
const { findMatches, listRows, stepTo, parseQuery } = require('../../out/webview/model/find.js');

// root ─┬─ a ─┬─ a1
//       │     └─ a2 ─ a2x
//       └─ b ─── b1
function sample() {
  return pack([
    span('root', null, 0, 100, { name: 'root', service: 'web' }),
    span('a', 'root', 10, 50, { name: 'a', service: 'web', attrs: ['http.route', '/users/:id'] }),
    span('a1', 'a', 11, 20, { name: 'a1', service: 'db', attrs: ['db.statement', 'SELECT * FROM users'] }),
    span('a2', 'a', 21, 40, { name: 'a2', service: 'db' }),
    span('a2x', 'a2', 22, 30, { name: 'a2x', service: 'cache', status: 2 }),
    span('b', 'root', 60, 90, { name: 'b', service: 'web' }),
    span('b1', 'b', 61, 70, { name: 'b1', service: 'queue', attrs: ['messaging.system', 'kafka'] }),
  ]);
}
const none = (t) => new Uint8Array(t.spanCount);

test('all rows in depth-first order when nothing is collapsed', () => {
  const t = sample();
  assert.deepEqual(names(t, rows.visibleRows(t, none(t), null)), ['root', 'a', 'a1', 'a2', 'a2x', 'b', 'b1']);
});

test('collapsing a span hides its subtree only', () => {
  const t = sample();
  const c = none(t);
  c[1] = 1; // a
  assert.deepEqual(names(t, rows.visibleRows(t, c, null)), ['root', 'a', 'b', 'b1']);
  c[0] = 1;
  assert.deepEqual(names(t, rows.visibleRows(t, c, null)), ['root']);
});

test('collapse all, expand to level N, subtree collapse and reveal', () => {
  const t = sample();
  assert.deepEqual(names(t, rows.visibleRows(t, rows.collapseAll(t), null)), ['root']);
  assert.deepEqual(names(t, rows.visibleRows(t, rows.expandToLevel(t, 2), null)), ['root', 'a', 'b']);
  assert.deepEqual(names(t, rows.visibleRows(t, rows.expandToLevel(t, 3), null)), ['root', 'a', 'a1', 'a2', 'b', 'b1']);
  const sub = rows.setSubtree(t, none(t), 1, true);
  assert.deepEqual(names(t, rows.visibleRows(t, sub, null)), ['root', 'a', 'b', 'b1']);
  // expanding 'a' alone still leaves a2 collapsed (the subtree was collapsed as a whole)
  const onlyA = sub.slice();
  onlyA[1] = 0;
  assert.deepEqual(names(t, rows.visibleRows(t, onlyA, null)), ['root', 'a', 'a1', 'a2', 'b', 'b1']);
  const revealed = rows.revealRow(t, rows.collapseAll(t), 4);
  assert.deepEqual(names(t, rows.visibleRows(t, revealed, null)), ['root', 'a', 'a1', 'a2', 'a2x', 'b']);
  assert.equal(rows.indexOfRow(rows.visibleRows(t, revealed, null), 4), 4);
  assert.equal(rows.indexOfRow(rows.visibleRows(t, revealed, null), 6), -1);
});

test('hide non-matching keeps the ancestors of matches, and collapse still applies', () => {
  const t = sample();
  const m = findMatches(t, 'a2x');
  const keep = rows.keepWithAncestors(t, m);
  assert.deepEqual(names(t, rows.visibleRows(t, none(t), keep)), ['root', 'a', 'a2', 'a2x']);
  const c = none(t);
  c[1] = 1;
  assert.deepEqual(names(t, rows.visibleRows(t, c, keep)), ['root', 'a']);
});

test('find matches names, services, attribute keys and values; key=value; case-insensitive', () => {
  const t = sample();
  const found = (q) => names(t, listRows(findMatches(t, q)));
  assert.deepEqual(found('A2'), ['a2', 'a2x']);
  assert.deepEqual(found('cache'), ['a2x']);
  assert.deepEqual(found('select *'), ['a1']);
  assert.deepEqual(found('http.route'), ['a']);
  assert.deepEqual(found('messaging.system=KAF'), ['b1']);
  assert.deepEqual(found('db.statement='), ['a1']);
  assert.deepEqual(found('db.statement=insert'), []);
  assert.equal(findMatches(t, '   '), null);
  assert.deepEqual(parseQuery(' k = v '), { kind: 'attr', key: 'k', text: 'v' });
});

test('next/previous step through matches and wrap around', () => {
  const list = Int32Array.from([2, 5, 9]);
  assert.equal(stepTo(list, 5, 1), 9);
  assert.equal(stepTo(list, 9, 1), 2);
  assert.equal(stepTo(list, 2, -1), 9);
  assert.equal(stepTo(list, -1, 1), 2);
  assert.equal(stepTo(new Int32Array(0), 0, 1), -1);
});

test('orphans and cut cycles become roots of their own, each shown once', () => {
  const t = pack([
    span('r', null, 0, 100, { name: 'root' }),
    span('o', 'missing', 5, 50, { name: 'orphan' }),
    span('oc', 'o', 6, 7, { name: 'orphan-child' }),
    span('x', 'y', 10, 20, { name: 'x' }),
    span('y', 'x', 12, 18, { name: 'y' }),
  ]);
  const all = names(t, rows.visibleRows(t, none(t), null));
  assert.deepEqual(all, ['root', 'orphan', 'orphan-child', 'x', 'y']);
  assert.equal(t.parent[3], -1, 'the cycle is cut at its earliest span');
  assert.equal(t.parent[4], 3);
});

// spans named by their HTTP method alone ("GET", Node's HTTP instrumentation without a framework's route)
function bareMethods() {
  return pack([
    span('root', null, 0, 100, { name: 'GET', service: 'web', attrs: ['http.request.method', 'GET', 'http.route', '/checkout'] }),
    span('c1', 'root', 10, 40, { name: 'GET', service: 'web', attrs: ['url.full', 'http://stock:8080/api/stock/7?token=secret'] }),
    span('c2', 'root', 40, 60, { name: 'POST', service: 'web', attrs: ['http.target', '/api/pay?card=4111'] }),
    span('c3', 'root', 60, 70, { name: 'GET', service: 'web', attrs: ['server.address', 'db'] }),
    span('c4', 'root', 70, 80, { name: 'GET /named', service: 'web', attrs: ['http.route', '/other'] }),
    span('c5', 'root', 80, 90, { name: 'GET', service: 'web', attrs: ['url.path', '/stock/8', 'http.route', '/stock/:id'] }),
  ]);
}

test('rowTarget: the route, else the path without the query, only for bare-method names', () => {
  const { rowTarget } = require('../../out/webview/model/rowTarget.js');
  const t = bareMethods();
  const targets = [...Array(t.spanCount).keys()].map((r) => rowTarget(t, r));
  assert.deepEqual(targets, ['/checkout', '/api/stock/7', '/api/pay', undefined, undefined, '/stock/:id']);
});

test('find matches the label a bare-method row shows ("GET /api/stock"), and still each part', () => {
  const t = bareMethods();
  const found = (q) => [...listRows(findMatches(t, q))];
  assert.deepEqual(found('get /api/stock'), [1]);
  assert.deepEqual(found('POST /api'), [2]);
  assert.deepEqual(found('GET /checkout'), [0]);
  assert.deepEqual(found('secret'), [1], 'the query string is still found in the attribute value');
  assert.deepEqual(found('GET /other'), [], 'a span with its own name is not relabelled');
});

test('find: typing goes to the first match from the selection on, wrapping; the count never shows "?"', () => {
  const { firstFrom } = require('../../out/webview/model/find.js');
  const { findCount } = require('../../out/webview/components/Toolbar.js');
  const list = Int32Array.from([3, 7, 12]);
  assert.equal(firstFrom(list, -1), 3, 'no selection: the first match');
  assert.equal(firstFrom(list, 7), 7, 'the selection itself when it matches');
  assert.equal(firstFrom(list, 8), 12);
  assert.equal(firstFrom(list, 13), 3, 'wraps');
  assert.equal(firstFrom(new Int32Array(0), 0), -1);
  assert.equal(findCount('x', 2, 1031), '2 of 1,031');
  assert.equal(findCount('x', 0, 1031), '1,031 matches');
  assert.equal(findCount('x', 0, 1), '1 match');
  assert.equal(findCount('x', 0, 0), 'No results');
  assert.equal(findCount('  ', 0, 5), '');
});

test('withinSubtree: the visible rows of one subtree, collapsed parts left out', () => {
  const t = pack([span('r', null, 0, 100), span('a', 'r', 1, 50), span('a1', 'a', 2, 10), span('a2', 'a', 11, 20), span('b', 'r', 51, 90), span('b1', 'b', 52, 60)]);
  const a = t.rowOf(require('./waterfall-helpers.js').hex('a'));
  const all = rows.visibleRows(t, new Uint8Array(t.spanCount), null);
  assert.deepEqual(names(t, rows.withinSubtree(t, all, a)), ['op-a', 'op-a1', 'op-a2']);
  const folded = new Uint8Array(t.spanCount);
  folded[a] = 1;
  assert.deepEqual(names(t, rows.withinSubtree(t, rows.visibleRows(t, folded, null), a)), ['op-a']);
  assert.deepEqual(names(t, rows.withinSubtree(t, all, 0)).length, 6);
});
