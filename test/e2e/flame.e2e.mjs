// The flame graph in a real workbench: a checkout trace of the sample app (real OpenTelemetry SDK) opened
// by id → the panel's "Flame graph" tab draws it on a canvas → a click on the root's box opens that span's
// details beside it → a click on a child's box (one row down) selects that child → Go to source from the
// details opens the child's code at its line, as from the waterfall → the toolbar's Service map opens the
// map of the services this trace touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openWorkbench, startSampleApp, waitForReceiver, waitForHttpListening, receiverApi,
  clearTraces, waitFor, runCommand, webviewFrame, cursorLine, useCodeServer,
} from './lib.mjs';

const cs = await useCodeServer({ name: 'flame' });

const QUICK_INPUT = '.quick-input-widget .quick-input-box input';
const ROW_H = 18; // webview/components/FlameGraph.tsx

test('flame graph: the tab draws the trace, a click on a box shows its span, Go to source opens its line', { timeout: 300_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'flame' });
  const { page } = wb;
  let app;
  try {
    await waitForReceiver(cs);
    const health = await waitForHttpListening(cs, 30_000);
    await clearTraces(cs);
    app = await startSampleApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${health.http.port}` } });
    await app.hit(1, '/checkout?item=apple&qty=1');
    let last = -1;
    const trace = await waitFor('a complete checkout trace', async () => {
      const t = (await receiverApi(cs, '/api/traces')).find((x) => x.rootTarget === '/checkout' && x.spanCount >= 8);
      if (!t) return false;
      const done = t.spanCount === last;
      last = t.spanCount;
      return done ? t : false;
    }, { timeout: 45_000, interval: 1000 });

    await runCommand(page, 'Trace Explorer: Open Trace by ID');
    await page.locator(QUICK_INPUT).fill(trace.traceId);
    await page.keyboard.press('Enter');
    const frame = webviewFrame(page);
    await frame.locator('[role="row"]').first().waitFor({ timeout: 30_000 });

    await frame.locator('button[role="tab"]', { hasText: 'Flame graph' }).click();
    const canvas = frame.locator('[data-testid=flame-canvas]');
    await canvas.waitFor({ timeout: 20_000 });
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 100 && box.height >= ROW_H, `a canvas with room: ${JSON.stringify(box)}`);
    await wb.screenshot('flame-tab');

    // the root's box spans the whole width of the first row: a click in it opens the root span's details
    await canvas.click({ position: { x: box.width / 2, y: ROW_H / 2 } });
    const details = frame.locator('[data-testid="details"]');
    await details.waitFor({ timeout: 15_000 });
    const title = details.locator('.details-title');
    await waitFor('the root span in the details', async () => (await title.innerText()).trim() === trace.rootName, { timeout: 15_000 });

    // the first child's box starts at the left edge of the second row (children sit from the parent's left)
    const narrowed = await canvas.boundingBox(); // the details pane took part of the width
    await canvas.click({ position: { x: Math.min(4, narrowed.width / 4), y: ROW_H + ROW_H / 2 } });
    await waitFor('another span in the details', async () => (await title.innerText()).trim() !== trace.rootName, { timeout: 15_000 });
    const childName = (await title.innerText()).trim();
    const spans = await receiverApi(cs, `/api/traces/${trace.traceId}`);
    const all = spans.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    const child = all.find((s) => s.name === childName && s.parentSpanId);
    assert.ok(child, `the selected box is a span of the trace below the root: ${childName}`);
    const attr = (k) => child.attributes?.find((a) => a.key === k)?.value;
    const file = attr('code.file.path')?.stringValue ?? attr('code.filepath')?.stringValue;
    const line = Number(attr('code.line.number')?.intValue ?? attr('code.lineno')?.intValue ?? 0);
    assert.ok(file && line > 0, `the sample app's spans carry code locations: ${JSON.stringify(child.attributes)}`);
    await wb.screenshot('flame-details');

    await details.locator('button', { hasText: /Go to source/ }).first().click();
    const base = file.split('/').pop();
    await page.locator(`.tabs-container .tab.active[aria-label*="${base}"]`).first().waitFor({ timeout: 20_000 });
    await waitFor(`the cursor on line ${line}`, async () => (await cursorLine(page)) === line, { timeout: 15_000 });
    await wb.screenshot('flame-go-to-source');

    // the toolbar's Service map: this trace's services and the calls between them, in a panel of its own
    await page.locator('.tabs-container .tab', { hasText: `Trace: ${trace.rootName}` }).first().click();
    await webviewFrame(page).locator('button', { hasText: 'Service map' }).click();
    await page.locator('.tabs-container .tab', { hasText: `Service Map ${trace.traceId.slice(0, 8)}` }).first().waitFor({ timeout: 30_000 });
    const map = await waitFor('the trace\'s map drawn', async () => {
      const outers = page.locator('iframe.webview.ready');
      for (let i = (await outers.count()) - 1; i >= 0; i--) {
        const f = outers.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
        if (await f.locator('.map-svg .node').count().catch(() => 0)) return f;
      }
      return false;
    }, { timeout: 30_000 });
    const nodes = await map.locator('.map-svg .node').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));
    for (const n of ['s:frontend', 's:orders', 's:inventory']) assert.ok(nodes.includes(n), `${n} in ${nodes.join(', ')}`);
    await wb.screenshot('flame-trace-service-map');
  } catch (e) {
    await wb.screenshot('flame-failed').catch(() => {});
    throw e;
  } finally {
    await app?.stop();
    await wb.close();
  }
});
