const { test } = require('node:test');
const assert = require('node:assert/strict');
const { span, pack } = require('./waterfall-helpers.js');
const { criticalPath } = require('../../out/webview/model/criticalPath.js');
const { traceStats, selfTimes } = require('../../out/webview/model/stats.js');
const ts = require('../../out/webview/model/timeScale.js');
const { stackLines } = require('../../out/src/protocol/stackFrames.js');

const rowByName = (t, n) => [...Array(t.spanCount).keys()].find((r) => t.str(t.name[r]) === n);
const onPath = (t) => [...Array(t.spanCount).keys()].filter((r) => criticalPath(t).onPath[r]).map((r) => t.str(t.name[r])).sort();

test('critical path: sequential children are all on it', () => {
  const t = pack([span('r', null, 0, 40, { name: 'r' }), span('a', 'r', 0, 10, { name: 'a' }), span('b', 'r', 10, 30, { name: 'b' })]);
  assert.deepEqual(onPath(t), ['a', 'b', 'r']);
  const segs = criticalPath(t).segments.map((s) => [t.str(t.name[s.row]), s.from, s.to]);
  assert.deepEqual(segs, [['r', 30, 40], ['b', 10, 30], ['a', 0, 10]]);
});

test('critical path: of parallel children only the one that ends last; nested waits followed', () => {
  // r 0-100: a 0-60 (a1 10-55), b 0-80 (b1 5-30, b2 40-75), c 85-95
  const t = pack([
    span('r', null, 0, 100, { name: 'r' }),
    span('a', 'r', 0, 60, { name: 'a' }),
    span('a1', 'a', 10, 55, { name: 'a1' }),
    span('b', 'r', 0, 80, { name: 'b' }),
    span('b1', 'b', 5, 30, { name: 'b1' }),
    span('b2', 'b', 40, 75, { name: 'b2' }),
    span('c', 'r', 85, 95, { name: 'c' }),
  ]);
  assert.deepEqual(onPath(t), ['b', 'b1', 'b2', 'c', 'r']);
  const total = criticalPath(t).segments.reduce((s, x) => s + (x.to - x.from), 0);
  assert.equal(total, 100, 'the path covers the whole root duration exactly once');
});

test('critical path: a child ending after its parent (clock skew) is clamped, not trusted', () => {
  const t = pack([span('r', null, 0, 50, { name: 'r' }), span('late', 'r', 10, 90, { name: 'late' }), span('ok', 'r', 5, 45, { name: 'ok' })]);
  const segs = criticalPath(t).segments.map((s) => [t.str(t.name[s.row]), s.from, s.to]);
  // 'ok' was still running when 'late' started, so it covers 5-10
  assert.deepEqual(segs, [['late', 10, 50], ['ok', 5, 10], ['r', 0, 5]]);
});

test('critical path starts at the root that ends last; a 100k-deep chain does not overflow', () => {
  const t = pack([span('r1', null, 0, 10, { name: 'early' }), span('r2', null, 5, 30, { name: 'late' })]);
  assert.deepEqual(onPath(t), ['late']);
  const chain = [span('c0', null, 0, 200000)];
  for (let i = 1; i < 100000; i++) chain.push(span(`c${i}`, `c${i - 1}`, i, 200000 - i));
  const deep = pack(chain);
  assert.equal(criticalPath(deep).onPath.reduce((a, b) => a + b, 0), 100000);
  assert.equal(criticalPath(pack([])).segments.length, 0);
});

test('self time subtracts the union of overlapping children; stats per service and operation', () => {
  const t = pack([
    span('r', null, 0, 100, { name: 'GET /', service: 'web' }),
    span('a', 'r', 10, 40, { name: 'query', service: 'db' }),
    span('b', 'r', 30, 60, { name: 'query', service: 'db', status: 2 }),
    span('c', 'r', 90, 120, { name: 'render', service: 'web' }), // skewed: counted only inside the parent
  ]);
  const self = selfTimes(t);
  assert.equal(self[rowByName(t, 'GET /')], 100 - 50 - 10);
  const st = traceStats(t);
  const db = st.services.find((s) => s.service === 'db');
  assert.deepEqual([db.count, db.totalNs, db.selfNs, db.maxNs, db.errors], [2, 60, 60, 30, 1]);
  const web = st.services.find((s) => s.service === 'web');
  assert.deepEqual([web.count, web.totalNs, web.selfNs, web.maxNs], [2, 130, 70, 100]);
  const q = st.operations.find((o) => o.operation === 'query');
  assert.equal(q.count, 2);
  assert.equal(st.operations.length, 3);
});

