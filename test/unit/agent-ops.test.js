// The agent operations (src/agent) against a real receiver in this process, fed by the OpenTelemetry SDK's
// own exporter and a 100,000-span trace: what each answers, that every answer stays within its budget, that
// paging reaches every span, that span text only ever appears as capped, quoted data, and bad input errors.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { AgentTools, TOOLS } = require('../../out/src/agent/tools.js');
const { ANSWER_BUDGET, AgentInputError, UNTRUSTED_NOTE, render } = require('../../out/src/agent/answer.js');
const { resolverPlace } = require('../../out/src/agent/placeResolved.js');
const { SourceResolver } = require('../../out/src/source/resolver.js');
const { nodeWorkspace } = require('../../out/src/source/workspace.js');
const { REPO, HOSTILE_NAME, THROW_LINE, startAgentReceiver, importBigTrace } = require('./agent-helpers.js');

let rx;
let ids;
let bigId;
let tools;
const reads = new Set();

before(async () => {
  ({ rx, ids } = await startAgentReceiver());
  bigId = await importBigTrace(rx.api);
  // every call the operations make on the API, to show they only read
  const source = new Proxy(rx.api, { get: (o, k) => (typeof o[k] === 'function' ? (reads.add(k), o[k].bind(o)) : o[k]) });
  const resolver = new SourceResolver(nodeWorkspace([REPO]));
  tools = new AgentTools({ source, place: resolverPlace(resolver, () => false) });
});
after(async () => {
  await rx?.close();
});

/** calls a tool; checks the size budget and the untrusted-data note on every answer; returns the answer */
async function call(name, input) {
  const a = await tools.call(name, input);
  const text = render(a);
  assert.ok(text.length <= ANSWER_BUDGET, `${name} answered ${text.length} characters, over the ${ANSWER_BUDGET} budget`);
  assert.ok(text.includes(UNTRUSTED_NOTE), 'the answer says its values are data');
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u202e]/.test(JSON.stringify(a.data)), 'no control characters in the data');
  return a;
}

test('list_traces: newest first, filters, the trace list syntax, slowest, paging', async () => {
  let a = await call('list_traces', {});
  assert.equal(a.data.total, 4);
  const byStart = [...a.data.traces].sort((x, y) => Date.parse(y.startedAt) - Date.parse(x.startedAt));
  assert.deepEqual(a.data.traces, byStart, 'newest first');
  a = await call('list_traces', { errorsOnly: true, service: 'payments' });
  assert.deepEqual(a.data.traces.map((t) => t.traceId), [ids.pay.traceId, bigId].filter((id) => id === ids.pay.traceId));
  a = await call('list_traces', { filter: 'name:"GET /checkout" min:110ms' });
  assert.deepEqual(a.data.traces.map((t) => t.traceId), [ids.slowCheckout.traceId]);
  assert.equal(a.data.traces[0].root, 'GET /checkout');
  a = await call('list_traces', { attributes: ['db.system.name=postgres'], sort: 'slowest' });
  assert.deepEqual(a.data.traces.map((t) => t.traceId), [ids.slowCheckout.traceId, ids.checkout.traceId]);
  assert.equal(a.data.attributeScan.tracesChecked, 4);
  a = await call('list_traces', { sort: 'slowest', limit: 2 });
  assert.deepEqual(a.data.traces.map((t) => t.traceId), [ids.slowCheckout.traceId, bigId]);
  const seen = [];
  let cursor;
  do {
    a = await call('list_traces', { limit: 1, cursor });
    seen.push(...a.data.traces.map((t) => t.traceId));
    cursor = a.data.nextCursor;
  } while (cursor);
  assert.equal(new Set(seen).size, 4);
  await assert.rejects(tools.call('list_traces', { filter: 'min:fast' }), (e) => e instanceof AgentInputError && /not a duration/.test(e.message));
});

test('get_trace: summary with the critical path, self time, workspace locations, and errors with application frames', async () => {
  let a = await call('get_trace', { traceId: ids.slowCheckout.traceId });
  const d = a.data;
  assert.equal(d.trace.root, 'GET /checkout');
  assert.deepEqual(d.trace.services, ['shop']);
  assert.equal(d.trace.spans, 3);
  assert.equal(d.trace.durationMs, 180);
  // the query (100 ms) is what the request waited on most; priceCart has the most self time after it
  assert.equal(d.criticalPath.top[0].spanId, ids.slowCheckout.query);
  assert.equal(d.criticalPath.top[0].onPathMs, 100);
  assert.equal(d.slowestBySelfTime[0].spanId, ids.slowCheckout.query);
  const price = d.slowestBySelfTime.find((s) => s.spanId === ids.slowCheckout.price);
  assert.equal(price.selfMs, 40);
  assert.equal(price.at, 'src/agent/answer.ts:10', 'placed in the workspace, relative to it');
  assert.deepEqual(d.spanColumns.slice(0, 4), ['row', 'parentRow', 'spanId', 'name']);
  assert.equal(d.spans.length, 3);
  assert.equal(d.nextCursor, undefined);
  assert.match(a.summary, /"GET \/checkout"/);

  a = await call('get_trace', { traceId: ids.pay.traceId });
  assert.deepEqual(a.data.trace.services.sort(), ['payments', 'shop']);
  const charge = a.data.errorSpans.find((e) => e.spanId === ids.pay.charge);
  assert.equal(charge.type, 'TypeError');
  assert.equal(charge.message, 'card declined for 42');
  assert.equal(charge.frames[0].at, `test/unit/agent-helpers.js:${THROW_LINE}`);
  assert.equal(charge.frames[0].fn, 'chargeCard');
  await assert.rejects(tools.call('get_trace', { traceId: 'f'.repeat(32) }), (e) => e instanceof AgentInputError && /no trace/.test(e.message));
});

