// The explore views in a real workbench (issue 24): Search Traces with the sample app (real OpenTelemetry SDK)
// sending — filtered to errors, a click on a point opens that trace's waterfall — and the service map, whose
// frontend → orders → inventory calls count what the receiver stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openWorkbench, startSampleApp, waitForReceiver, waitForHttpListening, receiverApi,
  clearTraces, waitFor, runCommand, useCodeServer,
} from './lib.mjs';

// Alone, this file runs a private code-server whose receiver takes free ports; under the runner it uses the shared one.
const cs = await useCodeServer({ name: 'explore' });

/** the content frames of every ready webview, with the one that shows `selector` first */
async function frameWith(page, selector, timeout = 30_000) {
  return waitFor(`a webview showing ${selector}`, async () => {
    const outers = page.locator('iframe.webview.ready');
    const n = await outers.count();
    for (let i = n - 1; i >= 0; i--) {
      const f = outers.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
      if (await f.locator(selector).count().catch(() => 0)) return f;
    }
    return false;
  }, { timeout });
}

test('search page: errors only, a click on a point opens that trace; service map counts the stored calls', { timeout: 420_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'explore' });
  const { page } = wb;
  let app;
  try {
    await waitForReceiver(cs);
    const health = await waitForHttpListening(cs, 30_000);
    await clearTraces(cs);
    app = await startSampleApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${health.http.port}` } });
    await app.hit(12);
    // every trace complete (its root in, no span waiting for a parent) before the views are compared with the store
    await app.stop();
    app = undefined;
    const traces = await waitFor('complete traces with errors', async () => {
      const t = await receiverApi(cs, '/api/traces');
      return t.length >= 12 && t.some((x) => x.errorCount > 0) && t.every((x) => x.brokenParents === 0) ? t : false;
    }, { timeout: 60_000 });
    const failed = traces.filter((t) => t.errorCount > 0);

    // Search Traces: every stored trace on the plot and in the table
    await runCommand(page, 'Trace Explorer: Search Traces');
    const search = await frameWith(page, '.tbody [role=row]');
    await waitFor('every trace listed', async () => (await search.locator('.actions .count').innerText()).startsWith(`${traces.length} traces`), { timeout: 20_000 });
    assert.equal(await search.locator('.plot canvas').getAttribute('data-points'), String(traces.length));
    await wb.screenshot('search');

    // Only errors: the table holds the failed traces, and only those
    await search.locator('label.check', { hasText: 'Only errors' }).locator('input').check();
    await waitFor('only the failed traces', async () => (await search.locator('.actions .count').innerText()).startsWith(`${failed.length} trace`), { timeout: 10_000 });
    const ids = await search.locator('.tbody [role=row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')));
    assert.deepEqual(ids.sort(), failed.map((t) => t.traceId).sort());
    await wb.screenshot('search-errors');

    // a click on a point: with one failed trace left on the plot, its point sits in the plotting area's middle
    const target = failed[0];
    await search.locator('.filter-input').fill(target.traceId);
    await waitFor('one point', async () => (await search.locator('.plot canvas').getAttribute('data-points')) === '1', { timeout: 10_000 });
    const box = await search.locator('.plot canvas').boundingBox();
    await page.mouse.move(box.x + 58 + (box.width - 70) / 2, box.y + 8 + (box.height - 30) / 2);
    await search.locator('.plot-tip').waitFor({ timeout: 10_000 });
    await page.mouse.down();
    await page.mouse.up();
    const waterfall = await frameWith(page, '[title="Trace id"]');
    assert.equal((await waterfall.locator('[title="Trace id"]').innerText()).trim(), target.traceId);
    await waterfall.locator('[role="row"]').first().waitFor({ timeout: 30_000 });
    await wb.screenshot('search-opened');

    // the service map: frontend → orders → inventory (→ sqlite), with the calls the stored traces made
    const expected = new Map();
    for (const t of traces) {
      const m = await receiverApi(cs, `/api/explore/trace/${t.traceId}/servicemap`);
      for (const e of m.edges) expected.set(`${e.from}>${e.to}`, (expected.get(`${e.from}>${e.to}`) ?? 0) + e.calls);
    }
    assert.ok(expected.get('s:frontend>s:orders') >= 12, JSON.stringify([...expected]));
    assert.ok(expected.get('s:orders>s:inventory') > 0, JSON.stringify([...expected]));
    await runCommand(page, 'Trace Explorer: Show Service Map');
    const map = await frameWith(page, '.map-svg .node');
    const nodes = await map.locator('.map-svg .node').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));
    for (const n of ['s:frontend', 's:orders', 's:inventory', 'd:sqlite']) assert.ok(nodes.includes(n), nodes.join(', '));
    for (const key of ['s:frontend>s:orders', 's:orders>s:inventory', 's:inventory>d:sqlite']) {
      const [from, to] = key.split('>');
      const calls = await map.locator(`.map-svg .edge[data-from="${from}"][data-to="${to}"]`).getAttribute('data-calls');
      assert.equal(Number(calls), expected.get(key), key);
    }
    await wb.screenshot('servicemap');

    // an edge's click: the search page shows the traces that made that call
    await map.locator('.map-svg .edge[data-from="s:orders"][data-to="s:inventory"]').dispatchEvent('click');
    const restricted = await frameWith(page, '.restrict');
    assert.match(await restricted.locator('.restrict').innerText(), /orders → inventory/);
    await wb.screenshot('edge-traces');
  } finally {
    await app?.stop();
    await wb.close();
  }
});
