// LocationModel (what lenses, annotations and problems show per file) and the untrusted-text helpers.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { LocationModel, formatMs, sparkline } = require('../../out/src/source/lensModel.js');
const { lensText, markdownEscape, noticeText, plainText } = require('../../out/src/source/untrustedText.js');

/** a resolver stand-in: /app/<x> → /ws/<x>; anything else unresolved */
function resolve(loc) {
  if (loc.file && loc.file.startsWith('/app/')) {
    const rel = loc.file.slice(5);
    return { ok: true, path: `/ws/${rel}`, folder: { name: 'ws', path: '/ws' }, rel, line: loc.line, layer: loc.layer, via: 'mapping', confidence: 0.95 };
  }
  if (!loc.file && loc.function === 'byName') return { ok: false, reason: 'no-symbol', layer: 'name', message: 'x' };
  return { ok: false, reason: 'not-in-workspace', message: 'x', rawFile: loc.file };
}

function stats(over = {}) {
  return {
    key: over.key ?? `${over.file ?? '/app/a.js'}|${over.line ?? 10}|||`,
    file: '/app/a.js', line: 10, layer: 'attributes', services: ['api'],
    calls: 37, errors: 0, p50Ms: 12.3, p95Ms: 48, maxMs: 120, exact: false,
    slowest: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), startMs: 0, durationMs: 120, error: false },
    latestError: null, lastSeenMs: 0,
    ...over,
  };
}

const resp = (locations) => ({ sinceMs: null, windowStartMs: null, nowMs: Date.now(), locations, droppedLocations: 0 });

test('lens text, annotation level and click targets', () => {
  const m = new LocationModel(resolve);
  m.setThresholds({ warnMs: 40, slowMs: 100 });
  m.setWindowLabel('in the last 15 min');
  const changed = m.apply(resp([stats()]), true);
  assert.deepEqual([...changed], ['/ws/a.js']);
  const [l] = m.view('/ws/a.js').lenses;
  assert.equal(l.latencyTitle, '$(watch) p50 12 ms · p95 48 ms · 37 calls');
  assert.equal(l.errorsTitle, undefined);
  assert.equal(l.line, 10);
  assert.deepEqual(l.slowest, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
  assert.equal(l.level, 'warn');
  assert.equal(l.annotation, '48 ms p95 · 37×');
  assert.match(l.latencyTooltip, /in the last 15 min/);
});

test('errors: a second lens, a problem at the resolved throw frame (another file), counts merged per line', () => {
  const m = new LocationModel(resolve);
  const err = (key, line, timeMs, message) => stats({
    key, line, errors: 2,
    latestError: { traceId: 'c'.repeat(32), spanId: String(line).padStart(16, '0'), startMs: 0, durationMs: 5, error: true },
    lastError: { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), timeMs, type: 'Error', message, throwFrame: { file: '/app/stock.js', line: 31 } },
  });
  const changed = m.apply(resp([err('k1', 10, 100, 'old'), err('k2', 20, 200, 'out of stock')]), true);
  assert.deepEqual([...changed].sort(), ['/ws/a.js', '/ws/stock.js']);
  const lenses = m.view('/ws/a.js').lenses;
  assert.equal(lenses.length, 2);
  assert.equal(lenses[0].errorsTitle, '$(warning) 2 errors');
  assert.deepEqual(lenses[0].latestError.spanId, '10'.padStart(16, '0'));
  assert.equal(m.view('/ws/a.js').problems.length, 0);
  const probs = m.view('/ws/stock.js').problems;
  assert.equal(probs.length, 1, 'two locations throwing at one line: one problem');
  assert.equal(probs[0].line, 31);
  assert.equal(probs[0].count, 4);
  assert.equal(probs[0].message, 'Error: out of stock');
  assert.deepEqual(probs[0].keys.sort(), ['k1', 'k2']);
  // hover lookup at the throw line and at the lens line
  assert.equal(m.at('/ws/stock.js', 31).length, 2);
  assert.equal(m.at('/ws/a.js', 20)[0].placed, true);
});

