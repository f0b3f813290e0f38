// The trace diff's matching on real trace pairs recorded with the OpenTelemetry SDK (see diff-helpers.js),
// and on built traces for what the SDK cannot produce (cycles, duplicate ids, deep traces).
const test = require('node:test');
const assert = require('node:assert/strict');
const { diffTraces, verdict, textReport, markdownReport, jsonReport, rowPath } = require('../../out/src/diff/index.js');
const { recordSide } = require('./diff-helpers.js');

const names = (diff, kind) => diff.rows.filter((r) => r.kind === kind).map((r) => r.name);

test('the same request twice: every span matched, the structure the same', async () => {
  const a = await recordSide();
  const b = await recordSide();
  const d = diffTraces(a, b);
  assert.equal(a.spans.length, 9);
  assert.deepEqual(d.counts, { matched: 9, renamed: 0, added: 0, removed: 0 });
  assert.equal(d.structureDiffers, false);
  assert.deepEqual(d.rows.map((r) => `${' '.repeat(r.depth)}${r.name}`), [
    'GET /orders', ' auth', ' SELECT orders', ' GET /inventory', ' fetch item', ' fetch item', ' fetch item', ' render', '  template',
  ]);
  // every matched row pairs spans with the same name and parent row
  for (const r of d.rows) {
    assert.equal(r.a.name, r.b.name);
    assert.equal(typeof r.deltaMs, 'number');
  }
  // generous threshold: the same code twice is the same, whatever the timer jitter on a busy machine
  assert.equal(verdict(d, { thresholdPct: 500, minDeltaMs: 50 }).exitCode, 0);
});

test('a slower step comes first among the regressions, by its own time; its parent is slower too', async () => {
  const a = await recordSide();
  const b = await recordSide({ slowMs: 300 });
  const d = diffTraces(a, b);
  assert.equal(d.structureDiffers, false);
  const first = d.rows[d.regressions[0]];
  assert.equal(first.name, 'render');
  assert.ok(first.deltaMs > 200 && first.selfDeltaMs > 200, JSON.stringify(first));
  const root = d.rows.find((r) => r.depth === 0);
  // (timer jitter on a loaded machine moves the rest by tens of ms either way)
  assert.ok(root.deltaMs > 100 && root.selfDeltaMs < first.selfDeltaMs / 2, JSON.stringify(root));
  const v = verdict(d);
  assert.equal(v.exitCode, 1);
  assert.ok(v.regressed.map((i) => d.rows[i].name).includes('render'));
  const text = textReport(d);
  assert.match(text, /Slower \(by own time\):\n {2}GET \/orders > render: [\d.]+ ms → [\d.]+ ms \+/);
  assert.match(text, /Result: DIFFERENT — \d+ spans? slower by more than 20 % \(and 1\.00 ms\)\./);
  // the root is slower (by its children), so it is among the regressions, not the improvements
  assert.ok(d.regressions.includes(d.rows.indexOf(root)));
});

test('an extra retry: the failed first call is the added span, the good one matched', async () => {
  const a = await recordSide();
  const b = await recordSide({ retry: true });
  const d = diffTraces(a, b);
  assert.deepEqual(d.counts, { matched: 9, renamed: 0, added: 1, removed: 0 });
  const added = d.rows.find((r) => r.kind === 'added');
  assert.equal(added.name, 'GET /inventory');
  assert.equal(added.b.error, true);
  const matched = d.rows.find((r) => r.kind === 'matched' && r.name === 'GET /inventory');
  assert.equal(matched.b.error, false);
  // the rows keep B's order: the failed call before the good one
  const order = d.rows.filter((r) => r.name === 'GET /inventory').map((r) => r.kind);
  assert.deepEqual(order, ['added', 'matched']);
  assert.equal(verdict(d, { thresholdPct: 1000, minDeltaMs: 1000 }).exitCode, 1);
  assert.match(textReport(d), /added: GET \/orders > GET \/inventory \[shop\]/);
});

test('a loop of 3 vs 5 iterations: three matched from the first, two added at the end', async () => {
  const a = await recordSide({ items: 3 });
  const b = await recordSide({ items: 5 });
  const d = diffTraces(a, b);
  assert.deepEqual(d.counts, { matched: 9, renamed: 0, added: 2, removed: 0 });
  // which iterations are the extra ones follows their durations (timer jitter decides on a busy machine);
  // the rows keep B's order
  const loop = d.rows.filter((r) => r.name === 'fetch item');
  assert.equal(loop.length, 5);
  assert.deepEqual(loop.map((r) => r.b.startMs), loop.map((r) => r.b.startMs).sort((x, y) => x - y));
  // and the other way round: the extra iterations are removed
  const back = diffTraces(b, a);
  assert.deepEqual(back.counts, { matched: 9, renamed: 0, added: 0, removed: 2 });
});

