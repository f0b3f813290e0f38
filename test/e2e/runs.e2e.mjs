// Runs in a real workbench: the sample app (real OpenTelemetry SDK) started twice is two runs of each of its
// services. The trace list grouped by run shows the first run; Set as Baseline Run on it (the row's inline
// action) → after the second run, whose checkouts are bulk orders (orders.priceOrder takes its slower path),
// the code lens above the frontend's checkout compares with the baseline → the orders service's first run is
// made its baseline from the palette, and the lens above priceOrder shows the 250 ms it grew → Compare Runs of
// the orders service marks orders.priceOrder slower, and its code location opens the line that started it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  openWorkbench, startSampleApp, waitForReceiver, waitForHttpListening, receiverApi,
  clearTraces, waitFor, runCommand, pickQuickItem, quickOpen, codeLensTexts, webviewFrame, activeEditorTab, cursorLine, SAMPLE_APP_DEPLOY_ROOT, useCodeServer,
} from './lib.mjs';

const cs = await useCodeServer({ name: 'runs' });

const SIDEBAR = '#workbench\\.parts\\.sidebar';
const ORDERS = 'services/orders/handlers.js';
const FRONTEND = 'services/frontend/handlers.js';

function lineOf(rel, needle) {
  const lines = readFileSync(join(cs.workspace, rel), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${rel}`);
  return i + 1;
}

/** n checkouts of one run have arrived whole (their span counts stopped growing) */
async function checkoutsOf(n, exclude) {
  let last = '';
  return waitFor(`${n} complete checkout traces`, async () => {
    const ts = (await receiverApi(cs, '/api/traces')).filter((t) => t.rootTarget === '/checkout' && !exclude.has(t.traceId) && t.spanCount >= 8);
    const now = ts.map((t) => `${t.traceId}:${t.spanCount}`).sort().join(',');
    const done = ts.length >= n && now === last;
    last = now;
    return done ? ts : false;
  }, { timeout: 60_000, interval: 1000 });
}

test('runs: baseline lens and Compare Runs across two starts of the sample app', { timeout: 400_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'runs' });
  const { page } = wb;
  let app;
  let cleanup = () => {};
  try {
    await waitForReceiver(cs);
    const health = await waitForHttpListening(cs, 30_000);
    await clearTraces(cs);
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${health.http.port}` };
    // both starts from one folder, as a program is started again: the same code locations in both runs
    const dir = join(SAMPLE_APP_DEPLOY_ROOT, `${process.pid}-runs`, 'sample-app');
    cleanup = () => rmSync(dirname(dir), { recursive: true, force: true });

    // the first run: ordinary checkouts
    app = await startSampleApp({ env, dir });
    for (let i = 0; i < 4; i++) assert.equal((await app.get('/checkout?item=apple&qty=1')).status, 200);
    const first = await checkoutsOf(4, new Set());
    await app.stop();
    app = undefined;

    // the trace list grouped by run; the first run of the frontend becomes its baseline (the inline action)
    await runCommand(page, 'Trace Explorer: Show Traces');
    await runCommand(page, 'Trace Explorer: Sort and Group Traces…');
    await pickQuickItem(page, 'Run (each start');
    const runRow = page.locator(`${SIDEBAR} .monaco-list-row`, { hasText: /frontend · started/ }).first();
    await runRow.waitFor({ timeout: 30_000 });
    await runRow.hover();
    await runRow.locator('.action-label[aria-label="Set as Baseline Run"]').click();
    await page.locator(`${SIDEBAR} .monaco-list-row`, { hasText: /baseline · \d+ traces?/ }).first().waitFor({ timeout: 20_000 });
    const runs = await receiverApi(cs, '/api/runs');
    const base = runs.find((r) => r.service === 'frontend' && r.baseline);
    assert.ok(base, `the frontend's first run is its baseline: ${JSON.stringify(runs)}`);
    await wb.screenshot('runs-baseline');

    // the second run: bulk orders, whose pricing takes the slower path
    app = await startSampleApp({ env, dir });
    for (let i = 0; i < 4; i++) assert.equal((await app.get('/checkout?item=apple&qty=60')).status, 200);
    await checkoutsOf(4, new Set(first.map((t) => t.traceId)));
    assert.equal((await receiverApi(cs, '/api/runs')).filter((r) => r.service === 'orders').length, 2, 'two runs of orders');

    // the lens above the frontend's checkout compares today's p95 with the baseline run's (either way: the
    // first run's cold start can be as slow as a bulk order)
    await quickOpen(page, FRONTEND);
    const lens = await waitFor('a lens that compares with the baseline', async () => (await codeLensTexts(page)).find((t) => /vs baseline\)/.test(t)) ?? false, { timeout: 60_000 });
    assert.match(lens, /p95 [\d.,]+ (ms|s) \([+−][\d.,]+ (ms|s) vs baseline\) · 8 calls/);
    await wb.screenshot('runs-baseline-lens');

    // a service no trace starts in has no run group: its baseline is set from the palette
    await runCommand(page, 'Trace Explorer: Set as Baseline Run');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'which service?' }).waitFor({ timeout: 20_000 });
    await pickQuickItem(page, 'orders');
    const ordersRuns = (await receiverApi(cs, '/api/runs')).filter((r) => r.service === 'orders').sort((x, y) => x.startedMs - y.startedMs);
    const runName = (r) => r.instanceId ?? `pid ${r.pid}`;
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'which run of orders?' }).waitFor({ timeout: 20_000 });
    await pickQuickItem(page, runName(ordersRuns[0]));
    await waitFor('the first run of orders as its baseline', async () => (await receiverApi(cs, '/api/runs')).some((r) => r.service === 'orders' && r.baseline && r.runId === ordersRuns[0].runId), { timeout: 20_000 });
    // above priceOrder: its bulk orders took 250 ms more than the first run's
    await quickOpen(page, ORDERS);
    // (the frontend's handlers.js was the active tab: wait until the editor shows the orders one)
    await page.locator('.breadcrumbs-control .monaco-breadcrumb-item', { hasText: /^orders$/ }).first().waitFor({ timeout: 20_000 });
    const priceLens = await waitFor('the priceOrder lens against its baseline', async () => (await codeLensTexts(page)).find((t) => /\(\+\d{3} ms vs baseline\) · 8 calls/.test(t)) ?? false, { timeout: 60_000 });
    assert.match(priceLens, /p95 \d{3} ms \(\+\d{3} ms vs baseline\)/);
    await wb.screenshot('runs-baseline-orders');

    // Compare Runs of orders: the reference run (A) is the first start, the run to look at (B) the second
    await runCommand(page, 'Trace Explorer: Compare Runs…');
    await pickQuickItem(page, 'orders');
    // each run's row names its instance (or its process); the baseline (the first run) is offered first
    const [runA, runB] = ordersRuns;
    const who = runName;
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'the reference run (A)' }).waitFor({ timeout: 20_000 });
    await pickQuickItem(page, who(runA));
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'the run to look at (B)' }).waitFor({ timeout: 20_000 });
    await pickQuickItem(page, who(runB));
    await page.locator('.tabs-container .tab', { hasText: 'Compare Runs: orders' }).first().waitFor({ timeout: 30_000 });

    const frame = webviewFrame(page);
    const price = frame.locator('[data-testid="runs-row"]', { hasText: 'orders.priceOrder' }).first();
    await price.waitFor({ timeout: 30_000 });
    assert.equal(await price.locator('td.slower').count(), 1, 'orders.priceOrder is marked slower');
    assert.match(await price.innerText(), /\+[\d.,]+/);
    await wb.screenshot('runs-compare');

    // its code location opens the line that started the span
    const priceLine = lineOf(ORDERS, "withSpan('orders.priceOrder'");
    await frame.locator('.runs-section', { hasText: 'Code locations' }).locator('button.link', { hasText: `handlers.js:${priceLine}` }).first().click();
    await activeEditorTab(page, 'handlers.js').waitFor({ timeout: 20_000 });
    const line = await waitFor('the cursor on the priceOrder line', async () => ((await cursorLine(page)) === priceLine ? priceLine : false), { timeout: 20_000 });
    assert.equal(line, priceLine);
    await wb.screenshot('runs-go-to-source');
  } catch (e) {
    await wb.screenshot('runs-failed').catch(() => {});
    throw e;
  } finally {
    await app?.stop();
    cleanup();
    await wb.close();
  }
});