test('live updates touch only the files whose figures changed; complete responses drop vanished locations', () => {
  const m = new LocationModel(resolve);
  const a = stats({ key: 'a' });
  const b = stats({ key: 'b', file: '/app/b.js' });
  m.apply(resp([a, b]), true);
  const viewA = m.lenses('/ws/a.js');
  assert.equal(m.apply(resp([a, { ...b }]), true).size, 0, 'same figures: nothing redrawn');
  assert.strictEqual(m.lenses('/ws/a.js'), viewA, 'cached view kept');
  const changed = m.apply(resp([a, { ...b, calls: 38 }]), true);
  assert.deepEqual([...changed], ['/ws/b.js']);
  assert.strictEqual(m.lenses('/ws/a.js'), viewA);
  assert.equal(m.view('/ws/b.js').lenses[0].latencyTitle, '$(watch) p50 12 ms · p95 48 ms · 38 calls');
  assert.deepEqual([...m.apply(resp([a]), true)], ['/ws/b.js']);
  assert.equal(m.view('/ws/b.js').lenses.length, 0);
  assert.deepEqual([...m.clear()], ['/ws/a.js']);
  assert.equal(m.view('/ws/a.js').lenses.length, 0);
});

test('name-only locations wait for a symbol lookup, then say they are placed by name', () => {
  const m = new LocationModel(resolve);
  m.apply(resp([stats({ key: 'n', file: undefined, line: undefined, function: 'byName', layer: 'name' })]), true);
  assert.deepEqual(m.unresolvedNames().map((x) => x.key), ['n']);
  const changed = m.setResolution('n', { ok: true, path: '/ws/x.ts', folder: { name: 'ws', path: '/ws' }, rel: 'x.ts', line: 4, layer: 'name', via: 'symbol', confidence: 0.4 });
  assert.deepEqual([...changed], ['/ws/x.ts']);
  const [l] = m.view('/ws/x.ts').lenses;
  assert.match(l.latencyTitle, /≈ by name$/);
  assert.match(l.latencyTooltip, /confidence 0\.4/);
});

