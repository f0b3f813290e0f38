// Compare Traces in a real workbench: the sample app (real OpenTelemetry SDK) answers the same checkout
// twice, the second time a bulk order that takes its slower pricing path → "Compare Traces" (the slow trace,
// then the fast one from the quick pick) → the compare panel lists orders.priceOrder first among the slower
// spans → Go to Source from it opens the orders handler at the line that started that span → after a window
// reload the compare panel is back with the same comparison.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  openWorkbench, startSampleApp, waitForReceiver, waitForHttpListening, receiverApi,
  clearTraces, waitFor, runCommand, webviewFrame, activeEditorTab, cursorLine, waitForWorkbench, waitForExtensionStatus, SAMPLE_APP_SRC, useCodeServer,
} from './lib.mjs';

const cs = await useCodeServer({ name: 'compare' });

const QUICK_INPUT = '.quick-input-widget .quick-input-box input';
const QUICK_ROW = '.quick-input-widget .monaco-list-row';
const HANDLERS = 'services/orders/handlers.js';

function lineOf(rel, needle) {
  const lines = readFileSync(join(SAMPLE_APP_SRC, rel), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${rel}`);
  return i + 1;
}

/** the newest checkout trace that has stopped growing, other than those in `seen` */
async function completeCheckout(seen = []) {
  let last = -1;
  return waitFor('a complete checkout trace', async () => {
    const t = (await receiverApi(cs, '/api/traces')).find((x) => x.rootTarget === '/checkout' && !seen.includes(x.traceId) && x.spanCount >= 8);
    if (!t) return false;
    const done = t.spanCount === last;
    last = t.spanCount;
    return done ? t : false;
  }, { timeout: 45_000, interval: 1000 });
}

async function pickByPrefix(page, traceId) {
  const input = page.locator(QUICK_INPUT);
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(traceId.slice(0, 8));
  await page.locator(QUICK_ROW, { hasText: traceId.slice(0, 8) }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
}

test('compare: the same request twice, the slower span first, Go to Source opens its line', { timeout: 300_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'compare' });
  const { page } = wb;
  let app;
  try {
    await waitForReceiver(cs);
    const health = await waitForHttpListening(cs, 30_000);
    await clearTraces(cs);
    app = await startSampleApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${health.http.port}` } });
    // a first request warms the services up (its trace is slow for reasons of its own)
    assert.equal((await app.get('/checkout?item=apple&qty=1')).status, 200);
    const warm = await completeCheckout();
    assert.equal((await app.get('/checkout?item=apple&qty=1')).status, 200);
    const fast = await completeCheckout([warm.traceId]);
    // the same request, a bulk order: orders.priceOrder takes its slower path (a volume-discount lookup)
    assert.equal((await app.get('/checkout?item=apple&qty=60')).status, 200);
    const slow = await completeCheckout([warm.traceId, fast.traceId]);
    assert.ok(slow.durationMs > fast.durationMs + 100, `the last request is slower: ${fast.durationMs} → ${slow.durationMs} ms`);

    // Compare Traces from the palette: the trace to look at, then the one to compare it with
    await runCommand(page, 'Trace Explorer: Compare Traces');
    await pickByPrefix(page, slow.traceId);
    await pickByPrefix(page, fast.traceId);
    const tab = page.locator('.tabs-container .tab', { hasText: `Compare ${fast.traceId.slice(0, 6)}` }).first();
    await tab.waitFor({ timeout: 30_000 });

    const frame = webviewFrame(page);
    await frame.locator('.cmp-change').first().waitFor({ timeout: 30_000 });
    assert.match(await frame.locator('[data-testid="structure"]').innerText(), /Same structure: \d+ spans matched/);
    const first = frame.locator('.cmp-change').first();
    assert.equal(await first.locator('.cmp-change-name').innerText(), 'orders.priceOrder', 'the slower span is listed first');
    assert.match(await first.innerText(), /\+\d+/);
    await wb.screenshot('compare-traces');

    // the top regression is selected; its row shows both durations; Go to Source opens the line that started it
    await first.click();
    const details = frame.locator('[data-testid="details"]');
    await details.locator('.cmp-path', { hasText: 'orders.priceOrder' }).waitFor({ timeout: 15_000 });
    const selected = frame.locator('.cmp-row.selected');
    assert.match(await selected.innerText(), /orders\.priceOrder/);
    const priceLine = lineOf(HANDLERS, "withSpan('orders.priceOrder'");
    await details.locator('button', { hasText: 'Go to Source' }).click();
    await activeEditorTab(page, 'handlers.js').waitFor({ timeout: 20_000 });
    const line = await waitFor('the cursor on the priceOrder line', async () => ((await cursorLine(page)) === priceLine ? priceLine : false), { timeout: 20_000 });
    assert.equal(line, priceLine);
    await wb.screenshot('compare-go-to-source');

    // a window reload restores the compare panel (its serializer compares the same two traces again)
    await tab.click();
    // Developer: Reload Window, as a user reloads: the workbench saves its editors before it goes (a bare
    // page reload raced that save in one fresh-clone run, and no editor came back)
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), runCommand(page, 'Developer: Reload Window')]);
    await waitForWorkbench(page);
    await waitForExtensionStatus(page);
    const again = page.locator('.tabs-container .tab', { hasText: `Compare ${fast.traceId.slice(0, 6)}` }).first();
    await again.waitFor({ timeout: 60_000 });
    await again.click();
    const restored = webviewFrame(page);
    await restored.locator('.cmp-change').first().waitFor({ timeout: 60_000 });
    assert.equal(await restored.locator('.cmp-change .cmp-change-name').first().innerText(), 'orders.priceOrder');
    await wb.screenshot('compare-restored');
  } catch (e) {
    await wb.screenshot('compare-failed').catch(() => {});
    throw e;
  } finally {
    await app?.stop();
    await wb.close();
  }
});
