// Traces that last (issue 23) in a real workbench: the sample app's traces are listed → Restart Receiver
// (a new receiver process) → the same traces are still in the Traces view and open in the waterfall, read
// back from the store on disk under the extension's global storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  openWorkbench, startSampleApp, waitForReceiver, waitForHttpListening, receiverApi,
  clearTraces, waitFor, runCommand, webviewFrame, receiverStateFiles, useCodeServer,
} from './lib.mjs';

const cs = await useCodeServer({ name: 'store' });

const SIDEBAR = '#workbench\\.parts\\.sidebar';
const QUICK_INPUT = '.quick-input-widget .quick-input-box input';

test('store: traces survive a receiver restart and still open', { timeout: 300_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'store' });
  const { page } = wb;
  let app;
  try {
    await waitForReceiver(cs);
    const health = await waitForHttpListening(cs, 30_000);
    await clearTraces(cs);
    app = await startSampleApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${health.http.port}` } });
    await app.hit(3, '/checkout?item=apple&qty=1');
    let last = '';
    const before = await waitFor('three complete checkout traces', async () => {
      const list = (await receiverApi(cs, '/api/traces')).filter((t) => t.rootTarget === '/checkout' && t.spanCount >= 8);
      const sig = list.map((t) => `${t.traceId}:${t.spanCount}`).sort().join(',');
      const done = list.length >= 3 && sig === last;
      last = sig;
      return done ? list : false;
    }, { timeout: 60_000, interval: 1000 });
    await app.stop();
    app = undefined;
    // the store sits beside the receiver's state file, in the extension's global storage
    const stateFile = receiverStateFiles(cs).find((f) => existsSync(f));
    assert.ok(stateFile && existsSync(join(stateFile, '..', 'store')), `a store directory beside ${stateFile}`);

    await runCommand(page, 'Trace Explorer: Show Traces');
    const rows = page.locator(`${SIDEBAR} .monaco-list-row`);
    await waitFor('the traces in the Traces view', async () => (await rows.allInnerTexts()).filter((t) => t.includes('/checkout')).length >= 3, { timeout: 30_000 });

    await runCommand(page, 'Trace Explorer: Restart Receiver');
    const restarted = await waitFor('a new receiver process', async () => {
      const h = await receiverApi(cs, '/api/health').catch(() => undefined);
      return h && h.pid !== health.pid ? h : false;
    }, { timeout: 60_000 });
    assert.notEqual(restarted.pid, health.pid);

    // every trace is listed again, whole, by the new process
    const after = await waitFor('the traces listed by the new receiver', async () => {
      const list = await receiverApi(cs, '/api/traces').catch(() => []);
      return before.every((b) => list.some((t) => t.traceId === b.traceId && t.spanCount === b.spanCount)) ? list : false;
    }, { timeout: 30_000 });
    assert.ok(after.length >= 3);
    await waitFor('the traces in the Traces view after the restart', async () => (await rows.allInnerTexts()).filter((t) => t.includes('/checkout')).length >= 3, { timeout: 30_000 });
    await wb.screenshot('store-after-restart');

    // and one opens in the waterfall with all its spans
    await runCommand(page, 'Trace Explorer: Open Trace by ID');
    await page.locator(QUICK_INPUT).fill(before[0].traceId);
    await page.keyboard.press('Enter');
    const frame = webviewFrame(page);
    await frame.locator('[role="row"]').first().waitFor({ timeout: 30_000 });
    assert.equal(Number(await frame.locator('[role="treegrid"]').getAttribute('aria-rowcount')), before[0].spanCount);
  } catch (e) {
    await wb.screenshot('store-failed').catch(() => {});
    throw e;
  } finally {
    await app?.stop();
    await wb.close();
  }
});