test('hostile span text never becomes markup: lens titles, tooltips, problems, markdown, notifications', () => {
  const evil = '$(alert) [click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **b** `c` \u202eevil\u001b[31m';
  const m = new LocationModel(resolve);
  m.apply(resp([stats({ key: 'e', function: evil, errors: 1, layer: 'name', latestError: null, lastError: { traceId: null, spanId: null, timeMs: 1, type: evil, message: evil, throwFrame: null } })]), true);
  m.setResolution('e', { ok: true, path: '/ws/a.js', folder: { name: 'ws', path: '/ws' }, rel: 'a.js', line: 1, layer: 'name', via: 'symbol', confidence: 0.4 });
  const [l] = m.view('/ws/a.js').lenses;
  for (const t of [l.latencyTitle, l.latencyTooltip, l.errorsTitle, l.errorsTooltip]) {
    // (the titles' own codicon, first, is the only one)
    assert.ok(!t.replace(/^\$\((watch|warning)\) /, '').includes('$('), t);
    assert.ok(!/[\u0000-\u001f\u202e]/.test(t), t);
  }
  const [p] = m.view('/ws/a.js').problems;
  assert.ok(!/[\u0000-\u001f\u202e]/.test(p.message));
  const md = markdownEscape(evil);
  // no unescaped markdown/HTML punctuation survives
  assert.ok(!/(^|[^\\])[[\]()<>*`$]/.test(md), md);
  assert.equal(md.replace(/\\(.)/g, '$1'), plainText(evil), 'unescaping gives the plain text back');
  assert.ok(!lensText('$(x)').includes('$('));
  assert.ok(!noticeText('[a](command:x)').includes(']('));
});

test('formatMs and sparkline', () => {
  assert.equal(formatMs(0.004), '4 µs');
  assert.equal(formatMs(0.42), '0.42 ms');
  assert.equal(formatMs(4.25), '4.3 ms');
  assert.equal(formatMs(48.4), '48 ms');
  assert.equal(formatMs(1234), '1.23 s');
  assert.equal(formatMs(150000), '2.5 min');
  assert.equal(formatMs(NaN), '–');
  assert.equal(sparkline([0, 1, 4, 8]), ' ▂▅█');
  assert.equal(sparkline([]), '');
});

test('a live update keeps the lenses in line order and builds a new array; partial answers drop only listed keys', () => {
  const m = new LocationModel(resolve);
  const at = (key, line, over = {}) => stats({ key, line, ...over });
  m.apply(resp([at('c', 30), at('a', 10), at('b', 20)]), true);
  const first = m.lenses('/ws/a.js');
  assert.deepEqual(first.map((l) => l.line), [10, 20, 30]);
  // new figures for one location: a fresh array (the old one is left as it was), same order
  m.apply(resp([at('b', 20, { calls: 99 })]), false, ['b']);
  const second = m.lenses('/ws/a.js');
  assert.notStrictEqual(second, first);
  assert.deepEqual(second.map((l) => l.line), [10, 20, 30]);
  assert.match(second[1].latencyTitle, /99 calls/);
  assert.match(first[1].latencyTitle, /37 calls/);
  assert.strictEqual(second[0], first[0], 'unchanged lenses are reused');
  // a location that moves (resolved elsewhere) takes its new place
  m.setResolution('a', { ok: true, path: '/ws/a.js', folder: { name: 'ws', path: '/ws' }, rel: 'a.js', line: 25, layer: 'attributes', via: 'path', confidence: 1 });
  assert.deepEqual(m.lenses('/ws/a.js').map((l) => l.key), ['b', 'a', 'c']);
  // a partial answer for keys a and c that lists only c: a is gone, b (not asked about) stays
  m.apply(resp([at('c', 30)]), false, ['a', 'c']);
  assert.deepEqual(m.lenses('/ws/a.js').map((l) => l.key), ['b', 'c']);
  // a complete answer drops whatever it does not list
  m.apply(resp([at('c', 30)]), true);
  assert.deepEqual(m.lenses('/ws/a.js').map((l) => l.key), ['c']);
});

test('the error tooltip follows the latest error, and a new error with the same text keeps it', () => {
  const m = new LocationModel(resolve);
  const err = (spanId, message, calls = 5) => stats({
    key: 'e', calls, errors: 1,
    latestError: { traceId: 'c'.repeat(32), spanId, startMs: 0, durationMs: 5, error: true },
    lastError: { traceId: 'c'.repeat(32), spanId, timeMs: 1, type: 'Error', message, throwFrame: null },
  });
  m.apply(resp([err('1'.repeat(16), 'first $(x)')]), true);
  assert.match(m.lenses('/ws/a.js')[0].errorsTooltip, /Error: first \$\u200b\(x\)$/);
  m.apply(resp([err('1'.repeat(16), 'first $(x)', 6)]), true);
  assert.match(m.lenses('/ws/a.js')[0].errorsTooltip, /first/);
  m.apply(resp([err('2'.repeat(16), 'second')]), true);
  assert.match(m.lenses('/ws/a.js')[0].errorsTooltip, /Error: second$/);
  assert.equal(m.lenses('/ws/a.js')[0].latestError.spanId, '2'.repeat(16));
});

test('a lens entry keeps the figures and window it was made with after a later update', () => {
  const m = new LocationModel(resolve);
  m.setWindowLabel('in the last 15 min');
  m.apply(resp([stats()]), true);
  const [old] = m.lenses('/ws/a.js'); // (its texts not read until after the update below)
  m.setWindowLabel('this session');
  m.apply(resp([stats({ calls: 40, p50Ms: 7, p95Ms: 9, maxMs: 30, slowest: null })]), true);
  const [now] = m.lenses('/ws/a.js');
  assert.notStrictEqual(now, old);
  assert.equal(old.latencyTitle, '$(watch) p50 12 ms · p95 48 ms · 37 calls');
  assert.equal(old.latencyTooltip, '37 calls in the last 15 min; max 120 ms (±5%). Click: open the slowest trace (120 ms).');
  assert.equal(now.latencyTitle, '$(watch) p50 7.0 ms · p95 9.0 ms · 40 calls');
  assert.equal(now.latencyTooltip, '40 calls this session; max 30 ms (±5%). The slowest trace is no longer stored.');
  assert.equal(now.latencyTitle, '$(watch) p50 7.0 ms · p95 9.0 ms · 40 calls'); // the same on a second read
});

test('two operations on one line: one lens, the same figures in the lens, the note and the hover, naming both', () => {
  const m = new LocationModel(resolve);
  const outer = stats({ key: 'outer', line: 18, column: 10, calls: 270, p50Ms: 710, p95Ms: 774, operations: ['frontend.report'] });
  const inner = stats({ key: 'inner', line: 18, column: 40, calls: 270, p50Ms: 700, p95Ms: 770, operations: ['GET /orders/report'], errors: 3,
    latestError: { traceId: 'c'.repeat(32), spanId: 'e'.repeat(16), startMs: 0, durationMs: 5, error: true } });
  m.apply(resp([inner, outer, stats({ key: 'other', line: 30 })]), true);
  const lenses = m.lenses('/ws/a.js');
  assert.deepEqual(lenses.map((l) => l.line), [18, 30], 'one lens per line');
  const [l] = lenses;
  assert.equal(l.latencyTitle, '$(watch) p50 710 ms · p95 774 ms · 270 calls · frontend.report + GET /orders/report');
  assert.equal(l.annotation, '774 ms p95 · 270× · 3 errors');
  assert.equal(l.errorsTitle, '$(warning) 3 errors');
  assert.equal(l.latestError.spanId, 'e'.repeat(16));
  assert.match(l.latencyTooltip, /frontend\.report: p50 710 ms · p95 774 ms · 270 calls; GET \/orders\/report: p50 700 ms · p95 770 ms · 270 calls/);
  // the hover's first section is the lens's location
  assert.deepEqual(m.at('/ws/a.js', 18).map((h) => h.stats.key), ['outer', 'inner']);
});

test('one exception recorded on two spans of each trace counts once per trace in Problems; other failures at the line add', () => {
  const m = new LocationModel(resolve);
  const thrown = (key, line, errors, message) => stats({
    key, line, errors,
    latestError: { traceId: 'c'.repeat(32), spanId: 'e'.repeat(16), startMs: 0, durationMs: 5, error: true },
    lastError: { traceId: 'c'.repeat(32), spanId: 'e'.repeat(16), timeMs: 100, type: 'Error', message, throwFrame: { file: '/app/stock.js', line: 31 } },
  });
  // the handler's span and the request's span around it, both with the same exception, in 126 traces
  m.apply(resp([thrown('handler', 10, 126, 'no stock record'), thrown('request', 31, 126, 'no stock record')]), true);
  let [p] = m.problems('/ws/stock.js');
  assert.equal(p.count, 126);
  assert.deepEqual(p.keys.sort(), ['handler', 'request']);
  // a different failure thrown at the same line is another problem's worth of errors
  m.apply(resp([thrown('handler', 10, 126, 'no stock record'), thrown('request', 31, 126, 'no stock record'), thrown('other', 20, 5, 'bad item')]), true);
  [p] = m.problems('/ws/stock.js');
  assert.equal(p.count, 131);
});

test('lens titles use codicons, not emoji; counts are grouped; the inline note is plain text', () => {
  const m = new LocationModel(resolve);
  m.apply(resp([stats({ calls: 1031, errors: 1, latestError: { traceId: 'c'.repeat(32), spanId: 'e'.repeat(16), startMs: 0, durationMs: 5, error: true } }), stats({ key: 'one', line: 20, calls: 1 })]), true);
  const [a, b] = m.lenses('/ws/a.js');
  assert.equal(a.latencyTitle, '$(watch) p50 12 ms · p95 48 ms · 1,031 calls');
  assert.equal(a.errorsTitle, '$(warning) 1 error');
  assert.equal(a.annotation, '48 ms p95 · 1,031× · 1 error');
  assert.match(b.latencyTitle, / · 1 call$/);
  // no pictographs anywhere (they need an emoji font)
  for (const l of [a, b]) for (const t of [l.latencyTitle, l.latencyTooltip, l.errorsTitle ?? '', l.errorsTooltip ?? '', l.annotation]) {
    assert.doesNotMatch(t, /[\u2300-\u23ff\u2600-\u27bf\u{1f300}-\u{1faff}]/u, t);
  }
});