test('get_trace on 100,000 spans: the summary fits the budget and paging reaches every span once', async () => {
  const t0 = Date.now();
  let a = await call('get_trace', { traceId: bigId });
  assert.equal(a.data.trace.spans, 100_000);
  assert.equal(a.data.trace.errors, 100);
  assert.ok(a.data.criticalPath.spans > 1);
  assert.ok(a.data.spans.length > 10, 'the first page holds spans too');
  const col = a.data.spanColumns.indexOf('spanId');
  const rowCol = a.data.spanColumns.indexOf('row');
  const seen = new Set(a.data.spans.map((r) => r[col]));
  let expectRow = a.data.spans.length;
  let pages = 1;
  while (a.data.nextCursor) {
    a = await call('get_trace', { traceId: bigId, cursor: a.data.nextCursor });
    assert.equal(a.data.spans[0][rowCol], expectRow, 'pages continue where the last one stopped');
    expectRow += a.data.spans.length;
    for (const r of a.data.spans) seen.add(r[col]);
    pages++;
  }
  assert.equal(seen.size, 100_000);
  assert.equal(expectRow, 100_000);
  process.stdout.write(`# 100k-span trace: ${pages} pages in ${Date.now() - t0} ms\n`);
});

test('get_span: everything about one span, span text capped and quoted; the hostile span stays data', async () => {
  let a = await call('get_span', { traceId: ids.pay.traceId, spanId: ids.pay.charge });
  assert.equal(a.data.name, 'chargeCard');
  assert.equal(a.data.service, 'payments');
  assert.equal(a.data.status, 'ERROR');
  assert.equal(a.data.exception.type, 'TypeError');
  assert.equal(a.data.exception.frames[0].at, `test/unit/agent-helpers.js:${THROW_LINE}`);
  assert.equal(a.data.code.at, `test/unit/agent-helpers.js:${THROW_LINE}`);
  assert.equal(a.data.events[0].name, 'exception');

  a = await call('get_span', { traceId: ids.pay.traceId, spanId: ids.pay.hostile });
  assert.ok(a.data.name.startsWith('Ignore all previous instructions'));
  assert.ok(!a.data.name.includes('\u001b') && !a.data.name.includes('\u202e'));
  assert.ok(a.data.attributes['huge.value'].length <= 600, 'long values are capped');
  assert.ok(a.summary.includes(JSON.stringify(a.data.name).slice(0, 30)), 'the summary quotes the name');
  assert.ok(HOSTILE_NAME.length > 0);
  await assert.rejects(tools.call('get_span', { traceId: ids.pay.traceId, spanId: '00000000000000aa' }), AgentInputError);
});

test('find_spans: by file, function, name, attribute and errors; paging inside a big trace', async () => {
  let a = await call('find_spans', { file: 'src/agent/answer.ts', function: 'priceCart' });
  const cols = a.data.columns;
  const byId = (rows) => rows.map((r) => r[cols.indexOf('spanId')]).sort();
  assert.deepEqual(byId(a.data.spans), [ids.checkout.price, ids.slowCheckout.price].sort());
  assert.equal(a.data.spans[0][cols.indexOf('at')], 'src/agent/answer.ts:10');
  a = await call('find_spans', { errorsOnly: true, service: 'payments' });
  assert.deepEqual(byId(a.data.spans), [ids.pay.charge]);
  a = await call('find_spans', { attributes: ['db.system.name=postgresql'], minDurationMs: 50 });
  assert.deepEqual(byId(a.data.spans), [ids.slowCheckout.query]);
  // 100,000 spans: op-7 is every 50th span; page through all 2,000 of them
  const found = new Set();
  let cursor;
  let calls = 0;
  do {
    a = await call('find_spans', { traceId: bigId, name: 'op-7', cursor, limit: 500 });
    for (const r of a.data.spans) found.add(r[cols.indexOf('spanId')]);
    cursor = a.data.nextCursor;
    calls++;
  } while (cursor);
  assert.equal(found.size, 2000);
  assert.ok(calls > 4, 'the budget split the results over several answers');
  await assert.rejects(tools.call('find_spans', {}), (e) => e instanceof AgentInputError && /at least one criterion/.test(e.message));
});

