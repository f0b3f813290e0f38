// What the editor's Compare Traces and Compare Runs compute without the editor: which trace stands for the
// baseline run, which traces are offered, runs side by side, and the check of the compare webview's messages.
const test = require('node:test');
const assert = require('node:assert/strict');
const { baselineTraceFor, candidateTraces, inTimeOrder } = require('../../out/src/diff/pickReference.js');
const { compareRuns } = require('../../out/src/diff/runs.js');
const { parseCompareMessage, parseCompareRestore } = require('../../out/src/protocol/compare.js');

const trace = (id, o = {}) => ({
  traceId: id.padEnd(32, '0'), rootName: 'GET', rootTarget: '/checkout', rootService: 'frontend', services: ['frontend'], spanCount: 9,
  errorCount: 0, startTimeUnixNano: '0', durationNano: '0', startMs: 1000, durationMs: 10, pinned: false, source: 'otlp', brokenParents: 0, ...o,
});
const run = (runId, o = {}) => ({ runId, service: 'frontend', startedMs: 0, lastMs: 0, traceCount: 1, spanCount: 1, errorCount: 0, baseline: false, ...o });

test('the baseline trace: the baseline run\'s trace of the same operation with the median duration', () => {
  const b = trace('b', { runId: 'r2', durationMs: 80 });
  const traces = [
    b,
    trace('x1', { runId: 'r1', durationMs: 12 }),
    trace('x2', { runId: 'r1', durationMs: 30 }),
    trace('x3', { runId: 'r1', durationMs: 10 }),
    trace('y', { runId: 'r1', durationMs: 11, rootTarget: '/slow' }), // another operation
    trace('z', { runId: 'r2', durationMs: 11 }), // another run
  ];
  const runs = [run('r1', { baseline: true }), run('r2')];
  assert.equal(baselineTraceFor(b, runs, traces).traceId, trace('x1').traceId);
  // no baseline for the service, or none of its traces is this operation
  assert.equal(baselineTraceFor(b, [run('r1'), run('r2')], traces), undefined);
  assert.equal(baselineTraceFor(b, [run('r1', { baseline: true, service: 'orders' })], traces), undefined);
  assert.equal(baselineTraceFor(trace('q', { rootTarget: '/none' }), runs, traces), undefined);
});

test('candidates: the same operation first, newest first, never the trace itself', () => {
  const b = trace('b', { startMs: 5 });
  const { same, other } = candidateTraces(b, [b, trace('o', { rootTarget: '/x', startMs: 9 }), trace('s1', { startMs: 1 }), trace('s2', { startMs: 3 })]);
  assert.deepEqual(same.map((t) => t.traceId[1]), ['2', '1']);
  assert.deepEqual(other.map((t) => t.traceId[0]), ['o']);
  const [a, later] = inTimeOrder(trace('l', { startMs: 9 }), trace('e', { startMs: 2 }));
  assert.equal(a.traceId[0], 'e');
  assert.equal(later.traceId[0], 'l');
});

test('runs side by side: new errors first, then p95 growth; operations and locations on one side only kept', () => {
  const op = (name, o) => ({ service: 'frontend', name, kind: 2, count: 10, p50Ms: 5, p95Ms: 10, errors: 0, ...o });
  const loc = (file, line, o) => ({ file, line, count: 10, p50Ms: 5, p95Ms: 10, errors: 0, ...o });
  const a = { runId: 'a', operations: [op('GET /a'), op('GET /b'), op('GET /gone')], locations: [loc('x.js', 3), loc('y.js', 9)] };
  const b = {
    runId: 'b',
    operations: [op('GET /a', { p95Ms: 40 }), op('GET /b', { p95Ms: 11, errors: 2 }), op('GET /new')],
    locations: [loc('x.js', 3, { p95Ms: 9 }), loc('y.js', 9, { p95Ms: 25 })],
  };
  const d = compareRuns(a, b);
  assert.deepEqual(d.operations.map((r) => r.name), ['GET /b', 'GET /a', 'GET /gone', 'GET /new']);
  assert.equal(d.operations[0].newErrors, true);
  assert.equal(d.operations[1].deltaP95Ms, 30);
  assert.equal(d.operations[2].b, undefined);
  assert.equal(d.operations[3].a, undefined);
  assert.deepEqual(d.locations.map((r) => `${r.file}:${r.line} ${r.deltaP95Ms}`), ['y.js:9 15', 'x.js:3 -1']);
});

test('compare webview messages are checked: unknown, malformed or oversized ones are refused', () => {
  assert.deepEqual(parseCompareMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseCompareMessage({ type: 'goToSource', side: 'b', spanId: 'abc' }), { type: 'goToSource', side: 'b', spanId: 'abc' });
  assert.equal(parseCompareMessage({ type: 'goToSource', side: 'c', spanId: 'abc' }), undefined);
  assert.equal(parseCompareMessage({ type: 'goToSource', side: 'a', spanId: 'x'.repeat(65) }), undefined);
  assert.deepEqual(parseCompareMessage({ type: 'openLocation', file: '/a.js', line: 3, extra: 1 }), { type: 'openLocation', file: '/a.js', line: 3 });
  assert.equal(parseCompareMessage({ type: 'openLocation', file: '/a.js', line: -1 }), undefined);
  assert.equal(parseCompareMessage({ type: 'runCommand', command: 'x' }), undefined);
  assert.equal(parseCompareMessage(null), undefined);
  assert.equal(parseCompareMessage({ type: 'reportError', message: 'e'.repeat(5000) }).message.length, 2000);
});

test('a restored compare panel\'s state is checked before the host compares again', () => {
  const traces = { mode: 'traces', a: 'a'.repeat(32), b: 'b'.repeat(32), labelA: 'GET /x', labelB: 'GET /x later' };
  assert.deepEqual(parseCompareRestore({ ...traces, extra: 1 }), traces);
  const runs = { mode: 'runs', service: 'shop', a: '0123456789abcdef', b: 'fedcba9876543210', labelA: 'run 1', labelB: 'run 2' };
  assert.deepEqual(parseCompareRestore(runs), runs);
  assert.equal(parseCompareRestore({ ...runs, service: '' }), undefined);
  assert.equal(parseCompareRestore({ ...traces, a: '' }), undefined);
  assert.equal(parseCompareRestore({ ...traces, labelA: 'x'.repeat(501) }), undefined);
  assert.equal(parseCompareRestore({ ...traces, mode: 'other' }), undefined);
  assert.equal(parseCompareRestore(undefined), undefined);
});