test('siblings in another order: matched by what they are, not where they are', async () => {
  const a = await recordSide();
  const b = await recordSide({ reorder: true });
  const d = diffTraces(a, b);
  assert.equal(d.structureDiffers, false);
  assert.deepEqual(d.counts, { matched: 9, renamed: 0, added: 0, removed: 0 });
  // shown in B's order
  const top = d.rows.filter((r) => r.depth === 1).map((r) => r.name);
  assert.deepEqual(top.slice(0, 2), ['SELECT orders', 'auth']);
});

test('a renamed span: one row marked renamed, its children still matched', async () => {
  const a = await recordSide();
  const b = await recordSide({ rename: true });
  const d = diffTraces(a, b);
  assert.deepEqual(d.counts, { matched: 8, renamed: 1, added: 0, removed: 0 });
  const r = d.rows.find((x) => x.kind === 'renamed');
  assert.equal(r.a.name, 'render');
  assert.equal(r.b.name, 'render page');
  const child = d.rows[d.rows.indexOf(r) + 1];
  assert.equal(child.kind, 'matched');
  assert.equal(child.name, 'template');
  assert.equal(child.parent, d.rows.indexOf(r));
  assert.equal(d.structureDiffers, true);
  assert.match(textReport(d), /renamed: GET \/orders > render page \[shop\] [\d.]+ ms \(was "render"\)/);
});

// ── built traces ──────────────────────────────────────────────────────────────────────────────────

let nextId = 1;
/** spans from a nested literal: [name, startMs, endMs, children?, extra?] */
function build(node, parent = '', out = []) {
  const [name, start, end, kids = [], extra = {}] = node;
  const spanId = (nextId++).toString(16).padStart(16, '0');
  out.push({ spanId, parentSpanId: parent, name, kind: 1, service: 'svc', start: start * 1e6, end: end * 1e6, error: false, ...extra });
  for (const k of kids) build(k, spanId, out);
  return out;
}
const side = (node) => ({ traceId: 't', spans: build(node) });

test('self time: the duration less what its children cover (overlaps counted once, clipped to the span)', () => {
  const t = side(['root', 0, 100, [['a', 10, 30], ['b', 20, 50], ['c', 90, 130]]]);
  const d = diffTraces(t, t);
  assert.equal(d.rows[0].a.selfMs, 100 - 40 - 10);
  assert.equal(d.rows[0].selfDeltaMs, 0);
});

test('unequal loops pick the pairs whose durations fit, not just the first ones', () => {
  // A: 10, 50, 10 ms; B: 10, 10 ms — the 50 ms iteration is the one that went away
  const a = side(['root', 0, 100, [['q', 0, 10], ['q', 10, 60], ['q', 60, 70]]]);
  const b = side(['root', 0, 30, [['q', 0, 10], ['q', 10, 20]]]);
  const d = diffTraces(a, b);
  const removed = d.rows.find((r) => r.kind === 'removed');
  assert.equal(removed.a.durationMs, 50);
  assert.equal(d.rows.filter((r) => r.name === 'q' && r.kind === 'matched').every((r) => r.a.durationMs === 10), true);
});

test('an added subtree is one structural change with its spans counted below it', () => {
  const a = side(['root', 0, 100, [['x', 0, 10]]]);
  const b = side(['root', 0, 100, [['x', 0, 10], ['cache', 10, 20, [['get', 11, 12], ['set', 12, 13]]]]]);
  const d = diffTraces(a, b);
  assert.deepEqual(d.counts, { matched: 2, renamed: 0, added: 3, removed: 0 });
  assert.match(textReport(d), /added: root > cache \[svc\] 10\.0 ms \(and 2 spans below it\)/);
  assert.deepEqual(rowPath(d, d.rows.findIndex((r) => r.name === 'set')), ['root', 'cache', 'set']);
});

test('different services or kinds are never matched, even with the same name', () => {
  const a = side(['root', 0, 10, [['call', 0, 5, [], { service: 'a' }]]]);
  const b = side(['root', 0, 10, [['call', 0, 5, [], { service: 'b' }]]]);
  const d = diffTraces(a, b);
  assert.deepEqual(names(d, 'removed'), ['call']);
  assert.deepEqual(names(d, 'added'), ['call']);
});

