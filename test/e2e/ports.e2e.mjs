// A port conflict resolved from the notification: the receiver's OTLP/HTTP port is held by another program,
// the window still activates, says which port, and "Choose Another Port" (input box with a free port already
// filled in) writes the setting and restarts the receiver on the new port, where an app's spans then arrive.
// Then a store limit setting restarts the receiver, and filling the store tells the user eviction started.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  startCodeServer, stopCodeServer, openWorkbench, holdPort, freePort, waitForStatusBarText, waitForNotification,
  startSampleApp, receiverApi, waitFor, userSettingsFile, runCommand, webviewFrame, ROOT,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { TracerProvider, BatchSpanProcessor } = require(`${ROOT}/node_modules/@opentelemetry/sdk-trace`);
const { resourceFromAttributes } = require(`${ROOT}/node_modules/@opentelemetry/resources`);
const { OTLPTraceExporter } = require(`${ROOT}/node_modules/@opentelemetry/exporter-trace-otlp-proto`);

/** `traces` traces of `perTrace` spans each, through the real OTLP/HTTP protobuf exporter. */
async function sendSpans(port, traces, perTrace) {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'filler' }),
    spanProcessors: [new BatchSpanProcessor({
      exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }),
      maxExportBatchSize: 512, maxQueueSize: 100_000, scheduledDelayMillis: 100,
    })],
  });
  const tracer = provider.getTracer('e2e');
  for (let t = 0; t < traces; t++) {
    const root = tracer.startSpan(`fill ${t}`);
    const ctx = require(`${ROOT}/node_modules/@opentelemetry/api`).trace.setSpan(require(`${ROOT}/node_modules/@opentelemetry/api`).context.active(), root);
    for (let i = 1; i < perTrace; i++) tracer.startSpan(`child ${i}`, {}, ctx).end();
    root.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
}

test('port taken: the notification names it, Choose Another Port moves the receiver, spans arrive there', { timeout: 300_000 }, async () => {
  const taken = await freePort();
  const blocker = await holdPort(taken);
  const cs = await startCodeServer({
    name: 'ports',
    settings: { 'traceExplorer.receiver.httpPort': taken, 'traceExplorer.receiver.grpcPort': 0 },
  });
  after(() => stopCodeServer(cs));
  const wb = await openWorkbench(cs, { name: 'ports' });
  const { page } = wb;
  let app;
  try {
    await waitForStatusBarText(page, new RegExp(`OTLP :${taken} in use`), { timeout: 60_000 });
    const note = await waitForNotification(page, new RegExp(`port ${taken} \\(OTLP/HTTP\\) is already in use`), { timeout: 30_000 });
    assert.deepEqual(note.buttons, ['Choose Another Port', 'Show How to Point a Collector Here']);
    await wb.screenshot('conflict');

    await page.locator('.notification-list-item', { hasText: 'already in use' }).first()
      .locator('.monaco-button', { hasText: 'Choose Another Port' }).click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    const suggested = Number(await input.inputValue());
    assert.ok(suggested > 0 && suggested !== taken, `suggested port ${suggested}`);
    // validation: the taken-by-gRPC case and garbage are refused with a message
    await input.fill('http');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'Enter a port number' }).waitFor({ timeout: 10_000 });
    await input.fill(String(suggested));
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'Enter a port number' }).waitFor({ state: 'detached', timeout: 10_000 });
    await wb.screenshot('choose-port');
    await page.keyboard.press('Enter');

    const text = await waitForStatusBarText(page, new RegExp(`OTLP :${suggested} :\\d+ · `), { timeout: 60_000 });
    assert.doesNotMatch(text, /in use/);
    const settings = JSON.parse(readFileSync(userSettingsFile(cs), 'utf8'));
    assert.equal(settings['traceExplorer.receiver.httpPort'], suggested, 'the choice is saved in the user settings');
    const health = await receiverApi(cs, '/api/health');
    assert.equal(health.http.port, suggested);
    assert.equal(health.http.listening, true);

    app = await startSampleApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${suggested}` } });
    await app.hit(3);
    await waitFor('spans on the new port', async () => (await receiverApi(cs, '/api/health')).spans > 0, { timeout: 30_000 });
    await waitForStatusBarText(page, new RegExp(`OTLP :${suggested} :\\d+ · [1-9][\\d,]* spans?`), { timeout: 30_000 });
    await wb.screenshot('moved');

    // the how-to the notification offered: the README opens at its collector section
    await runCommand(page, 'Trace Explorer: How to Point a Collector Here');
    await webviewFrame(page).locator('h3', { hasText: /collector/i }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('collector-help');
    await runCommand(page, 'View: Close All Editors');

    // a store limit: the receiver restarts with it, and filling the store tells the user once
    await app.stop();
    app = undefined;
    const pidBefore = (await receiverApi(cs, '/api/health')).pid;
    // through the Settings editor, as a user would (code-server does not watch settings.json written from outside)
    await runCommand(page, 'Preferences: Open Settings (UI)');
    const search = page.locator('.settings-editor .search-container .monaco-editor').first();
    await search.waitFor({ timeout: 20_000 });
    await search.click();
    await page.keyboard.type('traceExplorer.store.maxSpans');
    const box = page.locator('.settings-editor .setting-item-number', { hasText: 'Store: Max Spans' }).locator('input').first();
    await box.waitFor({ timeout: 20_000 });
    await box.fill('1000');
    await box.press('Tab');
    await waitFor('the setting saved', () => /"traceExplorer\.store\.maxSpans": 1000\b/.test(readFileSync(userSettingsFile(cs), 'utf8')), { timeout: 15_000 });
    await waitFor('the receiver restarted with the new limit', async () => {
      const h = await receiverApi(cs, '/api/health').catch(() => undefined);
      return h && h.pid !== pidBefore && h.maxSpans === 1000;
    }, { timeout: 60_000 });
    await waitForStatusBarText(page, new RegExp(`OTLP :${suggested} :\\d+ · 0 spans`), { timeout: 30_000 });
    await runCommand(page, 'View: Close All Editors');
    await sendSpans(suggested, 150, 10);
    const full = await waitForNotification(page, /Trace Explorer is full \(1,000 spans or 1024 MB\): the oldest traces are being evicted/, { timeout: 30_000 });
    assert.deepEqual(full.buttons, ['Raise the Limits', "Don't Show Again"]);
    const h = await receiverApi(cs, '/api/health');
    assert.ok(h.spans <= 1000 && h.evictedTraces > 0 && h.evicting, JSON.stringify(h));
    await wb.screenshot('eviction-notice');
  } catch (e) {
    await wb.screenshot('failed').catch(() => {});
    throw e;
  } finally {
    if (app) await app.stop();
    await wb.close();
    await blocker.close();
  }
});
