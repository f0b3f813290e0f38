// Preview panels in a real workbench (issue 26): a click in the trace list shows the trace in the preview
// panel, and the next click shows its trace in that same panel (one tab, its title ending in "(preview)");
// a double-click keeps the panel, and the next trace opens in a new preview panel; Keep Open in the panel
// keeps it too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openWorkbench, waitForReceiver, waitForHttpListening, receiverApi,
  clearTraces, waitFor, runCommand, webviewFrame, useCodeServer,
} from './lib.mjs';

const cs = await useCodeServer({ name: 'preview' });

const SIDEBAR = '#workbench\\.parts\\.sidebar';
const TAB = '.tabs-container .tab';

/** one small trace whose root is named `root` (OTLP JSON to the receiver's HTTP port) */
async function sendTrace(httpPort, traceId, root) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = (id, parent, name, startMs, endMs) => ({
    traceId, spanId: id, parentSpanId: parent, name, kind: 1,
    startTimeUnixNano: String(now + BigInt(startMs) * 1_000_000n), endTimeUnixNano: String(now + BigInt(endMs) * 1_000_000n),
  });
  const body = {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'preview-svc' } }] },
      scopeSpans: [{ scope: { name: 'e2e' }, spans: [span(`${traceId.slice(0, 15)}1`, '', root, 0, 40), span(`${traceId.slice(0, 15)}2`, `${traceId.slice(0, 15)}1`, `${root} child`, 5, 30)] }],
    }],
  };
  const res = await fetch(`http://127.0.0.1:${httpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}

test('preview: two clicks in the trace list reuse one preview panel; a double-click and Keep Open keep a panel', { timeout: 300_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'preview' });
  const { page } = wb;
  try {
    await waitForReceiver(cs);
    const health = await waitForHttpListening(cs, 30_000);
    await clearTraces(cs);
    const ids = ['a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3'];
    const roots = ['alpha root', 'bravo root', 'charlie root'];
    for (let i = 0; i < 3; i++) await sendTrace(health.http.port, ids[i], roots[i]);
    await waitFor('three traces in the receiver', async () => (await receiverApi(cs, '/api/traces')).length === 3, { timeout: 15_000 });

    await runCommand(page, 'Trace Explorer: Show Traces');
    const row = (root) => page.locator(`${SIDEBAR} .monaco-list-row`, { hasText: root }).first();
    await row(roots[0]).waitFor({ timeout: 30_000 });
    const traceTabs = page.locator(TAB, { hasText: 'Trace' });
    const frame = webviewFrame(page);
    const rootRow = (root) => frame.locator('[role="row"] .name', { hasText: new RegExp(`^${root}$`) }).first();

    // a click: the trace in a preview panel, marked in its title and in the panel
    await row(roots[0]).click();
    await page.locator(TAB, { hasText: `Trace: ${roots[0]} (preview)` }).waitFor({ timeout: 30_000 });
    await rootRow(roots[0]).waitFor({ timeout: 30_000 });
    await frame.locator('[data-testid="preview-mark"]').waitFor({ timeout: 10_000 });
    await wb.screenshot('preview-first');

    // the next click: the same panel shows the next trace (still one tab)
    await row(roots[1]).click();
    await page.locator(TAB, { hasText: `Trace: ${roots[1]} (preview)` }).waitFor({ timeout: 30_000 });
    await rootRow(roots[1]).waitFor({ timeout: 30_000 });
    assert.equal(await traceTabs.count(), 1, `one panel: ${await traceTabs.allInnerTexts()}`);
    await wb.screenshot('preview-reused');

    // a double-click keeps the panel: its title loses "(preview)", the mark goes
    await row(roots[1]).dblclick();
    await page.locator(TAB, { hasText: `Trace: ${roots[1]}` }).filter({ hasNotText: '(preview)' }).waitFor({ timeout: 15_000 });
    await frame.locator('[data-testid="preview-mark"]').waitFor({ state: 'detached', timeout: 10_000 });

    // so the next trace opens in a new preview panel beside it
    await row(roots[2]).click();
    await page.locator(TAB, { hasText: `Trace: ${roots[2]} (preview)` }).waitFor({ timeout: 30_000 });
    await waitFor('two trace panels', async () => (await traceTabs.count()) === 2, { timeout: 10_000 });
    assert.equal(await page.locator(TAB, { hasText: `Trace: ${roots[1]}` }).count(), 1, 'the kept panel still shows its trace');
    await wb.screenshot('preview-after-keep');

    // Keep Open in the panel keeps it as well
    const active = webviewFrame(page);
    await active.locator('[data-testid="keep-open"]').click();
    await page.locator(TAB, { hasText: `Trace: ${roots[2]}` }).filter({ hasNotText: '(preview)' }).waitFor({ timeout: 15_000 });
    await row(roots[0]).click();
    await page.locator(TAB, { hasText: `Trace: ${roots[0]} (preview)` }).waitFor({ timeout: 30_000 });
    await waitFor('three trace panels', async () => (await traceTabs.count()) === 3, { timeout: 10_000 });
    await wb.screenshot('preview-keep-open');
  } catch (e) {
    await wb.screenshot('preview-failed').catch(() => {});
    throw e;
  } finally {
    await wb.close();
  }
});