test('ticks: 1-2-5 steps inside the window with labels in one unit', () => {
  const t = ts.ticks({ start: 0, end: 10e6 }, 5);
  assert.deepEqual(t.map((x) => x.label), ['0 ms', '2 ms', '4 ms', '6 ms', '8 ms', '10 ms']);
  assert.deepEqual(t.map((x) => x.x), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  const z = ts.ticks({ start: 1_234_000, end: 1_240_000 }, 6);
  assert.deepEqual(z.map((x) => x.label), ['1234 µs', '1235 µs', '1236 µs', '1237 µs', '1238 µs', '1239 µs', '1240 µs']);
  assert.ok(z.every((x) => x.x >= 0 && x.x <= 1));
  assert.deepEqual(ts.ticks({ start: 0, end: 0 }, 5).map((x) => x.label), ['0 ns']);
  assert.deepEqual(ts.ticks({ start: 0, end: 3e9 }, 3).map((x) => x.label), ['0 s', '1 s', '2 s', '3 s']);
  assert.equal(ts.tickStep(730, 10), 100);
});

test('durations for people, fractions and bar geometry clamped to the window, zoom', () => {
  assert.equal(ts.formatDuration(850), '850 ns');
  assert.equal(ts.formatDuration(12_345), '12.3 µs');
  assert.equal(ts.formatDuration(1_250_000), '1.25 ms');
  assert.equal(ts.formatDuration(999_700), '1 ms');
  assert.equal(ts.formatDuration(2.5e9), '2.5 s');
  assert.equal(ts.formatDuration(192e9), '3m 12s');
  assert.equal(ts.formatDuration(-5000), '-5 µs');
  assert.deepEqual([0, 999, 1000, 1234567, 100000].map(ts.formatCount), ['0', '999', '1,000', '1,234,567', '100,000']);
  const w = { start: 100, end: 200 };
  assert.equal(ts.fraction(150, w), 0.5);
  assert.deepEqual(ts.barGeometry(50, 150, w), { left: 0, width: 0.5 });
  assert.equal(ts.barGeometry(250, 300, w), null);
  assert.deepEqual(ts.zoomTo(w, 0.75, 0.25), { start: 125, end: 175 });
  assert.equal(ts.zoomTo(w, 0.5, 0.5001), null);
});

test('stack lines: each runtime\'s frames carry their place, other lines stay text', () => {
  const places = (text) => stackLines(text).map((l) => l.frame && [l.frame.file, l.frame.line]);
  assert.deepEqual(places([
    'Error: boom', '    at handler (/app/src/server.js:42:7)', '    at /app/src/util.js:3:1',
    '    at node:internal/process/task_queues:95:5', '<img src=x onerror=alert(1)>',
  ].join('\n')), [null, ['/app/src/server.js', 42], ['/app/src/util.js', 3], null, null]);
  const v8 = stackLines('Error: x\n    at async Foo.bar [as baz] (/app/a.js:1:2)');
  assert.deepEqual(v8[1].frame, { file: '/app/a.js', line: 1, column: 2, function: 'Foo.bar' });
  assert.equal(v8[1].text, '    at async Foo.bar [as baz] (/app/a.js:1:2)', 'the line is shown as printed');
  // Python: every Traceback block's frames (the cause's too), not only the raised one's
  assert.deepEqual(places([
    'Traceback (most recent call last):', '  File "/srv/app/db.py", line 9, in get', 'KeyError: 1', '',
    'During handling of the above exception, another exception occurred:', '',
    'Traceback (most recent call last):', '  File "/srv/app/views.py", line 17, in index', 'ValueError: no',
  ].join('\n')), [null, ['/srv/app/db.py', 9], null, null, null, null, null, ['/srv/app/views.py', 17], null]);
  // JVM: the file in its package's directory (two Orders.java in a workspace are told apart), causes too
  assert.deepEqual(places([
    'java.lang.IllegalStateException: boom', '\tat com.acme.shop.Orders.create(Orders.java:88)',
    '\tat app//com.acme.shop.Api$1.run(Api.java:12)', '\tat java.base/java.lang.Thread.run(Native Method)',
    'Caused by: java.io.IOException: disk', '\tat com.acme.store.Disk.write(Disk.kt:3)', '\t... 4 more',
  ].join('\n')), [null, ['com/acme/shop/Orders.java', 88], ['com/acme/shop/Api.java', 12], null, null, ['com/acme/store/Disk.kt', 3], null]);
  // .NET with an inner exception; Go's location lines; Ruby with "from"; PHP
  assert.deepEqual(places([
    'System.Exception: outer ---> System.IO.IOException: inner', '   at Acme.Disk.Write() in /src/Disk.cs:line 5',
    '   --- End of inner exception stack trace ---', '   at Acme.Api.Get() in /src/Api.cs:line 12', '   at System.Threading.Run()',
  ].join('\n')), [null, ['/src/Disk.cs', 5], null, ['/src/Api.cs', 12], null]);
  assert.deepEqual(places('goroutine 1 [running]:\nmain.handle(0x1)\n\t/go/src/app/main.go:31 +0x1d'), [null, null, ['/go/src/app/main.go', 31]]);
  assert.deepEqual(places("/app/models/order.rb:42:in 'Order#create'\n\tfrom /app/app.rb:7:in `<main>'"), [['/app/models/order.rb', 42], ['/app/app.rb', 7]]);
  assert.deepEqual(places('#0 /var/www/src/Orders.php(42): App\\Orders->create(Object(App\\Order))\n#1 [internal function]: x()\n#2 {main}'),
    [['/var/www/src/Orders.php', 42], null, null]);
  assert.equal(stackLines('#0 /var/www/src/Orders.php(42): App\\Orders->create()')[0].frame.function, 'create');
  // unknown text: every line, no frames; a frame line too long to be one stays text
  assert.deepEqual(places('just a message\nand another'), [null, null]);
  const long = `Error: x\n    at f (/app/${'a'.repeat(3000)}.js:1:1)\n    at g (/app/g.js:2:2)`;
  assert.deepEqual(places(long), [null, null, ['/app/g.js', 2]]);
  assert.deepEqual(stackLines(''), []);
});

test('a log record\'s code site: new names over old, ints as strings or numbers, nothing without file and line', () => {
  const { codeSite, hasException } = require('../../out/webview/model/codeSite.js');
  const s = (v) => ({ stringValue: v });
  const i = (v) => ({ intValue: v });
  assert.deepEqual(codeSite([{ key: 'code.filepath', value: s('/old.py') }, { key: 'code.lineno', value: i('7') }, { key: 'code.function', value: s('f') }]), { file: '/old.py', line: 7, function: 'f' });
  assert.deepEqual(
    codeSite([{ key: 'code.filepath', value: s('/old.py') }, { key: 'code.file.path', value: s('/new.ts') }, { key: 'code.lineno', value: i('7') }, { key: 'code.line.number', value: i(12) }, { key: 'code.column.number', value: i('3') }]),
    { file: '/new.ts', line: 12, column: 3 },
  );
  assert.equal(codeSite([{ key: 'code.file.path', value: s('/a.ts') }]), null, 'no line');
  assert.equal(codeSite([{ key: 'code.line.number', value: i('4') }]), null, 'no file');
  assert.equal(codeSite([{ key: 'code.file.path', value: s('/a.ts') }, { key: 'code.line.number', value: i('-4') }]), null, 'a line that is no line');
  assert.equal(codeSite([{ key: 'http.route', value: s('/a') }]), null);
  assert.equal(codeSite(undefined), null);
  assert.equal(hasException([{ key: 'exception.message', value: s('x') }]), true);
  assert.equal(hasException([{ key: 'exceptional', value: s('x') }]), false);
});

test('stats count bare-method spans per route or path ("GET /a", "GET /b"), not all as "GET"', () => {
  const { rowTarget } = require('../../out/webview/model/rowTarget.js');
  const t = pack([
    span('r', null, 0, 100, { name: 'GET', service: 'web', attrs: ['http.route', '/a'] }),
    span('x', 'r', 10, 20, { name: 'GET', service: 'web', attrs: ['url.path', '/b'] }),
    span('y', 'r', 20, 50, { name: 'GET', service: 'web', attrs: ['url.path', '/b'] }),
    span('z', 'r', 50, 60, { name: 'GET', service: 'web' }),
  ]);
  const ops = Object.fromEntries(traceStats(t, (r) => rowTarget(t, r)).operations.map((o) => [o.operation, o.count]));
  assert.deepEqual(ops, { GET: 1, 'GET /a': 1, 'GET /b': 2 });
  assert.equal(new Set(traceStats(t, (r) => rowTarget(t, r)).operations.map((o) => o.key)).size, 3, 'keys are distinct (React rows)');
  assert.deepEqual(traceStats(t).operations.map((o) => [o.operation, o.count]), [['GET', 4]]);
});