test('broken traces: orphans, a parent cycle and duplicate ids each show once, nothing loops', () => {
  const spans = [
    { spanId: '1', parentSpanId: '2', name: 'x', kind: 1, service: 's', start: 0, end: 5, error: false },
    { spanId: '2', parentSpanId: '1', name: 'y', kind: 1, service: 's', start: 1, end: 4, error: false },
    { spanId: '3', parentSpanId: 'missing', name: 'orphan', kind: 1, service: 's', start: 2, end: 3, error: false },
    { spanId: '3', parentSpanId: '', name: 'dup', kind: 1, service: 's', start: 2, end: 3, error: false },
  ];
  const d = diffTraces({ traceId: 't', spans }, { traceId: 't', spans });
  assert.equal(d.rows.length, 4);
  assert.equal(d.structureDiffers, false);
});

test('a trace 50,000 levels deep: no stack overflow', () => {
  const spans = [];
  for (let i = 0; i < 50_000; i++) {
    spans.push({ spanId: `s${i}`, parentSpanId: i ? `s${i - 1}` : '', name: 'n', kind: 1, service: 's', start: i, end: 100_000 - i, error: false });
  }
  const d = diffTraces({ traceId: 'a', spans }, { traceId: 'b', spans });
  assert.equal(d.rows.length, 50_000);
  assert.equal(d.rows[49_999].depth, 49_999);
  assert.ok(textReport(d).includes('Structure: the same (50000 spans matched)'));
});

test('verdict: thresholds in % and ms; a span with no duration before only counts by ms', () => {
  const a = side(['root', 0, 100, [['x', 0, 10], ['z', 10, 10]]]);
  const b = side(['root', 0, 112, [['x', 0, 11.5], ['z', 10, 12]]]);
  const d = diffTraces(a, b);
  assert.deepEqual(verdict(d).regressed.map((i) => d.rows[i].name), ['z']); // x: +15 %; root: +12 %
  assert.deepEqual(verdict(d, { thresholdPct: 10 }).regressed.map((i) => d.rows[i].name), ['root', 'z', 'x']);
  assert.deepEqual(verdict(d, { thresholdPct: 10, minDeltaMs: 5 }).regressed.map((i) => d.rows[i].name), ['root']);
  assert.equal(verdict(diffTraces(a, a)).exitCode, 0);
});

test('reports: span text cannot break lines or Markdown; JSON holds rows and the verdict', () => {
  const evil = 'a\nb\u202e | **x** [l](http://e)';
  const a = side(['root', 0, 10, [[evil, 0, 5]]]);
  const b = side(['root', 0, 10, []]);
  const d = diffTraces(a, b);
  const text = textReport(d);
  assert.ok(!text.includes('a\nb'));
  assert.ok(!text.includes('\u202e'));
  const md = markdownReport(d);
  assert.ok(md.includes('\\*\\*x\\*\\* \\[l\\](http://e)'), md);
  assert.ok(!md.includes('[l]('), md);
  assert.ok(!/\| \*\*x/.test(md));
  const j = JSON.parse(jsonReport(d));
  assert.equal(j.verdict.exitCode, 1);
  assert.equal(j.rows[1].kind, 'removed');
});

test('a failed retry as long as the good call: the status tells them apart', () => {
  const a = side(['root', 0, 30, [['call', 0, 10]]]);
  const b = side(['root', 0, 30, [['call', 0, 10, [], { error: true }], ['call', 10, 20]]]);
  const d = diffTraces(a, b);
  const added = d.rows.find((r) => r.kind === 'added');
  assert.equal(added.b.error, true);
});

test('a leaf replaced by another: renamed in the same place among its siblings, else removed and added', () => {
  const a = side(['root', 0, 30, [['x', 0, 5], ['old', 5, 10], ['y', 10, 15]]]);
  const same = side(['root', 0, 30, [['x', 0, 5], ['new', 5, 10], ['y', 10, 15]]]);
  assert.deepEqual(diffTraces(a, same).counts, { matched: 3, renamed: 1, added: 0, removed: 0 });
  const moved = side(['root', 0, 30, [['x', 0, 5], ['y', 10, 15], ['new', 15, 20]]]);
  assert.deepEqual(diffTraces(a, moved).counts, { matched: 3, renamed: 0, added: 1, removed: 1 });
});

test('loops of equal iterations, 3 vs 5: the first three pair, the last two are added', () => {
  const it = (i) => ['fetch', i * 10, i * 10 + 5];
  const a = side(['root', 0, 100, [0, 1, 2].map(it)]);
  const b = side(['root', 0, 100, [0, 1, 2, 3, 4].map(it)]);
  assert.deepEqual(diffTraces(a, b).rows.filter((r) => r.name === 'fetch').map((r) => r.kind), ['matched', 'matched', 'matched', 'added', 'added']);
});
