// A million-span trace in a real workbench (issue 26): sent to the receiver over OTLP/HTTP, it opens windowed
// (the receiver keeps it ordered and serves the rows the panel shows), End scrolls to its last row, find
// reaches a span near its end, and the Flame graph tab draws the receiver's boxes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openWorkbench, waitForReceiver, waitForHttpListening, receiverApi,
  clearTraces, waitFor, runCommand, webviewFrame, useCodeServer, FREE_RECEIVER_PORTS,
} from './lib.mjs';

const SPANS = 1_000_000;
const GROUPS = 1000;
const PER = SPANS / GROUPS - 1; // leaves per group (the group span itself is the rest)

const cs = await useCodeServer({
  name: 'bigtrace',
  // the store's estimate charges ~1.8 KB a span: a million of them need more than the default 1 GB
  settings: { ...FREE_RECEIVER_PORTS, 'traceExplorer.store.maxSpans': 2_000_000, 'traceExplorer.store.maxMemoryMB': 8192 },
});

const TRACE = '1e6000000000000000000000000000a1';
const id = (n) => n.toString(16).padStart(16, '0');

/** the trace in requests of one group each (~1,000 spans): a root, its groups, their leaves, all later than the one before */
async function sendMillion(httpPort) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const t = (us) => String(now + BigInt(us) * 1000n);
  const span = (sid, parent, name, startUs, endUs) => ({ traceId: TRACE, spanId: id(sid), parentSpanId: parent === null ? '' : id(parent), name, kind: 1, startTimeUnixNano: t(startUs), endTimeUnixNano: t(endUs) });
  const post = async (spans) => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/v1/traces`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'batch-job' } }] }, scopeSpans: [{ scope: { name: 'e2e' }, spans }] }] }),
    });
    assert.equal(res.status, 200, await res.text());
    const body = await res.json().catch(() => ({}));
    assert.ok(!body.partialSuccess?.rejectedSpans, `no span refused: ${JSON.stringify(body)}`);
  };
  let batch = [span(1, null, 'million root', 0, GROUPS * 1000)];
  let k = 0;
  for (let g = 0; g < GROUPS; g++) {
    const gid = 2 + g * (PER + 1);
    batch.push(span(gid, 1, `group-${g}`, g * 1000, g * 1000 + 999));
    // (the last group has one leaf less: root + groups + leaves make exactly SPANS)
    for (let i = 0; i < PER - (g === GROUPS - 1 ? 1 : 0); i++, k++) batch.push(span(gid + 1 + i, gid, `leaf-${k}-x`, g * 1000 + i, g * 1000 + i + 1));
    if (batch.length >= 20_000 || g === GROUPS - 1) {
      await post(batch);
      batch = [];
    }
  }
  return k; // leaves sent
}

test('a million-span trace opens windowed, scrolls to its last row, and find reaches a span near its end', { timeout: 900_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'bigtrace' });
  const { page } = wb;
  try {
    await waitForReceiver(cs);
    const health = await waitForHttpListening(cs, 30_000);
    await clearTraces(cs);
    const t0 = Date.now();
    const leaves = await sendMillion(health.http.port);
    const summary = await waitFor('the whole trace in the receiver', async () => (await receiverApi(cs, '/api/traces')).find((x) => x.traceId === TRACE && x.spanCount === SPANS), { timeout: 120_000, interval: 2000 });
    console.log(`# sent and stored ${summary.spanCount} spans in ${Date.now() - t0} ms`);

    await runCommand(page, 'Trace Explorer: Open Trace by ID');
    await page.locator('.quick-input-widget .quick-input-box input').fill(TRACE);
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'Trace: million root' }).first().waitFor({ timeout: 60_000 });
    const frame = webviewFrame(page);
    const opened = Date.now();
    await frame.locator('[data-testid="windowed"]').waitFor({ timeout: 300_000 });
    await frame.locator('[role="row"] .name', { hasText: 'million root' }).first().waitFor({ timeout: 60_000 });
    console.log(`# first rows ${Date.now() - opened} ms after the tab (the receiver orders the trace on its first open)`);
    assert.equal(Number(await frame.locator('[role="treegrid"]').getAttribute('aria-rowcount')), SPANS);
    assert.match(await frame.locator('[data-testid="legend"]').innerText(), /1,000,000 spans/);
    await wb.screenshot('bigtrace-open');

    // End: the last row (the last group's last leaf), scrolled to and selected
    await frame.locator('[role="treegrid"]').focus();
    await frame.locator('[role="treegrid"]').press('End');
    const lastName = `leaf-${leaves - 1}-x`;
    await frame.locator(`[role="row"][aria-rowindex="${SPANS}"] .name`, { hasText: lastName }).waitFor({ timeout: 60_000 });
    await frame.locator('[role="row"][aria-selected="true"] .name', { hasText: lastName }).waitFor({ timeout: 30_000 });
    await wb.screenshot('bigtrace-end');

    // find over every span: a leaf near the end, after Collapse all (its ancestors open for it)
    await frame.locator('button[title="Collapse all"]').click();
    await waitFor('everything collapsed', async () => (await frame.locator('[role="treegrid"]').getAttribute('aria-rowcount')) === '1', { timeout: 60_000 });
    const near = `leaf-${leaves - 25}-x`;
    await frame.locator('[data-testid="find"]').fill(near);
    await frame.locator('[role="row"][aria-selected="true"] .name', { hasText: near }).waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('[data-testid="find-count"]').innerText(), '1 of 1');
    await wb.screenshot('bigtrace-find');

    // the flame graph of every span: the receiver lays it out and sends the boxes the canvas shows (the root
    // spans the whole width: its row has paint at the left edge, dimmed or not by the find)
    await frame.locator('[role="tab"]', { hasText: 'Flame graph' }).click();
    const flameAt = Date.now();
    const canvas = frame.locator('[data-testid="flame-canvas"]');
    const rootPainted = () => canvas.evaluate((c) => {
      if (!c.width || !c.height) return false;
      const dpr = c.width / c.getBoundingClientRect().width;
      return c.getContext('2d').getImageData(Math.round(20 * dpr), Math.round(9 * dpr), 1, 1).data[3] > 0;
    });
    await waitFor('flame graph boxes drawn', rootPainted, { timeout: 180_000, interval: 500 });
    console.log(`# flame graph drawn ${Date.now() - flameAt} ms after its tab`);
    await canvas.hover({ position: { x: 20, y: 9 } });
    await frame.locator('[data-testid="flame-tip"]', { hasText: 'million root' }).waitFor({ timeout: 30_000 });
    // a click selects the span: its details
    await canvas.click({ position: { x: 20, y: 9 } });
    await frame.locator('[data-testid="details"] .details-title', { hasText: 'million root' }).waitFor({ timeout: 60_000 });
    await wb.screenshot('bigtrace-flame');
  } catch (e) {
    await wb.screenshot('bigtrace-failed').catch(() => {});
    throw e;
  } finally {
    await wb.close();
  }
});
