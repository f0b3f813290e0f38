// Runs (src/store/runs.ts) through the query API: which spans make a run, the run list, per-run statistics
// and the baseline per service.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ApiError } = require('../../out/src/receiver/apiClient.js');
const { startTestReceiver } = require('./_receiverHelpers.js');

let rx;
before(async () => {
  rx = await startTestReceiver();
});
after(async () => {
  await rx.close();
});

const NOW = BigInt(Date.now()) * 1_000_000n;
const str = (v) => ({ stringValue: v });
let nextId = 1;
const hex = (n, len) => n.toString(16).padStart(len, '0');

/** one resource's spans: [traceNo, name, startMs, durMs, {error, file, line, parent}] */
function batch(resourceAttrs, spans) {
  return {
    resourceSpans: [{
      resource: { attributes: Object.entries(resourceAttrs).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : str(v) })) },
      scopeSpans: [{ scope: { name: 's' }, spans: spans.map(([traceNo, name, startMs, durMs, x = {}]) => {
        const st = NOW + BigInt(startMs) * 1_000_000n;
        const attributes = [];
        if (x.file) attributes.push({ key: 'code.file.path', value: str(x.file) }, { key: 'code.line.number', value: { intValue: String(x.line ?? 1) } });
        return {
          traceId: hex(traceNo, 32), spanId: hex(nextId++, 16), parentSpanId: x.parent ?? '', name, kind: 2,
          startTimeUnixNano: String(st), endTimeUnixNano: String(st + BigInt(durMs) * 1_000_000n), attributes,
          status: x.error ? { code: 2 } : {},
        };
      }) }],
    }],
  };
}

test('runs: instance id, else pid + host; newest first; stats per operation and location; baseline per service', async () => {
  // run A: orders instance "a" (two traces); run B: orders instance "b", 10 s later; run C: billing by pid
  await rx.api.importOtlp(batch({ 'service.name': 'orders', 'service.instance.id': 'a' }, [
    [1, 'GET /o', 0, 10, { file: '/app/orders.ts', line: 5 }],
    [2, 'GET /o', 100, 30, { file: '/app/orders.ts', line: 5, error: true }],
  ]), { source: 'otlp' });
  await rx.api.importOtlp(batch({ 'service.name': 'orders', 'service.instance.id': 'b' }, [
    [3, 'GET /o', 10_000, 50, { file: '/app/orders.ts', line: 5 }],
    [3, 'SELECT', 10_001, 20],
  ]), { source: 'otlp' });
  await rx.api.importOtlp(batch({ 'service.name': 'billing', 'process.pid': 4242, 'host.name': 'box' }, [[3, 'charge', 10_002, 5]]), { source: 'otlp' });

  const all = await rx.api.runs();
  assert.deepEqual(all.map((r) => [r.service, r.instanceId ?? null, r.pid ?? null, r.traceCount, r.spanCount, r.errorCount]), [
    ['billing', null, 4242, 1, 1, 0],
    ['orders', 'b', null, 1, 2, 0],
    ['orders', 'a', null, 2, 2, 1],
  ]);
  const [billing, b, a] = all;
  assert.equal(billing.hostName, 'box');
  assert.ok(Math.abs(a.startedMs - Number(NOW / 1_000_000n)) <= 1, 'startedMs is the first span');
  assert.ok(a.lastMs >= a.startedMs + 130 - 1);
  assert.deepEqual((await rx.api.runs('orders')).map((r) => r.runId), [b.runId, a.runId]);
  assert.match(a.runId, /^[0-9a-f]{16}$/);

  // a trace's runId is its root span's run; trace 3 holds spans of two runs and counts in both
  const t3 = await rx.api.summary(hex(3, 32));
  assert.equal(t3.runId, b.runId);

  const stats = await rx.api.runStats(a.runId);
  assert.deepEqual(stats.operations, [{ service: 'orders', name: 'GET /o', kind: 2, count: 2, p50Ms: 10, p95Ms: 30, errors: 1 }]);
  assert.deepEqual(stats.locations, [{ file: '/app/orders.ts', line: 5, count: 2, p50Ms: 10, p95Ms: 30, errors: 1 }]);
  const bStats = await rx.api.runStats(b.runId);
  assert.deepEqual(bStats.operations.map((o) => [o.name, o.count]).sort(), [['GET /o', 1], ['SELECT', 1]]);
  assert.equal(await rx.api.runStats('0000000000000000'), undefined);

  await rx.api.setBaselineRun('orders', a.runId);
  assert.deepEqual((await rx.api.runs()).map((r) => r.baseline), [false, false, true]);
  await rx.api.setBaselineRun('orders', b.runId);
  assert.deepEqual((await rx.api.runs('orders')).map((r) => r.baseline), [true, false]);
  await assert.rejects(rx.api.setBaselineRun('billing', a.runId), (e) => e instanceof ApiError && e.status === 404);
  await rx.api.clearBaselineRun('orders');
  assert.ok((await rx.api.runs()).every((r) => !r.baseline));
});

test('trace list grouped by run: one group per run, newest start first, labelled with service and start', () => {
  const { computeView } = require('../../out/src/tracelist/traceListModel.js');
  const { EMPTY_FILTER } = require('../../out/src/tracelist/filter.js');
  const now = Date.parse('2026-12-07T12:00:00Z');
  const t = (traceId, runId, startMs, extra = {}) => ({
    traceId, rootName: 'GET /', rootService: 'orders', services: ['orders'], spanCount: 3, errorCount: 0, startTimeUnixNano: `${startMs}000000`,
    durationNano: '1000000', startMs, durationMs: 1, pinned: false, source: 'otlp', brokenParents: 0, ...(runId ? { runId } : {}), ...extra,
  });
  const traces = [t('a1', 'aaaa', now - 600_000), t('a2', 'aaaa', now - 590_000, { errorCount: 1 }), t('b1', 'bbbb', now - 30_000), t('x', undefined, now - 1000)];
  const runs = new Map([['aaaa', { runId: 'aaaa', service: 'orders', instanceId: 'i-a', startedMs: now - 3_600_000, lastMs: now - 500_000, traceCount: 2, spanCount: 6, errorCount: 1, baseline: true }]]);
  const view = computeView(traces, { sortBy: 'time', groupBy: 'run', filter: EMPTY_FILTER, now, limit: 100, runs });
  assert.deepEqual(view.groups.map((g) => [g.key, g.label, g.count, g.errorTraces, g.run?.baseline ?? null]), [
    ['run:bbbb', 'orders · started 30 s ago', 1, 0, false], // described from its traces until the receiver's runs say more
    ['run:aaaa', 'orders · started 1 h ago', 2, 1, true], // the receiver's run: started before its oldest trace still held
    ['run:', 'No run (traces from a receiver that does not name runs)', 1, 0, null],
  ]);
  assert.deepEqual(view.groups[1].traces.map((x) => x.traceId), ['a2', 'a1']);
});