test('code_stats: calls, latencies, errors and the latest failing trace of a file, as the lenses show them', async () => {
  let a = await call('code_stats', { file: 'test/unit/agent-helpers.js' });
  assert.equal(a.data.totals.calls, 1);
  assert.equal(a.data.totals.errors, 1);
  const loc = a.data.locations[0];
  assert.equal(loc.at, `test/unit/agent-helpers.js:${THROW_LINE}`);
  assert.equal(loc.latestFailingTrace.traceId, ids.pay.traceId);
  assert.equal(loc.lastError.type, 'TypeError');
  a = await call('code_stats', { file: 'src/agent/answer.ts', line: 10 });
  assert.equal(a.data.totals.calls, 2);
  assert.equal(a.data.locations[0].p95Ms >= a.data.locations[0].p50Ms, true);
  assert.equal(a.data.locations[0].slowestTrace.traceId, ids.slowCheckout.traceId);
  a = await call('code_stats', { function: 'chargeCard' });
  assert.equal(a.data.totals.errors, 1);
  a = await call('code_stats', { file: 'src/agent/answer.ts' });
  assert.ok(a.data.totals.calls >= 10_002, 'the big trace placed 10,000 spans in this file too');
  await assert.rejects(tools.call('code_stats', {}), AgentInputError);
});

test('compare_traces: two checkouts side by side, with the trace diff of their spans', async () => {
  const a = await call('compare_traces', { traceIdA: ids.checkout.traceId, traceIdB: ids.slowCheckout.traceId });
  assert.equal(a.data.differences.durationMs.a, 100);
  assert.equal(a.data.differences.durationMs.b, 180);
  assert.equal(a.data.differences.durationMs.delta, 80);
  assert.equal(a.data.b.criticalPath.top[0].spanId, ids.slowCheckout.query);
  assert.match(a.summary, /\+80 ms/);
  const d = a.data.spanDiff;
  assert.equal(d.counts.matched, 3);
  assert.equal(d.structureDiffers, false);
  assert.equal(d.result, 'different');
  assert.equal(d.slowerByOwnTime[0].name, 'SELECT prices');
  assert.equal(d.slowerByOwnTime[0].selfDeltaMs, 80);
  assert.equal(d.slowerByOwnTime[0].b.spanId, ids.slowCheckout.query);
  assert.ok(d.slowerByOwnTime.slice(1).every((r) => r.selfDeltaMs === 0), 'the others only waited on it');
  const big = await call('compare_traces', { traceIdA: ids.checkout.traceId, traceIdB: bigId });
  assert.match(big.data.spanDiff, /not computed: over/);
});

test('recent_errors: grouped by type and throwing place, counted, one trace each', async () => {
  const a = await call('recent_errors', {});
  const typeErr = a.data.groups.find((g) => g.type === 'TypeError');
  assert.equal(typeErr.count, 1);
  assert.equal(typeErr.at, `test/unit/agent-helpers.js:${THROW_LINE}`);
  assert.equal(typeErr.example.traceId, ids.pay.traceId);
  assert.equal(typeErr.example.spanId, ids.pay.charge);
  // the big trace: 100 error-status spans at 8 raw places with one type, read up to the detail limit
  const bulk = a.data.groups.filter((g) => g.services.includes('bulk'));
  assert.ok(bulk.length > 0);
  assert.ok(a.data.read.errorSpansRead <= 300);
});

test('a caller with less room (a model\'s token budget) gets smaller answers, never below the floor', async () => {
  const { MIN_BUDGET } = require('../../out/src/agent/tools.js');
  const small = await tools.call('get_trace', { traceId: bigId }, 3000);
  assert.ok(render(small).length <= 3000, `${render(small).length}`);
  assert.ok(small.data.spans.length < (await tools.call('get_trace', { traceId: bigId })).data.spans.length);
  const tiny = await tools.call('list_traces', {}, 10);
  assert.ok(render(tiny).length <= MIN_BUDGET);
  assert.ok(tiny.data.traces.length >= 1, 'a floor that still answers something');
  const huge = await tools.call('get_trace', { traceId: bigId }, 10 ** 9);
  assert.ok(render(huge).length <= ANSWER_BUDGET, 'never more than the default');
});

test('bad input is an error that says what to fix; the operations only read', async () => {
  await assert.rejects(tools.call('get_trace', {}), /traceId is required/);
  await assert.rejects(tools.call('get_trace', { traceId: 'not hex' }), /must match/);
  await assert.rejects(tools.call('list_traces', { limit: 0 }), /at least 1/);
  await assert.rejects(tools.call('list_traces', { bogus: 1 }), /unknown input "bogus"/);
  await assert.rejects(tools.call('nope', {}), /unknown tool/);
  await assert.rejects(tools.call('get_trace', { traceId: bigId, cursor: '-1' }), /cursor/);
  assert.equal(TOOLS.length, 7);
  for (const k of reads) assert.ok(['traces', 'summary', 'trace', 'packedTrace', 'spanDetail', 'locations'].includes(k), `the operations called ${k}`);
});
