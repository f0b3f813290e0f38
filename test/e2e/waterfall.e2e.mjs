// The waterfall in a real workbench: the sample app (real OpenTelemetry SDK) sends traces → "Open Trace by
// ID…" opens one from its quick pick → the panel shows the spans as rows in the webview → `e` jumps to the
// error span and its details show the exception with its stack trace and the span's logs → a stack frame
// link opens the file at its line → a trace that grows while open updates in place → after a window reload
// the serializer restores the panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openWorkbench, startSampleApp, waitForReceiver, waitForHttpListening, receiverApi,
  clearTraces, waitFor, runCommand, quickPickItems, waitForWorkbench, waitForExtensionStatus, webviewFrame, activeEditorTab, cursorLine, useCodeServer,
} from './lib.mjs';

// Alone, this file runs a private code-server whose receiver takes free ports; under the runner it uses the
// shared one.
const cs = await useCodeServer({ name: 'waterfall' });

const QUICK_INPUT = '.quick-input-widget .quick-input-box input';

test('waterfall: open a trace by id, rows in the webview, the error span shows its exception, live update, restored after reload', { timeout: 300_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'waterfall' });
  const { page } = wb;
  let app;
  try {
    await waitForReceiver(cs);
    const health = await waitForHttpListening(cs, 30_000);
    await clearTraces(cs);
    app = await startSampleApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${health.http.port}` } });
    await app.hit(2, '/fail');
    await app.hit(2, '/checkout?item=apple&qty=1');
    // a failing trace, complete (its span count stops changing)
    let last = -1;
    const failing = await waitFor('a complete failing trace', async () => {
      const t = (await receiverApi(cs, '/api/traces')).find((x) => x.errorCount > 0 && x.spanCount >= 4);
      if (!t) return false;
      const done = t.spanCount === last;
      last = t.spanCount;
      return done ? t : false;
    }, { timeout: 45_000, interval: 1000 });

    // "Open Trace by ID…": the quick pick lists recent traces; typing the id selects it
    await runCommand(page, 'Trace Explorer: Open Trace by ID');
    const items = await quickPickItems(page);
    assert.ok(items.some((t) => t.includes(failing.traceId)), `recent traces are offered: ${items.join(' | ')}`);
    await page.locator(QUICK_INPUT).fill(failing.traceId);
    await page.keyboard.press('Enter');
    const tab = page.locator('.tabs-container .tab', { hasText: `Trace: ${failing.rootName}` }).first();
    await tab.waitFor({ timeout: 30_000 });

    // the spans as rows in the webview frame, in a treegrid
    const frame = webviewFrame(page);
    await frame.locator('[role="row"]').first().waitFor({ timeout: 30_000 });
    const rowCount = Number(await frame.locator('[role="treegrid"]').getAttribute('aria-rowcount'));
    assert.equal(rowCount, failing.spanCount, 'one row per span');
    const names = await frame.locator('[role="row"] .name').allInnerTexts();
    assert.equal(names[0], failing.rootName, 'the root comes first');
    // the sample app's server spans are named by their method alone ("GET"): the row adds the path
    assert.ok(failing.rootTarget, `the failing trace's root is a bare-method span with a path: ${JSON.stringify(failing)}`);
    assert.equal(await frame.locator('[role="row"]').first().locator('.target').innerText(), failing.rootTarget);
    assert.ok(names.includes('inventory.getStock'), names.join(' | '));
    assert.ok(await frame.locator('[role="row"].error').count() >= 1, 'error spans are marked');
    // three services on one host share one clock: a local request is never flagged as clock skew
    assert.equal(await frame.locator('[role="row"] .badge.skew').count(), 0, 'no clock skew on one host');
    await wb.screenshot('waterfall-open');

    // `e`: the next error span is selected and its details open with the exception
    await frame.locator('[role="treegrid"]').focus();
    await frame.locator('[role="treegrid"]').press('e');
    const details = frame.locator('[data-testid="details"]');
    await details.waitFor({ timeout: 15_000 });
    assert.ok(await frame.locator('[role="row"][aria-selected="true"].error').count() === 1, 'an error span is selected');
    // the span where the error happened carries the recorded exception and the span's logs
    await frame.locator('[role="row"]', { has: frame.locator('.name', { hasText: /^inventory\.getStock$/ }) }).first().click();
    await details.locator('.details-title', { hasText: 'inventory.getStock' }).waitFor({ timeout: 15_000 });
    await details.locator('[data-testid="exception"]').first().waitFor({ timeout: 15_000 });
    const exc = details.locator('[data-testid="exception"]').first();
    assert.match(await exc.innerText(), /no stock record for item "unobtainium"/);
    // frames become links once the host says their files are in the workspace
    await exc.locator('.frame-link').first().waitFor({ timeout: 20_000 });
    assert.ok(await exc.locator('.frame-link').count() > 0, 'stack frames of workspace files are links');
    assert.match(await details.locator('.facts').innerText(), /Error/);
    assert.match(await details.innerText(), /stock lookup failed for "unobtainium"/, 'the span\'s logs are shown');
    await wb.screenshot('waterfall-error-details');

    // a stack frame link runs the host's openStackFrame: the frame's file opens at its line
    const link = exc.locator('.frame-link').first();
    const frameText = await link.innerText();
    const m = /([^/\\(\s]+\.[cm]?[jt]s):(\d+)(?::\d+)?\)?\s*$/.exec(frameText);
    assert.ok(m, `a frame with file and line: ${frameText}`);
    await link.click();
    await activeEditorTab(page, m[1]).waitFor({ timeout: 20_000 });
    await waitFor(`the cursor on line ${m[2]}`, async () => (await cursorLine(page)) === Number(m[2]), { timeout: 10_000 });
    await wb.screenshot('waterfall-frame-link');

    // a trace that grows while open updates in place: the new span appears, the selection stays
    const liveTrace = '5e1f0000000000000000000000000001';
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = (id, parent, name, startMs, endMs) => ({
      traceId: liveTrace, spanId: id, parentSpanId: parent, name, kind: 1,
      startTimeUnixNano: String(now + BigInt(startMs) * 1_000_000n), endTimeUnixNano: String(now + BigInt(endMs) * 1_000_000n),
    });
    const send = async (spans) => {
      const res = await fetch(`http://127.0.0.1:${health.http.port}/v1/traces`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'live-svc' } }] }, scopeSpans: [{ scope: { name: 'e2e' }, spans }] }] }),
      });
      assert.equal(res.status, 200, await res.text());
    };
    await send([span('1000000000000001', '', 'live root', 0, 50), span('1000000000000002', '1000000000000001', 'first child', 5, 20)]);
    await waitFor('the live trace in the receiver', async () => (await receiverApi(cs, '/api/traces')).some((t) => t.traceId === liveTrace), { timeout: 15_000 });
    await runCommand(page, 'Trace Explorer: Open Trace by ID');
    await page.locator(QUICK_INPUT).fill(liveTrace);
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'Trace: live root' }).first().waitFor({ timeout: 30_000 });
    const live = webviewFrame(page);
    await live.locator('[role="row"]', { has: live.locator('.name', { hasText: 'first child' }) }).first().click();
    await send([span('1000000000000003', '1000000000000001', 'second child', 25, 45)]);
    await waitFor('the new span in the open waterfall', async () => (await live.locator('[role="treegrid"]').getAttribute('aria-rowcount')) === '3', { timeout: 20_000 });
    assert.deepEqual(await live.locator('[role="row"] .name').allInnerTexts(), ['live root', 'first child', 'second child']);
    assert.equal(await live.locator('[role="row"][aria-selected="true"] .name').innerText(), 'first child', 'the selection survives the update');
    await wb.screenshot('waterfall-live-update');
    await runCommand(page, 'View: Close Editor', { exact: true }); // the live trace's panel is the active editor
    await page.locator('.tabs-container .tab', { hasText: 'Trace: live root' }).waitFor({ state: 'detached', timeout: 15_000 });

    // a trace longer than the head the panel gets first (PANEL_HEAD_ROWS): its first rows, then all of it
    const bigTrace = '5e1f0000000000000000000000000002';
    const bigSpans = [{ ...span('2000000000000000', '', 'big root', 0, 900), traceId: bigTrace }];
    for (let k = 1; k < 1500; k++) {
      bigSpans.push({ ...span((0x2000000000000000n + BigInt(k)).toString(16), '2000000000000000', `step ${k}`, 1, 2), traceId: bigTrace });
      bigSpans[k].startTimeUnixNano = String(now + BigInt(k) * 500_000n);
      bigSpans[k].endTimeUnixNano = String(now + BigInt(k) * 500_000n + 400_000n);
    }
    await send(bigSpans);
    await waitFor('the big trace in the receiver', async () => (await receiverApi(cs, '/api/traces')).some((t) => t.traceId === bigTrace && t.spanCount === 1500), { timeout: 15_000 });
    await runCommand(page, 'Trace Explorer: Open Trace by ID');
    await page.locator(QUICK_INPUT).fill(bigTrace);
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'Trace: big root' }).first().waitFor({ timeout: 30_000 });
    const big = webviewFrame(page);
    await big.locator('[role="row"]').first().waitFor({ timeout: 30_000 });
    await waitFor('every row of the big trace', async () => (await big.locator('[role="treegrid"]').getAttribute('aria-rowcount')) === '1500', { timeout: 20_000 });
    assert.equal(await big.locator('[data-testid="partial"]').count(), 0, 'the head was replaced by the whole trace');
    assert.match(await big.locator('[data-testid="legend"]').innerText(), /1,500 spans/);
    assert.deepEqual((await big.locator('[role="row"] .name').allInnerTexts()).slice(0, 3), ['big root', 'step 1', 'step 2']);
    await runCommand(page, 'View: Close Editor', { exact: true });
    await page.locator('.tabs-container .tab', { hasText: 'Trace: big root' }).waitFor({ state: 'detached', timeout: 15_000 });

    // a window reload restores the panel (WebviewPanelSerializer) with the same trace
    await app.stop();
    app = undefined;
    await tab.click();
    await page.reload();
    await waitForWorkbench(page);
    await waitForExtensionStatus(page);
    await page.locator('.tabs-container .tab', { hasText: `Trace: ${failing.rootName}` }).first().waitFor({ timeout: 60_000 });
    await page.locator('.tabs-container .tab', { hasText: `Trace: ${failing.rootName}` }).first().click();
    const restored = webviewFrame(page);
    await restored.locator('[role="row"]').first().waitFor({ timeout: 60_000 });
    assert.equal(Number(await restored.locator('[role="treegrid"]').getAttribute('aria-rowcount')), failing.spanCount);
    await wb.screenshot('waterfall-restored');
  } catch (e) {
    await wb.screenshot('waterfall-failed').catch(() => {});
    throw e;
  } finally {
    if (app) await app.stop();
    await wb.close();
  }
});
