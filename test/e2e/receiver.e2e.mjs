// The receiver in a real workbench: the extension activates, the status bar shows the OTLP ports, the
// sample app's spans (real OpenTelemetry SDK, default exporter settings) make the count rise, a second
// window sees the same count, and with 4318 taken by another process a fresh window still activates and
// shows the conflict (status bar + notification naming the port).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useCodeServer, startCodeServer, stopCodeServer, openWorkbench, startSampleApp, holdPort, receiverApi,
  waitForReceiver, waitForStatusBarText, waitForNotification, waitFor, extensionStatusItems, screenshot,
  quickPickItems, pickQuickItem,
} from './lib.mjs';

const cs = await useCodeServer();

/** "… · 1,234 spans · 12 traces" → { spans: 1234, traces: 12 } */
function counts(text) {
  const n = (re) => { const m = re.exec(text); return m ? Number(m[1].replace(/,/g, '')) : NaN; };
  return { spans: n(/([\d,]+) spans?\b/), traces: n(/([\d,]+) traces?\b/) };
}

// First, while the shared receiver may not be running yet: a port held by something else.
test('with 4318 held by another process, a fresh window activates and shows the conflict', { timeout: 240_000 }, async () => {
  let dummy;
  try {
    dummy = await holdPort(4318);
  } catch (e) {
    if (e.code !== 'EADDRINUSE') throw e;
    // already held (by the shared code-server's receiver or another program): the same situation for a
    // fresh code-server with its own user-data dir, which cannot share that receiver
  }
  const fresh = await startCodeServer({ name: 'receiver-conflict' });
  let wb;
  try {
    wb = await openWorkbench(fresh, { name: 'receiver-conflict' });
    // the first window of a code-server that starts while the shared one is still warming up: in one fresh-clone
    // run the item came after ~60 s (the workbench showed "Activating Extensions…" meanwhile), in a rerun after 24 s
    const text = await waitForStatusBarText(wb.page, /OTLP :4318 in use/, { timeout: 150_000 });
    assert.match(text, /OTLP :4318 in use/);
    const note = await waitForNotification(wb.page, /port 4318 .*already in use/i, { timeout: 30_000 });
    assert.match(note.text, /4318/);
    assert.ok(note.buttons.some((b) => /port/i.test(b)), `notification offers no other port: ${JSON.stringify(note.buttons)}`);
    await wb.screenshot('port-conflict');
    // activation succeeded: the receiver's API still serves and says which port failed and why
    const health = await receiverApi(fresh, '/api/health');
    assert.equal(health.http.port, 4318);
    assert.equal(health.http.listening, false);
    assert.match(health.http.error || '', /EADDRINUSE|in use/i);
  } catch (e) {
    if (wb) await wb.screenshot('port-conflict-failed').catch(() => {});
    throw e;
  } finally {
    if (wb) await wb.close();
    await stopCodeServer(fresh); // also stops the receiver it forked (it may hold 4317)
    if (dummy) await dummy.close();
  }
});

test('status bar shows the ports; sample app spans raise the count; a second window sees the same count', { timeout: 300_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'receiver' });
  const { page } = wb;
  let app;
  try {
    const first = await waitForStatusBarText(page, /OTLP :4318 :4317 · /, { timeout: 60_000 });
    assert.doesNotMatch(first, /in use/);
    const before = counts(first);
    assert.ok(Number.isFinite(before.spans), `no span count in "${first}"`);
    await waitForReceiver(cs);
    await wb.screenshot('activated');

    // the real OpenTelemetry SDK, default endpoint settings, three services
    app = await startSampleApp();
    const answers = await app.hit(10);
    assert.ok(answers.some((r) => r.status === 200), 'the sample app answered no request');
    await waitForStatusBarText(page, /OTLP :4318 :4317 · /);
    const risen = await waitFor('the status bar span count to rise', async () => {
      const t = await extensionStatusItems(page).first().innerText();
      return counts(t).spans > before.spans ? t : false;
    }, { timeout: 30_000 });
    assert.ok(counts(risen).spans > before.spans);

    await app.stop(); // services flush their exporters on SIGTERM
    app = undefined;
    // once nothing more arrives, the window shows exactly what the receiver holds
    let health;
    await waitFor('the receiver span count to settle', async () => {
      const a = await receiverApi(cs, '/api/health');
      await new Promise((r) => setTimeout(r, 800));
      health = await receiverApi(cs, '/api/health');
      return a.spans === health.spans && health.spans > before.spans;
    }, { timeout: 30_000 });
    const spansRe = new RegExp(`· ${health.spans.toLocaleString('en-US')} spans? · ${health.traces.toLocaleString('en-US')} traces?`);
    const settled = await waitForStatusBarText(page, spansRe, { timeout: 15_000 });
    await wb.screenshot('spans-arrived');

    // the spans came from three services and were assembled into cross-service traces
    const traces = await receiverApi(cs, '/api/traces');
    assert.ok(traces.some((t) => ['frontend', 'orders', 'inventory'].every((s) => t.services.includes(s))),
      `no trace spans frontend, orders and inventory: ${JSON.stringify(traces.slice(0, 3).map((t) => t.services))}`);
    assert.ok(traces.some((t) => t.errorCount > 0), 'the failing endpoint produced no error trace');

    // a second window of the same workbench connects to the same receiver and shows the same count
    const page2 = await wb.newWindow();
    const second = await waitForStatusBarText(page2, spansRe, { timeout: 60_000 });
    assert.deepEqual(counts(second), counts(settled));
    assert.doesNotMatch(second, /in use/, 'the second window must not report a port conflict');
    await screenshot(page2, 'receiver-second-window');
    const h2 = await receiverApi(cs, '/api/health');
    assert.ok(h2.clients >= 2, `receiver reports ${h2.clients} connected windows`);

    // the status bar item's menu: what the receiver offers, and Show Log opens the one log channel
    await extensionStatusItems(page).first().click();
    const menu = await quickPickItems(page);
    for (const label of ['Show Traces', 'Copy OTLP Environment Variables…', 'Restart Receiver', 'Clear All Traces', 'Show Log']) {
      assert.ok(menu.some((t) => t.includes(label)), `the menu lacks "${label}": ${menu.join(' | ')}`);
    }
    await wb.screenshot('status-menu');
    await pickQuickItem(page, 'Show Log');
    // (the output editor renders spaces as no-break spaces)
    await page.locator('.part.panel .monaco-editor .view-lines', { hasText: /\[host\].Trace.Explorer.\d+\.\d+\.\d+.activated/ }).first().waitFor({ timeout: 20_000 });
    await wb.screenshot('log');
  } catch (e) {
    await wb.screenshot('failed').catch(() => {});
    throw e;
  } finally {
    if (app) await app.stop();
    await wb.close();
  }
});
